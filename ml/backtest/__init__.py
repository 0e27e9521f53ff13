"""Backtests: predicted versus actual at earlier as-of dates, for Pushwise and
the baseline ladder, as tidy tables (BacktestReport)."""

from __future__ import annotations

from ml.backtest.lists import PreferenceModel
from ml.backtest.report import (
    DEMAND_BASELINES,
    LIST_BASELINES,
    MODES,
    PUSHWISE,
    BacktestReport,
)
from ml.backtest.run import demand_ladder, list_ladder, run_backtest

__all__ = [
    "DEMAND_BASELINES",
    "LIST_BASELINES",
    "MODES",
    "PUSHWISE",
    "BacktestReport",
    "PreferenceModel",
    "demand_ladder",
    "list_ladder",
    "run_backtest",
]
