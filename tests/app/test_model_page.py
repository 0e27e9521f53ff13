"""The Model page: train on a tiny project, read the card, cancel, reopen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout
from threadpoolctl import threadpool_limits

from app.pages.model import ModelPage, include_bought
from app.state import AppState
from ml.store.project import Project
from ml.store.savedmodels import list_models
from ml.workflows.settings import CheckSettings, TrainSettings
from ml.workflows.train import CHECK_STARTS, train_and_check, train_and_save
from tests.ml.builders import SMALL_RANKER
from tests.ml.test_thin_history import thin_project  # noqa: F401  (module fixture)

# Tiny trees on weekly windows: seconds per training and backtest.
TINY = {k: v for k, v in SMALL_RANKER.items() if k not in ("horizon_days",)}
TINY["max_iter"] = 10
# What the page below trains with (7-day horizon, 3 windows).
WEEKLY_SETTINGS = TrainSettings(
    horizon_days=7, ranker_options={**TINY, "training_windows": 3}
)


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


@pytest.fixture
def page(qtbot, weekly_project: Path) -> Iterator[ModelPage]:
    state = AppState()
    state.open_project(weekly_project)
    model_page = ModelPage(state)
    qtbot.addWidget(model_page)
    model_page.resize(1100, 800)
    model_page.show()
    qtbot.waitUntil(lambda: not state.busy)  # looked for a saved model
    model_page.ranker_options = dict(TINY)
    model_page.horizon_unit.setCurrentText("days")
    model_page.horizon_spin.setValue(7)
    model_page.advanced_button.click()
    model_page.windows_spin.setValue(3)
    yield model_page
    state.shutdown()


def train(qtbot, page: ModelPage, timeout_s: int = 300) -> None:
    """Click Train and wait for the job to end (it reports failures itself)."""
    qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
    job = page.job
    assert job is not None, page.status_label.text()
    with qtbot.waitSignal(job.finished, timeout=timeout_s * 1000):
        pass
    assert page.result is not None, "the training failed (see the error dialog)"


def test_as_of_defaults_to_the_day_after_the_last_order(page: ModelPage) -> None:
    # weekly_world's last order is on day 159 after 2024-01-01.
    assert page.as_of_edit.date().toString("yyyy-MM-dd") == "2024-06-09"
    assert "No model yet" in page.card.text()


def test_train_shows_the_model_card_and_what_drives_it(qtbot, page, tmp_path) -> None:
    train(qtbot, page)
    card = page.card.text()
    assert "Model trained on" in card
    assert "purchases by <b>41</b> customers" in card  # 40 + "weekly"
    assert "How good is it?" in card
    assert "push list caught" in card  # the backtest headline
    assert "Push the best sellers" in card  # next to the simple rules
    state = page.state
    assert state.model is page.result.meta
    assert state.backtest is page.result.backtest
    chart = page.drivers_chart.chart
    assert chart is not None and chart.kind == "bar"
    assert "due again" in chart.series[0].x or "buys it regularly" in chart.series[0].x
    page.grab().save("/tmp/shots/model_page.png")


def test_cancel_leaves_no_saved_model(qtbot, page) -> None:
    state = page.state
    qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
    assert page.progress.isVisible()
    with qtbot.waitSignal(page.progress.job.cancelled, timeout=60_000):
        qtbot.mouseClick(page.progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not state.busy)
    assert "Stopped" in page.status_label.text()
    assert state.model is None
    assert list_models(state.project) == []


def test_cancel_during_the_check_keeps_the_saved_model(weekly_project) -> None:
    """The check on past weeks takes most of a Train on a big history: a
    Cancel there must not throw the trained model away."""
    fractions: list[float] = []

    def report(fraction: float, message: str) -> None:
        fractions.append(fraction)

    def stop() -> bool:  # Cancel as soon as the check has started
        return bool(fractions) and fractions[-1] > CHECK_STARTS

    with Project.open(weekly_project) as project:
        result = train_and_check(
            project, WEEKLY_SETTINGS, CheckSettings(), report, stop
        )
        assert result.check_stopped and result.backtest is None
        saved = [meta.model_id for meta in list_models(project)]
    assert saved == [result.meta.model_id]


def test_reopening_shows_the_saved_model(qtbot, page) -> None:
    path = page.state.project_path
    page.state.close_project()
    assert "No project open" in page.card.text()
    # Saved as Train saves it (a Train through the page is tested above); the
    # check is left for the page to run, as after a Cancel during the check.
    with Project.open(path) as project:
        trained_id = train_and_save(project, WEEKLY_SETTINGS).meta.model_id
    with qtbot.waitSignal(page.model_shown, timeout=60_000):
        page.state.open_project(path)
    qtbot.waitUntil(lambda: page.result is not None, timeout=60_000)
    assert page.state.model.model_id == trained_id
    assert "Check on past weeks" in page.card.text()
    assert page.check_button.isVisible()
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.job.finished, timeout=300_000):
        pass
    assert "push list caught" in page.card.text()
    assert page.state.backtest is page.result.backtest is not None
    assert not page.check_button.isVisible()


def test_include_bought_is_a_preference_the_plan_page_reads(page) -> None:
    assert include_bought(page.state)
    page.include_bought_check.click()
    assert not include_bought(page.state)


@pytest.mark.slow
def test_train_on_the_sample_project(qtbot, sample_project: Path) -> None:
    state = AppState()
    state.open_project(sample_project)
    page = ModelPage(state)
    qtbot.addWidget(page)
    page.resize(1200, 860)
    page.show()
    qtbot.waitUntil(lambda: not state.busy)
    page.ranker_options = dict(TINY)
    page.folds_spin.setValue(1)  # the check itself is tested elsewhere
    try:
        train(qtbot, page, timeout_s=900)
        card = page.card.text()
        assert "Model trained on" in card and "push list caught" in card
        assert state.backtest is not None
        assert list_models(state.project)[0].model_id == state.model.model_id
        page.grab().save("/tmp/shots/model_page_sample.png")
    finally:
        state.shutdown()


def test_the_check_setting_is_named_in_plain_words(page: ModelPage) -> None:
    form = page.advanced.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(page.folds_spin)
    assert label is not None
    assert label.text() == "Earlier dates to check at"  # not "Periods" or "folds"
    assert "earlier dates" in page.folds_spin.toolTip()


def test_a_thin_history_shows_the_simple_rule_and_no_check_button(
    qtbot,
    thin_project: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "thin.pushwise"
    shutil.copyfile(thin_project, path)
    state = AppState()
    state.open_project(path)
    page = ModelPage(state)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not state.busy)
    page.folds_spin.setValue(1)
    try:
        train(qtbot, page)
        assert page.result is not None and page.result.meta.note
        assert "too thin for Pushwise&#x27;s model" in page.card.text()
        # A simple rule has nothing to check on past weeks: no button for it.
        assert not page.check_button.isVisible()
    finally:
        state.shutdown()
