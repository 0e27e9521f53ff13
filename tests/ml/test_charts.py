"""Chart data built from a small hand-made backtest report: known numbers."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from ml.backtest.charts import (
    calibration_chart,
    demand_metrics_chart,
    gains_chart,
    metrics_chart,
    scatter_chart,
    weekly_chart,
)
from ml.evaluation.charts import FRAME_COLUMNS, ChartData, ChartSeries
from tests.ml.backtest_builders import AS_OF, WEEK, small_report


@pytest.fixture(scope="module")
def report():
    return small_report()


def test_weekly_chart_of_one_offering_draws_actual_and_each_forecast(report) -> None:
    chart = weekly_chart(report, "a")
    assert chart.kind == "line"
    names = [s.name for s in chart.series]
    assert names == ["Actual", "Pushwise", "Average of the last 4 weeks"]
    actual, pushwise, average = chart.series
    assert (
        actual.x
        == pushwise.x
        == tuple(at + week * WEEK for at in AS_OF for week in range(4))
    )
    assert actual.y == (10, 11, 12, 13) * 2
    assert pushwise.y == (11, 12, 13, 14) * 2
    assert (
        pushwise.lower == (8, 9, 10, 11) * 2 and pushwise.upper == (14, 15, 16, 17) * 2
    )
    assert average.lower is None  # only Pushwise's band is drawn
    assert chart.markers == (
        (AS_OF[0], "as of 2024-03-01"),
        (AS_OF[1], "as of 2024-03-29"),
    )
    assert "range for this offering" in chart.caption


def test_weekly_chart_of_the_total_draws_the_totals_own_forecast_and_band(
    report,
) -> None:
    chart = weekly_chart(report)
    names = [s.name for s in chart.series]
    assert names == ["Actual", "Pushwise", "Average of the last 4 weeks"]
    actual, pushwise, average = chart.series
    assert actual.y == (11, 12, 13, 14) * 2
    assert pushwise.y == (13, 14, 15, 16) * 2
    # The total's own band (2 either side), not the offerings' bands added up (6).
    assert pushwise.lower == tuple(y - 2 for y in pushwise.y)
    assert pushwise.upper == tuple(y + 2 for y in pushwise.y)
    assert average.y == (15, 16, 17, 18) * 2 and average.lower is None
    assert "all offerings" in chart.title
    assert "range for this total itself" in chart.caption
    assert "8 weeks out of 10" in chart.caption


def test_weekly_chart_without_a_total_says_so(report) -> None:
    weekly = report.demand_weekly
    offerings_only = replace(report, demand_weekly=weekly[weekly["level"] != "total"])
    with pytest.raises(ValueError, match="no weekly demand for the total"):
        weekly_chart(offerings_only)


def test_weekly_chart_of_an_unknown_offering_says_so(report) -> None:
    with pytest.raises(ValueError, match="no weekly demand for the offering 'zz'"):
        weekly_chart(report, "zz")


def test_scatter_has_one_dot_per_offering_and_window(report) -> None:
    chart = scatter_chart(report)
    assert chart.kind == "scatter"
    pushwise = chart.series[0]
    assert pushwise.name == "Pushwise"
    assert sorted(zip(pushwise.x, pushwise.y, strict=True)) == [
        (4.0, 8.0),
        (4.0, 8.0),
        (46.0, 50.0),
        (46.0, 50.0),
    ]


def test_calibration_pools_the_folds_weighted_by_pairs(report) -> None:
    chart = calibration_chart(report)
    line, diagonal = chart.series
    assert line.x == pytest.approx((0.175, 0.5))
    assert line.y == pytest.approx((0.225, 0.5))
    assert diagonal.name == "Perfectly calibrated"
    assert diagonal.x == diagonal.y == (0.0, 0.5)


def test_gains_chart_averages_folds_and_starts_at_zero(report) -> None:
    chart = gains_chart(report)
    names = [s.name for s in chart.series]
    assert names == ["Pushwise", "Push the best sellers", "Random order"]
    pushwise = chart.series[0]
    assert pushwise.x[0] == 0.0 and pushwise.y[0] == 0.0
    assert pushwise.x[-1] == 1.0 and pushwise.y[-1] == pytest.approx(1.0)
    assert pushwise.y[50] == pytest.approx((0.5**0.3 + 0.5**1.3) / 2)


def test_metrics_chart_has_a_bar_per_method_and_mode_with_fold_whiskers(
    report,
) -> None:
    chart = metrics_chart(report, "recall")
    assert chart.kind == "bar"
    assert chart.title == "Recall at 10: Pushwise and the simple rules"
    assert [s.name for s in chart.series] == [
        "all offerings",
        "bought before",
        "new to them",
    ]
    every = chart.series[0]
    assert every.x == ("Pushwise", "Push the best sellers")
    assert every.y == pytest.approx((0.45, 0.25))
    assert every.lower == pytest.approx((0.4, 0.2))
    assert every.upper == pytest.approx((0.5, 0.3))
    with pytest.raises(ValueError, match="metric must be one of"):
        metrics_chart(report, "wape")


def test_demand_metrics_chart_puts_pushwise_first(report) -> None:
    chart = demand_metrics_chart(report, "wape")
    (bars,) = chart.series
    assert bars.x == ("Pushwise", "Average of the last 4 weeks")
    assert bars.y == pytest.approx((0.3, 0.4))
    assert "lower is better" in chart.caption


def test_to_frame_holds_every_point_for_csv_export(report, tmp_path) -> None:
    chart = weekly_chart(report, "a")
    frame = chart.to_frame()
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert len(frame) == 3 * 8
    assert frame.loc[frame.series == "Pushwise", "upper"].tolist()[:2] == [14, 15]
    assert frame.loc[frame.series == "Actual", "lower"].isna().all()
    frame.to_csv(tmp_path / "chart.csv", index=False)
    back = pd.read_csv(tmp_path / "chart.csv")
    assert back["y"].tolist() == frame["y"].tolist()


def test_chart_values_are_checked() -> None:
    with pytest.raises(ValueError, match="lengths differ"):
        ChartSeries("s", (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="kind must be one of"):
        ChartData("t", "c.", "x", "y", "pie", ())
    assert ChartData("t", "c.", "x", "y", "line", ()).to_frame().empty
