"""Demand forecasts against actual buyers for one fold: weekly rows per
offering and the forecast metrics over the whole horizon."""

from __future__ import annotations

import copy

import pandas as pd

from ml.columns import Columns
from ml.demand.base import LOWER, PREDICTED_BUYERS, UPPER, DemandForecaster
from ml.demand.metrics import forecast_metrics
from ml.demand.series import BUYERS, WEEK, horizon_actuals, window_uptake
from ml.evaluation.split import Split

C = Columns
WEEK_START = "week_start"
ACTUAL_BUYERS = "actual_buyers"


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
    columns = [C.OFFERING, WEEK_START, PREDICTED_BUYERS, ACTUAL_BUYERS, LOWER, UPPER]
    metrics = forecast_metrics(
        fitted.predict(offerings, split.horizon_days),
        horizon_actuals(split.test, split.as_of, split.horizon_days),
    )
    return rows[columns], {
        "wape": metrics.wape,
        "mae": metrics.mae,
        "bias": metrics.bias,
        "coverage": metrics.interval_coverage,
        "offerings": metrics.offerings,
    }
