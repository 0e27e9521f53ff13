"""The window always shows the project as it is: after an import, after
opening another project, and with a model saved by the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard
from threadpoolctl import threadpool_limits

from app.importwizard import ImportWizard
from app.importwizard.wizard import MAPPING_PAGE, REPORT_PAGE
from app.pages.backtest import BacktestPage
from app.pages.model import ModelPage
from app.pages.plan import PushPlanPage
from app.window import MainWindow
from ml.workflows.results import ModelResult
from ml.workflows.settings import CheckSettings
from tests.app.conftest import copy_trained

LEFT = Qt.MouseButton.LeftButton
WAIT_MS = 120_000


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def trained(weekly_trained: tuple[Path, ModelResult]) -> tuple[Path, ModelResult]:
    """A tiny project of weekly buyers with a model saved in it (and its check);
    the signing key of the model is kept beside the project."""
    return weekly_trained


def _open(qtbot, window: MainWindow, trained, tmp_path: Path) -> Path:
    """Open a copy of the trained project and wait for its plan."""
    template, _ = trained
    path = tmp_path / "weekly.pushwise"
    copy_trained(template, path)
    assert window.open_project(path)
    qtbot.waitUntil(lambda: window.state.plan is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    return path


def _pages(window: MainWindow) -> tuple[ModelPage, PushPlanPage, BacktestPage]:
    model, plan, backtest = (window.pages[k] for k in ("model", "plan", "backtest"))
    assert isinstance(model, ModelPage)
    assert isinstance(plan, PushPlanPage)
    assert isinstance(backtest, BacktestPage)
    return model, plan, backtest


def _import_with_the_wizard(qtbot, window: MainWindow, file: Path) -> None:
    window.import_files([file])
    wizard = window.findChild(ImportWizard)
    assert wizard is not None
    qtbot.waitExposed(wizard)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, LEFT)  # file -> preview
    qtbot.mouseClick(next_button, LEFT)  # preview -> mapping
    assert wizard.currentId() == MAPPING_PAGE
    qtbot.mouseClick(next_button, LEFT)  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)
    assert window.state.info is not None and window.state.info.feedback_rows == 1
    wizard.close()


def test_a_feedback_import_remakes_the_plan_and_marks_the_check_older(
    qtbot, window: MainWindow, trained, tmp_path: Path
) -> None:
    _open(qtbot, window, trained, tmp_path)
    _, plan_page, backtest_page = _pages(window)
    state = window.state
    state.set_backtest(trained[1].backtest)
    window.show_page("backtest")
    assert backtest_page.stack.currentIndex() == 1
    assert not backtest_page.older_note.isVisibleTo(backtest_page)
    window.show_page("plan")
    first = state.plan.rows.sort_values("rank", kind="stable").iloc[0]
    customer, offering = str(first["customer_id"]), str(first["offering_id"])
    old_plan = state.plan

    feedback = tmp_path / "feedback.csv"
    feedback.write_text(
        "customer_id,offering_id,date,rating,comment\n"
        f"{customer},{offering},2024-06-05,1,Complained twice\n",
        encoding="utf-8",
    )
    _import_with_the_wizard(qtbot, window, feedback)
    # The old plan cannot be exported while the new one is made.
    assert state.plan is None or state.plan is not old_plan
    qtbot.waitUntil(lambda: state.plan is not None, timeout=WAIT_MS)
    rows = state.plan.rows
    mine = rows[(rows["customer_id"] == customer) & (rows["offering_id"] == offering)]
    assert mine.empty, "the complainer is still offered what they complained about"
    shown = plan_page.shown
    assert not (
        (shown["customer_id"] == customer) & (shown["offering_id"] == offering)
    ).any()
    why = plan_page.why_not
    why.customer.setCurrentIndex(why.customer.findData(customer))
    why.offering.setCurrentIndex(why.offering.findData(offering))
    qtbot.mouseClick(why.ask_button, LEFT)
    assert "negative feedback" in why.answer.text()
    # The check on past weeks was made on the data before the import: said so.
    window.show_page("backtest")
    assert backtest_page.older_note.isVisible()
    assert "before the latest import" in backtest_page.older_note.text()


def test_a_new_project_shows_nothing_of_the_previous_one(
    qtbot, window: MainWindow, trained, tmp_path: Path
) -> None:
    _open(qtbot, window, trained, tmp_path)
    model_page, plan_page, backtest_page = _pages(window)
    window.state.set_backtest(trained[1].backtest)
    window.show_page("backtest")
    assert backtest_page.headline.text()
    window.show_page("plan")
    filters = plan_page.filters
    filters.country.setCurrentIndex(filters.country.findText("France"))
    filters.new_only.setChecked(True)
    filters.min_percent.setValue(5)
    assert filters.active()
    window.show_page("model")
    model_page.include_bought_check.setChecked(False)
    assert model_page.as_of_edit.date().toString("yyyy-MM-dd") == "2024-06-09"
    # The check's settings a user changed for this project.
    model_page.folds_spin.setValue(6)
    model_page.k_spin.setValue(25)
    model_page.windows_spin.setValue(9)
    model_page.horizon_spin.setValue(9)

    assert window.new_project(tmp_path / "empty.pushwise")
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    window.show_page("backtest")
    assert backtest_page.stack.currentIndex() == 0
    assert backtest_page.report is None
    window.show_page("model")
    assert model_page.as_of_edit.date().toString("yyyy-MM-dd") != "2024-06-09"
    assert model_page.include_bought_check.isChecked()
    assert model_page.settings().horizon_days == 28  # 4 weeks, the default
    assert model_page.check_settings() == CheckSettings(folds=3, k=10)
    assert model_page.windows_spin.value() == 6
    assert "No model yet" in model_page.card.text()
    window.show_page("plan")
    assert not filters.active()
    assert plan_page.stack.currentWidget() is plan_page.empty
    assert plan_page.shown.empty and plan_page.heading.text() == ""


def test_a_model_saved_by_the_cli_is_not_called_missing_on_the_backtest_page(
    qtbot, window: MainWindow, trained, tmp_path: Path
) -> None:
    _open(qtbot, window, trained, tmp_path)
    model_page, _, backtest_page = _pages(window)
    assert window.state.model is not None and window.state.backtest is None
    window.show_page("model")
    assert "No model yet" not in model_page.card.text()
    window.show_page("backtest")
    shown = backtest_page.stack.currentWidget()
    assert isinstance(shown, QLabel)
    assert "Train a model first" not in shown.text()
    assert "not been checked on past weeks" in shown.text()
    assert "Check on past weeks" in shown.text()
