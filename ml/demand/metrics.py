"""Uptake forecast quality, exactly as BENCHMARK_PROTOCOL "Offering uptake"."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ml.columns import Columns
from ml.demand.base import LOWER, PREDICTED_BUYERS, UPPER

TOP = 20


@dataclass(frozen=True, slots=True)
class DemandMetrics:
    """How close forecast buyers per offering came to the actual buyers.

    wape: sum |predicted - actual| / sum actual. mae: mean |predicted - actual|.
    spearman: rank correlation of predicted and actual (NaN if either is
    constant). precision_at_20: share of the 20 offerings forecast highest that
    are among the 20 highest actual. bias: sum predicted / sum actual - 1.
    interval_coverage: share of offerings whose actual lies in [lower, upper];
    interval_width: mean upper - lower (both NaN when no interval was given).
    """

    wape: float
    mae: float
    spearman: float
    precision_at_20: float
    bias: float
    offerings: int
    interval_coverage: float = math.nan
    interval_width: float = math.nan


def demand_metrics(
    predicted: pd.Series,
    actual: pd.Series,
    *,
    lower: pd.Series | None = None,
    upper: pd.Series | None = None,
) -> DemandMetrics:
    """Score forecast buyers against actual buyers, both indexed by offering_id.

    The offerings evaluated are those of ``predicted``; an offering missing
    from ``actual`` had no buyer (0). Ties for the top 20: forecasts tied at
    the cut are taken in offering-id order; an offering counts as a top-20
    actual when its actual is at least the 20th highest actual.
    """
    _check_index(predicted, "predicted")
    if predicted.empty:
        raise ValueError("no offerings to evaluate: predicted is empty")
    pred = predicted.astype("float64")
    if pred.isna().any():
        missing = list(pred.index[pred.isna()][:5])
        raise ValueError(f"predicted has missing values, e.g. for {missing}")
    _check_index(actual, "actual")
    act = actual.astype("float64").reindex(pred.index, fill_value=0.0)
    p = pred.to_numpy()
    a = act.to_numpy()
    total = float(a.sum())
    error = np.abs(p - a)
    coverage = width = math.nan
    if lower is not None or upper is not None:
        if lower is None or upper is None:
            raise ValueError("give both lower and upper, or neither")
        low = lower.astype("float64").reindex(pred.index).to_numpy()
        high = upper.astype("float64").reindex(pred.index).to_numpy()
        known = ~(np.isnan(low) | np.isnan(high))
        if known.any():
            inside = (a[known] >= low[known]) & (a[known] <= high[known])
            coverage = float(inside.mean())
            width = float((high[known] - low[known]).mean())
    return DemandMetrics(
        wape=float(error.sum() / total) if total > 0 else math.nan,
        mae=float(error.mean()),
        spearman=_spearman(p, a),
        precision_at_20=_precision_at_top(pred, act),
        bias=float(p.sum() / total - 1.0) if total > 0 else math.nan,
        offerings=len(pred),
        interval_coverage=coverage,
        interval_width=width,
    )


def forecast_metrics(forecast: pd.DataFrame, actual: pd.Series) -> DemandMetrics:
    """Score a forecaster's ``predict`` frame (with its interval) against actuals."""
    frame = forecast.set_index(Columns.OFFERING)
    return demand_metrics(
        frame[PREDICTED_BUYERS], actual, lower=frame[LOWER], upper=frame[UPPER]
    )


def _check_index(values: pd.Series, name: str) -> None:
    if values.index.has_duplicates:
        repeated = list(values.index[values.index.duplicated()][:5])
        raise ValueError(f"{name} lists some offerings twice, e.g. {repeated}")


def _spearman(predicted: np.ndarray, actual: np.ndarray) -> float:
    if len(predicted) < 2 or np.ptp(predicted) == 0 or np.ptp(actual) == 0:
        return math.nan
    return float(spearmanr(predicted, actual).statistic)


def _precision_at_top(predicted: pd.Series, actual: pd.Series) -> float:
    k = min(TOP, len(predicted))
    order = pd.DataFrame(
        {"value": predicted.to_numpy(), "id": predicted.index.astype(str)}
    ).sort_values(["value", "id"], ascending=[False, True], kind="stable")
    top_predicted = order.index[:k]
    cut = np.sort(actual.to_numpy())[::-1][k - 1]
    hits = actual.to_numpy()[top_predicted] >= cut
    return float(hits.sum() / k)
