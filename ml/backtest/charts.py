"""The backtest charts: ChartData built from a BacktestReport.

The HTML report and the GUI's Backtest page draw the same ChartData, and
"export CSV" writes its to_frame(), so a chart and its numbers never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ml.backtest.report import (
    DEMAND_BASELINES,
    LIST_BASELINES,
    LIST_METHODS,
    MODES,
    PUSHWISE,
    TOTAL,
    TOTAL_LEVEL,
    BacktestReport,
    plain_name,
)
from ml.columns import Columns
from ml.evaluation.charts import ChartData, ChartSeries, XValue

C = Columns
_LABELS = {
    "recall": "Recall",
    "precision": "Precision",
    "ndcg": "NDCG",
    "hit_rate": "Hit rate",
    "map": "MAP",
    "coverage": "Catalogue coverage",
    "wape": "WAPE",
    "mae": "Mean absolute error",
    "bias": "Bias",
}
_MODE_NAMES = {"all": "all offerings", "repeat": "bought before", "new": "new to them"}


def weekly_chart(
    report: BacktestReport,
    offering_id: str | None = None,
    *,
    level: str = "offering",
) -> ChartData:
    """Weekly buyers forecast at each as-of date against the actual buyers, for
    one offering (or category, with level="category") or, by default, the
    total of all offerings, which Pushwise forecasts with a band of its own."""
    if offering_id is None:
        level, offering_id = TOTAL_LEVEL, TOTAL
    weekly = report.demand_weekly
    rows = weekly.loc[(weekly["level"] == level) & (weekly[C.OFFERING] == offering_id)]
    if rows.empty:
        raise ValueError(
            f"the backtest has no weekly demand for the {level} {offering_id!r}"
        )
    if level == TOTAL_LEVEL:
        title = "Weekly buyers of all offerings: predicted and actual"
        band = (
            "Each offering's buyers are added up (a customer who bought three "
            "offerings counts three times). The shaded band is Pushwise's range "
            "for this total itself, learnt from how far its forecasts of the "
            "total were off at earlier dates: the actual total should fall inside "
            "it in about 8 weeks out of 10."
        )
    else:
        title = f"Weekly buyers of {offering_id}: predicted and actual"
        band = (
            f"The shaded band is Pushwise's range for this {level}: the actual "
            "should fall inside it in about 8 weeks out of 10."
        )
    rows = rows.sort_values(["fold", "week_start"], kind="stable")
    methods = _ordered(rows["method"], (PUSHWISE, *DEMAND_BASELINES))
    first = rows.loc[rows["method"] == methods[0]] if methods else rows
    actual = ChartSeries("Actual", _x(first["week_start"]), _y(first["actual_buyers"]))
    series = [actual]
    for method in methods:
        mine = rows.loc[rows["method"] == method]
        banded = method == PUSHWISE
        series.append(
            ChartSeries(
                plain_name(method),
                _x(mine["week_start"]),
                _y(mine["predicted_buyers"]),
                _y(mine["lower"]) if banded else None,
                _y(mine["upper"]) if banded else None,
            )
        )
    return ChartData(
        title=title,
        caption="Each forecast line starts at a dashed as-of date and covers the "
        f"weeks after it, drawn against what customers really bought. {band}",
        x_label="Week starting",
        y_label="Distinct buyers",
        kind="line",
        series=tuple(series),
        markers=_as_of_markers(report),
    )


def scatter_chart(report: BacktestReport, *, level: str = "offering") -> ChartData:
    """Predicted against actual buyers per offering and test window, per method."""
    rows = report.demand_weekly.loc[report.demand_weekly["level"] == level]
    totals = rows.groupby(["method", "fold", C.OFFERING], as_index=False)[
        ["predicted_buyers", "actual_buyers"]
    ].sum()
    series = tuple(
        ChartSeries(
            plain_name(method),
            _x(mine["actual_buyers"]),
            _y(mine["predicted_buyers"]),
        )
        for method in _ordered(totals["method"], (PUSHWISE, *DEMAND_BASELINES))
        for mine in [totals.loc[totals["method"] == method]]
    )
    return ChartData(
        title=f"Predicted against actual buyers per {level}",
        caption=f"Each dot is one {level} in one test window (weekly buyers added "
        "up): on the diagonal the forecast was exact, above it too high, below it "
        "too low.",
        x_label="Actual buyers",
        y_label="Predicted buyers",
        kind="scatter",
        series=series,
    )


def calibration_chart(report: BacktestReport) -> ChartData:
    """Observed uptake rate against the mean predicted probability, by decile."""
    rows = report.calibration.assign(
        hits=report.calibration["observed"] * report.calibration["pairs"],
        total=report.calibration["predicted"] * report.calibration["pairs"],
    )
    pooled = rows.groupby("decile")[["hits", "total", "pairs"]].sum()
    predicted = pooled["total"] / pooled["pairs"]
    observed = pooled["hits"] / pooled["pairs"]
    top = float(max(predicted.max(), observed.max(), 0.0)) if len(pooled) else 1.0
    return ChartData(
        title="Calibration: predicted probability against real uptake",
        caption="Pairs are split into ten equal groups by predicted probability "
        "(all folds together); a point on the diagonal means that group took the "
        "offer up as often as predicted.",
        x_label="Mean predicted probability",
        y_label="Share taken up",
        kind="line",
        series=(
            ChartSeries(PUSHWISE, _x(predicted), _y(observed)),
            ChartSeries("Perfectly calibrated", (0.0, top), (0.0, top)),
        ),
    )


def gains_chart(report: BacktestReport) -> ChartData:
    """Share of uptake caught against share of pairs contacted, Pushwise and the
    list baselines (each ranking the same pairs by its own score)."""
    curves = pd.concat(
        [report.gains.assign(method=PUSHWISE), report.baseline_gains],
        ignore_index=True,
    )
    mean = curves.groupby(["method", "share_contacted"], as_index=False)[
        "share_of_uptake"
    ].mean()
    series = []
    for method in _ordered(mean["method"], (PUSHWISE, *LIST_BASELINES)):
        mine = mean.loc[mean["method"] == method].sort_values("share_contacted")
        series.append(
            ChartSeries(
                plain_name(method),
                (0.0, *_x(mine["share_contacted"])),
                (0.0, *_y(mine["share_of_uptake"])),
            )
        )
    series.append(ChartSeries("Random order", (0.0, 1.0), (0.0, 1.0)))
    return ChartData(
        title="Gains: uptake caught by contacting the best-scored pairs first",
        caption="Of the customer-offering pairs Pushwise scored, contacting the "
        "share across (best-scored first, by each method's own score) catches the "
        "share of their uptake up; higher is better, the diagonal is random order.",
        x_label="Share of pairs contacted",
        y_label="Share of uptake caught",
        kind="line",
        series=tuple(series),
    )


def metrics_chart(report: BacktestReport, metric: str = "recall") -> ChartData:
    """A push-list metric per method and mode: mean over folds, with the folds'
    lowest and highest as whiskers."""
    _check_metric(metric, ("recall", "precision", "ndcg", "hit_rate", "map"))
    rows = report.list_metrics
    k = int(rows["k"].max()) if len(rows) else 0
    methods = _ordered(rows["method"], LIST_METHODS)
    series = []
    for mode in MODES:
        stats = (
            rows.loc[rows["mode"] == mode]
            .groupby("method")[metric]
            .agg(["mean", "min", "max"])
            .reindex(methods)
        )
        series.append(
            ChartSeries(
                _MODE_NAMES[mode],
                tuple(plain_name(method) for method in methods),
                _y(stats["mean"]),
                _y(stats["min"]),
                _y(stats["max"]),
            )
        )
    return ChartData(
        title=f"{_LABELS[metric]} at {k}: Pushwise and the simple rules",
        caption=f"Bars are each method's {_LABELS[metric].lower()} of its top-{k} "
        "push lists averaged over the test windows, for all offerings, offerings "
        "bought before and new ones; whiskers span the windows.",
        x_label="Method",
        y_label=_LABELS[metric],
        kind="bar",
        series=tuple(series),
    )


def demand_metrics_chart(
    report: BacktestReport, metric: str = "wape", *, level: str = "offering"
) -> ChartData:
    """A demand metric per method: mean over folds, whiskers from lowest to highest."""
    _check_metric(metric, ("wape", "mae", "bias"))
    rows = report.demand_metrics.loc[report.demand_metrics["level"] == level]
    methods = _ordered(rows["method"], (PUSHWISE, *DEMAND_BASELINES))
    stats = rows.groupby("method")[metric].agg(["mean", "min", "max"]).reindex(methods)
    better = {
        "wape": "lower is better",
        "mae": "lower is better",
        "bias": "0 is unbiased, above 0 forecasts too many buyers",
    }[metric]
    return ChartData(
        title=f"{_LABELS[metric]} of buyers per {level}: Pushwise and the simple rules",
        caption=f"Bars are each method's {_LABELS[metric]} over the whole test window "
        f"averaged over the windows ({better}); whiskers span the windows.",
        x_label="Method",
        y_label=_LABELS[metric],
        kind="bar",
        series=(
            ChartSeries(
                _LABELS[metric],
                tuple(plain_name(method) for method in methods),
                _y(stats["mean"]),
                _y(stats["min"]),
                _y(stats["max"]),
            ),
        ),
    )


def _as_of_markers(report: BacktestReport) -> tuple[tuple[XValue, str], ...]:
    return tuple(
        (pd.Timestamp(at), f"as of {pd.Timestamp(at):%Y-%m-%d}")
        for at in report.folds["as_of"]
    )


def _ordered(present: pd.Series, preferred: Sequence[str]) -> list[str]:
    """The methods present, in the preferred order, then any others by name."""
    names = set(present.astype(str))
    return [m for m in preferred if m in names] + sorted(names - set(preferred))


def _check_metric(metric: str, allowed: Sequence[str]) -> None:
    if metric not in allowed:
        raise ValueError(f"metric must be one of {tuple(allowed)}, got {metric!r}")


def _x(values: pd.Series) -> tuple[XValue, ...]:
    if pd.api.types.is_datetime64_any_dtype(values):
        return tuple(pd.Timestamp(value) for value in values)
    return tuple(float(value) for value in values)


def _y(values: pd.Series) -> tuple[float, ...]:
    return tuple(float(value) for value in values)
