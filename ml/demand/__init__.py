"""Offering uptake: weekly series, demand baselines, the gradient-boosting
demand model, forecasts of whole groups (the total, categories) and forecast
metrics."""

from __future__ import annotations

from ml.demand.base import DemandForecaster
from ml.demand.baselines import MovingAverageForecaster, SeasonalNaiveForecaster
from ml.demand.gbm import GradientBoostingDemandForecaster
from ml.demand.intervals import EmpiricalInterval
from ml.demand.metrics import DemandMetrics, demand_metrics, forecast_metrics
from ml.demand.series import (
    horizon_actuals,
    protocol_offerings,
    weekly_series,
    window_uptake,
)
from ml.demand.totals import GroupTotalsForecaster

__all__ = [
    "DemandForecaster",
    "DemandMetrics",
    "EmpiricalInterval",
    "GradientBoostingDemandForecaster",
    "GroupTotalsForecaster",
    "MovingAverageForecaster",
    "SeasonalNaiveForecaster",
    "demand_metrics",
    "forecast_metrics",
    "horizon_actuals",
    "protocol_offerings",
    "weekly_series",
    "window_uptake",
]
