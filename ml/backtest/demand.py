"""Demand forecasts against actual buyers for one fold: weekly rows per
offering (or category) and for the total of all offerings, and the forecast
metrics over the whole horizon."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping

import pandas as pd

from ml.backtest.report import PUSHWISE, TOTAL
from ml.columns import Columns
from ml.demand.base import LOWER, PREDICTED_BUYERS, UPPER, DemandForecaster
from ml.demand.metrics import DemandMetrics, forecast_metrics
from ml.demand.series import BUYERS, WEEK, horizon_actuals, window_uptake
from ml.demand.totals import GroupTotalsForecaster
from ml.evaluation.split import Split

C = Columns
WEEK_START = "week_start"
ACTUAL_BUYERS = "actual_buyers"
WEEKLY_ROW_COLUMNS = (
    C.OFFERING,
    WEEK_START,
    PREDICTED_BUYERS,
    ACTUAL_BUYERS,
    LOWER,
    UPPER,
)


def weekly_actuals(split: Split, offerings: list[str]) -> pd.DataFrame:
    """Distinct buyers per offering and week of the test window (zeros kept).

    Weeks start at as_of, as_of + 7 days, ...; the last one is cut at the end
    of the window when the horizon is not a whole number of weeks.
    """
    frames = []
    start = split.as_of
    while start < split.test_end:
        end = min(start + WEEK, split.test_end)
        buyers = window_uptake(split.test, start, end)[BUYERS]
        frames.append(
            pd.DataFrame(
                {
                    C.OFFERING: offerings,
                    WEEK_START: start,
                    ACTUAL_BUYERS: buyers.reindex(offerings, fill_value=0).to_numpy(),
                }
            )
        )
        start = end
    return pd.concat(frames, ignore_index=True)


def demand_rows(
    model: DemandForecaster, split: Split, offerings: list[str]
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Fit a copy of model on the split's history and score its forecasts.

    Returns the weekly rows (offering_id, week_start, predicted_buyers,
    actual_buyers, lower, upper) and the horizon metrics (wape, mae, bias,
    coverage, offerings) of buyers per offering over the whole test window.
    """
    fitted = copy.deepcopy(model).fit(split.train, split.as_of)
    weekly = fitted.predict_weekly(offerings, split.horizon_days)
    actual = weekly_actuals(split, offerings)
    weekly = weekly.assign(**{WEEK_START: pd.to_datetime(weekly[WEEK_START])})
    rows = actual.merge(
        weekly[[C.OFFERING, WEEK_START, PREDICTED_BUYERS, LOWER, UPPER]],
        on=[C.OFFERING, WEEK_START],
        how="left",
        validate="1:1",
    )
    metrics = forecast_metrics(
        fitted.predict(offerings, split.horizon_days),
        horizon_actuals(split.test, split.as_of, split.horizon_days),
    )
    return rows[list(WEEKLY_ROW_COLUMNS)], _metrics(metrics, metrics.offerings)


def total_rows(
    split: Split, methods: Mapping[str, GroupTotalsForecaster]
) -> Iterator[tuple[str, pd.DataFrame, dict[str, float]]]:
    """Each method's forecast of the total against the actual total.

    The total is every offering's distinct buyers added up (a customer who
    bought three offerings counts three times), each week and over the whole
    horizon, new offerings included. ``methods`` maps a method name to an
    unfitted GroupTotalsForecaster; only Pushwise's interval is kept. Yields
    (method, weekly rows as demand_rows gives them, horizon metrics).
    """
    sold = pd.Index(split.train[C.OFFERING].astype(str).unique())
    groups = pd.Series(TOTAL, index=sold)
    actual = weekly_total(split)
    horizon = float(
        window_uptake(split.test, split.as_of, split.test_end)[BUYERS].sum()
    )
    for name, template in methods.items():
        fitted = copy.deepcopy(template).fit(split.train, split.as_of, groups)
        weekly = fitted.predict_weekly([TOTAL], split.horizon_days)
        forecast = fitted.predict([TOTAL], split.horizon_days)
        if name != PUSHWISE:  # only Pushwise's band is drawn and scored
            for frame in (weekly, forecast):
                frame[[LOWER, UPPER]] = math.nan
        rows = actual.merge(weekly, on=[C.OFFERING, WEEK_START], validate="1:1")
        metrics = forecast_metrics(forecast, pd.Series({TOTAL: horizon}))
        yield name, rows[list(WEEKLY_ROW_COLUMNS)], _metrics(metrics, len(sold))


def weekly_total(split: Split) -> pd.DataFrame:
    """The total's actual buyers in each week of the test window."""
    frames = []
    start = split.as_of
    while start < split.test_end:
        end = min(start + WEEK, split.test_end)
        buyers = window_uptake(split.test, start, end)[BUYERS].sum()
        frames.append(
            {C.OFFERING: TOTAL, WEEK_START: start, ACTUAL_BUYERS: float(buyers)}
        )
        start = end
    return pd.DataFrame(frames)


def _metrics(metrics: DemandMetrics, offerings: int) -> dict[str, float]:
    return {
        "wape": metrics.wape,
        "mae": metrics.mae,
        "bias": metrics.bias,
        "coverage": metrics.interval_coverage,
        "offerings": offerings,
    }
