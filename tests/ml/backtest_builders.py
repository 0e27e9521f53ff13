"""A small hand-made BacktestReport with known numbers (for charts and report tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.backtest.report import (
    BASELINE_GAINS_COLUMNS,
    CALIBRATION_COLUMNS,
    CUSTOMER_RECALL_COLUMNS,
    DEMAND_METRIC_COLUMNS,
    DEMAND_WEEKLY_COLUMNS,
    FOLD_COLUMNS,
    GAINS_COLUMNS,
    LIST_COLUMNS,
    TOTAL,
    UPTAKE_COLUMNS,
    BacktestReport,
    typed,
)

AS_OF = [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-29")]
WEEK = pd.Timedelta(days=7)


def _weekly() -> pd.DataFrame:
    """Offerings a and b, 4 weeks per fold; a's actual is 10 + week, b's 1. The
    total's rows (11 + week) carry Pushwise's own band, 2 either side, where
    adding up the offerings' bands would give 6."""
    rows = []
    for fold, as_of in enumerate(AS_OF, start=1):
        for week in range(4):
            cases = [
                ("offering", offering, actual, method, actual + extra, band)
                for offering, actual in (("a", 10 + week), ("b", 1))
                for method, extra, band in (
                    ("moving average", 2, np.nan),
                    ("Pushwise", 1, 3.0),
                )
            ]
            cases += [
                ("total", TOTAL, 11 + week, "moving average", 15 + week, np.nan),
                ("total", TOTAL, 11 + week, "Pushwise", 13 + week, 2.0),
            ]
            for level, offering, actual, method, predicted, band in cases:
                rows.append(
                    (
                        fold,
                        as_of,
                        method,
                        level,
                        offering,
                        as_of + week * WEEK,
                        predicted,
                        actual,
                        predicted - band,
                        predicted + band,
                    )
                )
    return pd.DataFrame(rows, columns=list(DEMAND_WEEKLY_COLUMNS))


def _lists() -> pd.DataFrame:
    rows = []
    for fold, as_of in enumerate(AS_OF, start=1):
        for method, recall in (("popularity", 0.1), ("Pushwise", 0.3)):
            for mode in ("all", "repeat", "new"):
                value = recall + 0.1 * fold
                metrics = [value] * 5 + [0.5]
                rows.append((fold, as_of, method, mode, 10, 50, *metrics))
    return pd.DataFrame(rows, columns=list(LIST_COLUMNS))


def customer_recall(pushwise_gain: float) -> pd.DataFrame:
    """50 customers per fold: popularity's recall 0.1 + 0.1 x fold, Pushwise's
    that plus pushwise_gain, 0.1 higher or lower for every other customer."""
    rows = []
    for fold in (1, 2):
        for n in range(50):
            base = 0.1 + 0.1 * fold
            spread = 0.1 if n % 2 else -0.1
            rows.append((fold, "popularity", f"c{n}", base))
            rows.append((fold, "Pushwise", f"c{n}", base + pushwise_gain + spread))
    return typed(
        pd.DataFrame(rows, columns=list(CUSTOMER_RECALL_COLUMNS)),
        CUSTOMER_RECALL_COLUMNS,
    )


def _gains(method: str | None, power: float) -> pd.DataFrame:
    share = np.arange(1, 101) / 100
    frames = []
    for fold, as_of in enumerate(AS_OF, start=1):
        caught = share ** (power + fold - 1)
        frame = pd.DataFrame(
            {
                "fold": fold,
                "as_of": as_of,
                "share_contacted": share,
                "share_of_uptake": caught,
                "lift": caught / share,
            }
        )
        if method is not None:
            frame["method"] = method
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def small_report() -> BacktestReport:
    """Two folds, offerings a and b, Pushwise against one baseline per ladder."""
    folds = pd.DataFrame(
        {
            "fold": [1, 2],
            "as_of": AS_OF,
            "horizon_end": [at + 4 * WEEK for at in AS_OF],
            "customers": [60, 61],
            "offerings": [2, 2],
        }
    )
    calibration = pd.DataFrame(
        {
            "fold": [1, 1, 2, 2],
            "as_of": [AS_OF[0]] * 2 + [AS_OF[1]] * 2,
            "decile": [1, 2, 1, 2],
            "predicted": [0.1, 0.5, 0.2, 0.5],
            "observed": [0.0, 0.6, 0.3, 0.4],
            "pairs": [10, 10, 30, 10],
        }
    )
    metrics = pd.DataFrame(
        {
            "fold": [1, 1, 2, 2, 1, 2],
            "as_of": [AS_OF[0]] * 2 + [AS_OF[1]] * 2 + AS_OF,
            "method": ["Pushwise", "moving average"] * 2 + ["Pushwise"] * 2,
            "level": ["offering"] * 4 + ["total"] * 2,
            "wape": [0.2, 0.3, 0.4, 0.5, 0.05, 0.15],
            "mae": 1.0,
            "bias": 0.1,
            "coverage": [0.8] * 4 + [1.0, 0.0],
            "offerings": 2,
        }
    )
    uptake = pd.DataFrame(
        {"fold": [1, 2], "as_of": AS_OF, "predicted": [5.0, 6.0], "actual": [5, 7]}
    )
    return BacktestReport(
        folds=typed(folds, FOLD_COLUMNS),
        list_metrics=typed(_lists(), LIST_COLUMNS),
        gains=typed(_gains(None, 0.3), GAINS_COLUMNS),
        baseline_gains=typed(_gains("popularity", 0.8), BASELINE_GAINS_COLUMNS),
        calibration=typed(calibration, CALIBRATION_COLUMNS),
        uptake=typed(uptake, UPTAKE_COLUMNS),
        demand_weekly=typed(_weekly(), DEMAND_WEEKLY_COLUMNS),
        demand_metrics=typed(metrics, DEMAND_METRIC_COLUMNS),
        customer_recall=customer_recall(0.2),
    )
