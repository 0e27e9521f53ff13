"""From a project's data to FORECAST.csv: how many customers will take up
each offering over the horizon (or each week of it), with an interval, and
how that compares with the sum of the customers' uptake probabilities
(`pushwise forecast`, the demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ml import compute
from ml.columns import Columns
from ml.dataset import Interactions, OfferingLevel, load_interactions
from ml.demand.base import (
    LOWER,
    PREDICTED_BUYERS,
    PREDICTED_UNITS,
    UPPER,
    DemandForecaster,
)
from ml.demand.gbm import GradientBoostingDemandForecaster
from ml.demand.series import WEEK_START, check_days
from ml.errors import InputDataError
from ml.plan.inputs import load_exclusions
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.safecells import write_safe_csv
from ml.store.project import Project
from ml.workflows.settings import PERIODS

C = Columns
PERIOD_START = "period_start"
PERIOD_END = "period_end"
FORECAST_CSV_COLUMNS = (
    C.OFFERING,
    PERIOD_START,
    PERIOD_END,
    PREDICTED_BUYERS,
    PREDICTED_UNITS,
    LOWER,
    UPPER,
)
GAP_COLUMNS = (C.OFFERING, "forecast_buyers", "sum_of_probabilities", "gap")


@compute.uses_cluster
def forecast_project(
    project: Project,
    *,
    level: OfferingLevel = OfferingLevel.OFFERING,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    period: Literal["horizon", "week"] = "horizon",
    forecaster: DemandForecaster | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> pd.DataFrame:
    """forecast_uptake of the project's events at `level`, charges such as
    postage left out."""
    return forecast_uptake(
        load_interactions(project, level=level),
        as_of=as_of,
        horizon_days=horizon_days,
        period=period,
        forecaster=forecaster,
        services=load_exclusions(project).services,
        report=report,
        stop_requested=stop_requested,
    )


def forecast_uptake(
    data: Interactions,
    *,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    period: Literal["horizon", "week"] = "horizon",
    forecaster: DemandForecaster | None = None,
    services: frozenset[str] = frozenset(),
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> pd.DataFrame:
    """Forecast the uptake of every offering with a purchase before as_of.

    Returns FORECAST.csv's columns (FORECAST_CSV_COLUMNS): one row per
    offering for ``period="horizon"`` ([as_of, as_of + horizon_days)), or one
    per offering and week for ``period="week"`` (the last week cut at the
    horizon's end); offerings with the most predicted buyers first.
    ``forecaster`` (default: GradientBoostingDemandForecaster for the
    horizon) is fitted here. ``services`` (charges such as postage, see
    load_exclusions) are left out, as the push plan leaves them out.
    """
    check_days(horizon_days)
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    data = data.without_offerings(services)
    as_of = data.default_as_of() if as_of is None else pd.Timestamp(as_of)
    before = data.before(as_of).purchases
    if before.empty:
        raise InputDataError(
            f"there are no purchases before {as_of:%Y-%m-%d} to forecast from.",
            hint="Choose a later as-of date or import older orders.",
        )
    if forecaster is None:
        forecaster = GradientBoostingDemandForecaster(horizon_days=horizon_days)
    report(0.0, f"Learning uptake from the purchases before {as_of:%Y-%m-%d}")
    executor = compute.current()
    if executor.remote:
        # One task on a worker (the demand model learns from every offering
        # at once); the fitted state is copied back, as callers read it here.
        (fitted,) = executor.map(
            _fitted, [forecaster], (data, as_of), stop_requested=stop_requested
        )
        vars(forecaster).update(vars(fitted))
    else:
        _fitted(data, as_of, forecaster)
    check_cancel(stop_requested)
    report(0.8, "Forecasting each offering")
    total = forecaster.predict(_offerings(before), horizon_days)
    order = total.sort_values(
        [PREDICTED_BUYERS, C.OFFERING], ascending=[False, True], kind="stable"
    )[C.OFFERING].tolist()
    end = as_of + pd.Timedelta(days=horizon_days)
    if period == "horizon":
        frame = total.set_index(C.OFFERING).loc[order].reset_index()
        frame[PERIOD_START] = as_of
        frame[PERIOD_END] = end
    else:
        frame = forecaster.predict_weekly(order, horizon_days)
        frame[PERIOD_START] = pd.to_datetime(frame[WEEK_START])
        week_end = frame[PERIOD_START] + pd.Timedelta(days=7)
        frame[PERIOD_END] = week_end.where(week_end < end, end)
    report(1.0, "Uptake forecast ready")
    return frame[list(FORECAST_CSV_COLUMNS)].reset_index(drop=True)


def _fitted(
    data: Interactions, as_of: pd.Timestamp, forecaster: DemandForecaster
) -> DemandForecaster:
    """The forecaster fitted on the data before as_of (in place)."""
    if isinstance(forecaster, GradientBoostingDemandForecaster):
        return forecaster.fit(data, as_of)  # its rating features read the feedback
    return forecaster.fit(data.purchases, as_of)


def _offerings(purchases: pd.DataFrame) -> list[str]:
    return sorted(purchases[C.OFFERING].astype(str).unique())


def to_forecast_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a forecast as FORECAST.csv (DESIGN.md's columns, dates as
    YYYY-MM-DD, counts to 3 decimals, an unknown bound left empty)."""
    missing = [name for name in FORECAST_CSV_COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(
            f"the forecast has no column {', '.join(missing)}; build it with "
            "forecast_uptake."
        )
    out = frame[list(FORECAST_CSV_COLUMNS)].copy()
    for name in (PERIOD_START, PERIOD_END):
        out[name] = pd.to_datetime(out[name]).dt.strftime("%Y-%m-%d")
    for name in (PREDICTED_BUYERS, PREDICTED_UNITS, LOWER, UPPER):
        out[name] = out[name].astype("float64").round(3)
    return write_safe_csv(out, path)


def uptake_gap(forecast: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """Each offering's forecast buyers next to the sum of its customers'
    uptake probabilities, and the gap (forecast minus sum), largest first.

    ``forecast`` has one row per offering (forecast_uptake with
    period="horizon", or a forecaster's predict); ``scored`` holds
    customer_id, offering_id, probability (TwoStageRanker.scored). The sum
    covers only the customers and candidates the ranker scored, so a forecast
    above it is expected: buyers who are new customers, or for whom the
    offering was no candidate. An offering missing on one side counts 0 there.
    """
    if forecast[C.OFFERING].duplicated().any():
        raise ValueError(
            "the forecast lists an offering more than once; give the horizon "
            "forecast (period='horizon'), not the weekly one."
        )
    forecast_buyers = forecast.set_index(C.OFFERING)[PREDICTED_BUYERS].astype(float)
    probabilities = scored.groupby(C.OFFERING)["probability"].sum().astype(float)
    ids = forecast_buyers.index.union(probabilities.index)
    out = pd.DataFrame(
        {
            "forecast_buyers": forecast_buyers.reindex(ids, fill_value=0.0),
            "sum_of_probabilities": probabilities.reindex(ids, fill_value=0.0),
        }
    )
    out["gap"] = out["forecast_buyers"] - out["sum_of_probabilities"]
    out.index.name = C.OFFERING
    out = out.reset_index()
    order = np.lexsort((out[C.OFFERING].astype(str), -out["gap"].abs().to_numpy()))
    return out.iloc[order].reset_index(drop=True)[list(GAP_COLUMNS)]
