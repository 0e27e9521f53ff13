"""The Backtest page: charts for the total and a chosen offering, export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog

from app.pages.backtest import BacktestPage
from app.state import AppState
from ml.workflows.results import ModelResult

SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def trained(weekly_trained: tuple[Path, ModelResult]) -> ModelResult:
    """A model trained and checked at 3 earlier dates on a tiny project of
    weekly buyers."""
    return weekly_trained[1]


@pytest.fixture
def page(qtbot, trained: ModelResult) -> Iterator[BacktestPage]:
    state = AppState()
    backtest_page = BacktestPage(state)
    qtbot.addWidget(backtest_page)
    backtest_page.resize(1100, 760)
    backtest_page.show()
    assert backtest_page.stack.currentIndex() == 0  # "Train a model first"
    with qtbot.waitSignal(backtest_page.charts_shown):
        state.set_backtest(trained.backtest)
    yield backtest_page


def test_total_and_chosen_offering_show_weekly_predicted_and_actual(
    qtbot, page
) -> None:
    chart = page.weekly_chart.chart
    assert chart is not None and "all offerings" in chart.title
    assert "range for this total itself" in chart.caption
    assert page.weekly_chart.caption.text() == chart.caption
    names = [series.name for series in chart.series]
    assert names[:2] == ["Actual", "Pushwise"]
    assert chart.series[1].lower is not None  # the total's own band
    assert len(chart.markers) == 3  # one as-of date per period checked
    SHOTS.mkdir(exist_ok=True)
    page.grab().save(str(SHOTS / "backtest_total.png"))
    # Search the chooser as a user would and pick offering p0.
    completer = page.chooser.completer()
    completer.setCompletionPrefix("p0")
    assert completer.currentCompletion() == "p0"
    page.choose("offering", "p0")
    chart = page.weekly_chart.chart
    assert chart.title.startswith("Weekly buyers of p0")
    pushwise = next(s for s in chart.series if s.name == "Pushwise")
    assert pushwise.lower is not None  # the interval, drawn as a band
    page.grab().save(str(SHOTS / "backtest_offering.png"))


def test_the_other_charts_and_the_metrics_table(page) -> None:
    assert page.scatter_chart.chart.kind == "scatter"
    assert page.calibration_chart.chart.kind == "line"
    gains = [series.name for series in page.gains_chart.chart.series]
    assert gains[0] == "Pushwise" and "Push the best sellers" in gains
    model = page.metrics_model
    modes = set(model.frame()["mode"])
    assert {"Bought before", "New to them"} <= modes  # repeat vs new
    for index, name in enumerate(("scatter", "calibration", "gains", "metrics")):
        page.tabs.setCurrentIndex(index + 1)
        page.grab().save(str(SHOTS / f"backtest_{name}.png"))


def test_export_csv_writes_the_charts_numbers(
    qtbot, page, tmp_path, monkeypatch
) -> None:
    target = tmp_path / "weekly.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV file")
    )
    with qtbot.waitSignal(page.weekly_chart.exported):
        qtbot.mouseClick(page.weekly_chart.numbers_button, Qt.MouseButton.LeftButton)
    written = pd.read_csv(target)
    expected = page.weekly_chart.chart.to_frame()
    assert list(written.columns) == ["series", "x", "y", "lower", "upper"]
    assert len(written) == len(expected)
    assert written["y"].sum() == pytest.approx(expected["y"].sum())
    assert set(written["series"]) == {
        "Actual",
        "Pushwise",
        "Same weeks a year before",
        "Average of the last 4 weeks",
    } & set(expected["series"])


def test_export_pictures(page, tmp_path) -> None:
    png = page.gains_chart.export_png(tmp_path / "gains.png")
    svg = page.gains_chart.export_svg(tmp_path / "gains.svg")
    assert png.stat().st_size > 1000
    assert "<svg" in svg.read_text(encoding="utf-8")[:2000]


def test_pointing_at_a_point_reads_its_numbers(qtbot, page) -> None:
    view = page.weekly_chart
    qtbot.waitExposed(view.plot)
    actual = view.chart.series[0]
    week, buyers = actual.x[1], actual.y[1]
    box = view.plot.getPlotItem().vb
    scene = box.mapViewToScene(QPointF(week.timestamp(), buyers))
    qtbot.mouseMove(view.plot.viewport(), view.plot.mapFromScene(scene))
    qtbot.waitUntil(lambda: "Actual" in view.readout.text())
    assert f"{week:%d %b %Y}" in view.readout.text()
    assert f"Distinct buyers {buyers:,.0f}" in view.readout.text()
