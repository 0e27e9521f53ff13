"""The demo's HTML report: charts as SVG, and the page a marketing user opens."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from ml.backtest.charts import weekly_chart
from ml.evaluation.charts import ChartData, ChartSeries
from ml.htmlreport.html import ReportInputs, render_report, write_report
from ml.htmlreport.svg import chart_svg
from ml.plan import PushPlan
from tests.ml.backtest_builders import AS_OF, small_report

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_weekly_chart_svg_draws_each_series_its_band_and_the_as_of_dates() -> None:
    chart = weekly_chart(small_report(), "a")
    root = _parse(chart_svg(chart))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == len(chart.series)
    # Pushwise's interval is a filled band.
    assert len(root.findall(f"{SVG}polygon")) == 1
    labels = [text.text for text in root.iter(f"{SVG}text")]
    for _, marker in chart.markers:
        assert marker in labels
    assert "Actual" in labels


def test_bar_chart_has_one_bar_per_value_and_scatter_one_dot_per_point() -> None:
    bars = ChartData(
        "Recall",
        "How much of what customers bought the list caught.",
        "method",
        "recall",
        "bar",
        (
            ChartSeries("all", ("Pushwise", "popularity"), (0.4, 0.1)),
            ChartSeries("new", ("Pushwise", "popularity"), (0.1, 0.05)),
        ),
    )
    assert len(_parse(chart_svg(bars)).findall(f"{SVG}rect")) == 4 + 2  # + legend
    dots = ChartData(
        "Buyers",
        "Each dot is an offering.",
        "predicted",
        "actual",
        "scatter",
        (ChartSeries("offerings", (1.0, 2.0, 3.0), (1.0, 2.5, 2.0)),),
    )
    assert len(_parse(chart_svg(dots)).findall(f"{SVG}circle")) == 3


def test_names_from_the_data_cannot_break_the_markup() -> None:
    chart = ChartData(
        "Buyers of <b>MUG</b> & co",
        "caption",
        "week",
        "buyers",
        "line",
        (ChartSeries("<script>x</script>", (1.0, 2.0), (3.0, 4.0)),),
    )
    root = _parse(chart_svg(chart))
    assert root.find(f"{SVG}title").text == "Buyers of <b>MUG</b> & co"


def _plan() -> PushPlan:
    rows = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2"],
            "offering_id": ["a", "b", "a"],
            "rank": [1, 2, 1],
            "score": [0.6, 0.3, 0.5],
            "probability": [0.6, 0.3, 0.5],
            "expected_revenue": [12.0, 3.0, 10.0],
            "reason": ["buys about every 30 days, last 34 days ago", "popular", "x"],
        }
    )
    suppressed = pd.DataFrame(columns=["customer_id", "offering_id", "rule", "detail"])
    return PushPlan(
        rows=rows,
        suppressed=suppressed,
        removed_by_rule={"recent_purchase": 4, "negative_feedback": 1},
        as_of=AS_OF[1] + pd.Timedelta(days=28),
    )


def _forecast() -> pd.DataFrame:
    start = AS_OF[1] + pd.Timedelta(days=28)
    return pd.DataFrame(
        {
            "offering_id": ["a", "b"],
            "period_start": [start] * 2,
            "period_end": [start + pd.Timedelta(days=28)] * 2,
            "predicted_buyers": [40.0, 4.0],
            "predicted_units": [80.0, 5.0],
            "lower": [30.0, 1.0],
            "upper": [50.0, 8.0],
        }
    )


def test_report_tells_how_far_to_trust_it_what_to_push_and_what_to_expect(
    tmp_path,
) -> None:
    names = pd.Series({"a": "RED MUG <large>", "b": "TEA SET"})
    gap = pd.DataFrame(
        {
            "offering_id": ["a", "b"],
            "forecast_buyers": [40.0, 4.0],
            "sum_of_probabilities": [31.0, 2.0],
            "gap": [9.0, 2.0],
        }
    )
    inputs = ReportInputs(
        data_summary="872 customers, 3,375 offerings",
        model_note="Using the model saved in the project.",
        backtest=small_report(),
        plan=_plan(),
        forecast=_forecast(),
        gap=gap,
        names=names,
    )
    page = write_report(inputs, tmp_path / "out" / "report.html")
    html = page.read_text(encoding="utf-8")
    assert small_report().headline() in html
    assert html.count("<svg") == 4  # weekly, gains, calibration, scatter
    assert "buys about every 30 days, last 34 days ago" in html
    assert "RED MUG &lt;large&gt; (a)" in html and "<large>" not in html
    assert "bought recently, not due again yet</td><td class='n'>4" in html
    assert "bad feedback</td><td class='n'>1" in html
    assert "recent_purchase" not in html  # no rule codes for marketing staff
    # The forecast table, biggest first, with its range and the plan's sum.
    assert html.index("RED MUG &lt;large&gt; (a)</td><td class='n'>40") < html.index(
        "TEA SET (b)</td><td class='n'>4"
    )
    assert "30 to 50" in html and "<td class='n'>31</td>" in html


def test_report_without_a_forecast_leaves_that_section_out() -> None:
    inputs = ReportInputs(
        data_summary="s", model_note="n", backtest=small_report(), plan=_plan()
    )
    assert "Expected uptake per offering" not in render_report(inputs)


@pytest.mark.slow
def test_demo_writes_a_report_a_plan_a_forecast_and_the_backtest(tmp_path) -> None:
    from ml.cli import main
    from ml.plan import PLAN_COLUMNS

    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--folds", "1"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "How far to trust it" in html and "<svg" in html
    plan = pd.read_csv(out / "plan.csv", dtype=str)
    assert list(plan.columns) == PLAN_COLUMNS and len(plan) > 1000
    forecast = pd.read_csv(out / "forecast.csv")
    lower, predicted = forecast["lower"], forecast["predicted_buyers"]
    assert ((lower <= predicted) | lower.isna()).all() and predicted.sum() > 100
    summary = pd.read_csv(out / "backtest" / "summary.csv")
    assert {"Pushwise", "popularity"} <= set(summary["method"])
