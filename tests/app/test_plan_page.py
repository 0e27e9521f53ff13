"""The Push plan page: the plan from a trained model, live rules, Why not?, export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from app.pages.plan import PushPlanPage
from app.state import AppState
from ml.store.project import Project
from ml.workflows.settings import TrainSettings
from ml.workflows.train import train_and_save
from tests.app.conftest import RISKY_NAME, TINY_RANKER, copy_trained


@pytest.fixture
def page(qtbot, plan_trained, tmp_path: Path) -> Iterator[PushPlanPage]:
    """The page over a copy of the tiny project, with the model set and planned."""
    template, model = plan_trained
    path = tmp_path / "tiny.pushwise"
    copy_trained(template, path)
    state = AppState()
    state.open_project(path)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    widget.resize(1280, 820)
    widget.show()
    with qtbot.waitSignal(state.plan_changed, timeout=60_000):
        state.set_model(model)
    yield widget
    state.shutdown()


def test_without_a_model_the_page_says_to_train_first(qtbot) -> None:
    state = AppState()
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    assert widget.stack.currentWidget() is widget.empty
    assert "Train a model" in widget.empty.title_label.text()


def test_the_window_shows_this_page_for_the_push_plan(qtbot) -> None:
    from app.pages import workflow_pages

    spec = next(spec for spec in workflow_pages() if spec.key == "plan")
    widget = spec.factory(AppState())
    qtbot.addWidget(widget)
    assert isinstance(widget, PushPlanPage)
    assert callable(widget.export)


def test_the_plan_shows_and_the_cap_changes_it_live(qtbot, page) -> None:
    state = page.state
    shown = page.all_model.rowCount()
    assert shown == len(state.plan.rows) > 0
    assert "pushes to" in page.heading.text()
    headings = [page.all_model.label(c) for c in page.all_model.visible_columns()]
    assert headings == ["Customer", "Offering", "Chance", "Why", "Expected revenue"]
    cap_label = page.rules.removed["per_customer_cap"]
    before = state.plan.removed_by_rule["per_customer_cap"]
    assert cap_label.text() == f"removed {before:,}"
    qtbot.wait(50)
    page.grab().save("/tmp/plan_page_all.png")

    page.rules.per_customer.setFocus()
    page.rules.per_customer.clear()
    with qtbot.waitSignal(state.plan_changed, timeout=30_000):
        qtbot.keyClicks(page.rules.per_customer, "2")
        qtbot.keyClick(page.rules.per_customer, Qt.Key.Key_Return)
        assert page.status.text() == "Updating…"
    per_customer = state.plan.rows.groupby("customer_id").size()
    assert per_customer.max() == 2
    assert page.all_model.rowCount() == len(state.plan.rows) < shown
    after = state.plan.removed_by_rule["per_customer_cap"]
    assert after > before
    assert cap_label.text() == f"removed {after:,}"
    assert page.status.text() == ""


def test_filters_narrow_the_table(qtbot, page) -> None:
    total = page.all_model.rowCount()
    page.filters.country.setCurrentIndex(page.filters.country.findText("France"))
    france = page.all_model.rowCount()
    assert 0 < france < total
    assert set(page.shown["country"]) == {"France"}
    page.filters.country.setCurrentIndex(0)
    page.filters.new_only.click()
    assert not page.shown["bought_before"].any()
    assert page.all_model.rowCount() < total


def test_by_customer_lists_what_to_offer_them(qtbot, page) -> None:
    page.tabs.setCurrentWidget(page.by_customer)
    page.by_customer.choose("c1")
    expected = page.state.plan.for_customer("c1")
    view = page.by_customer
    assert view.model.rowCount() == len(expected)
    assert view.model.index(0, 0).data() == "1"  # rank 1 first
    assert view.summary.text().startswith(f"{len(expected)} offerings to offer")
    assert page.why_not.customer.currentData() == "c1"  # ready to ask why not
    qtbot.wait(50)
    page.grab().save("/tmp/plan_page_customer.png")


def test_why_not_explains_a_pair_blocked_by_feedback(qtbot, page) -> None:
    suppressed = page.state.plan.suppressed
    blocked = suppressed[suppressed["rule"] == "negative_feedback"]
    # Sent by the worker with its texts as categories (PushPlan.__reduce__).
    pairs = blocked["customer_id"].astype(str) + blocked["offering_id"].astype(str)
    assert pairs.tolist() == ["c0p17"]
    why = page.why_not
    why.customer.setCurrentIndex(why.customer.findData("c0"))
    why.offering.setCurrentIndex(why.offering.findData("p17"))
    qtbot.mouseClick(why.ask_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    page.grab().save("/tmp/plan_page_why_not.png")
    answer = why.answer.text()
    assert "negative feedback" in answer
    assert "rated it" in answer and "on 2024-05-01" in answer
    assert "negative_feedback" not in answer  # no rule codes for marketing staff


def test_by_offering_shows_gains_and_a_list_size(qtbot, page) -> None:
    page.tabs.setCurrentWidget(page.by_offering)
    view = page.by_offering
    offering = view.chosen()
    assert offering is not None
    everyone = len(page.state.plan.for_offering(offering))
    assert view.model.rowCount() == everyone
    curve = page.state.plan.gains_curve(offering)
    assert view.chart.uptake_at(everyone) == pytest.approx(
        curve["expected_uptake"].iloc[-1]
    )
    view.list_size.setValue(2)
    assert view.model.rowCount() == 2
    assert "best 2 of" in view.summary.text()
    assert page.export_button.text() == "Export this list…"
    qtbot.wait(50)
    page.grab().save("/tmp/plan_page_offering.png")


def test_export_csv_is_ready_for_the_crm(qtbot, page, tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    job = page.export_to(target, offering_list=False)
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    back = pd.read_csv(target, dtype=str)
    # The id columns are named as in the user's own orders file.
    assert list(back.columns[:3]) == ["CustomerID", "StockCode", "offering_name"]
    assert len(back) == len(page.state.plan.rows)
    risky = back[back["StockCode"] == "p12"]
    assert len(risky) and set(risky["offering_name"]) == {"'" + RISKY_NAME}
    assert f"Saved {len(back):,} rows to plan.csv." == page.status.text()


def test_export_an_offering_list_as_xlsx(qtbot, page, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    page.tabs.setCurrentWidget(page.by_offering)
    page.by_offering.choose("p12")
    page.by_offering.list_size.setValue(3)
    target = tmp_path / "p12.xlsx"
    job = page.export_to(target)
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("CustomerID", "StockCode", "Offering name")
    assert len(rows) == 1 + 3
    assert {row[2] for row in rows[1:]} == {"'" + RISKY_NAME}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.slow
def test_sample_plan_names_real_products(qtbot, sample_project: Path) -> None:
    with Project.open(sample_project) as project:
        settings = TrainSettings(ranker_options=TINY_RANKER)
        model = train_and_save(project, settings).meta
    state = AppState()
    state.open_project(sample_project)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    widget.resize(1280, 820)
    widget.show()
    try:
        with qtbot.waitSignal(state.plan_changed, timeout=600_000):
            state.set_model(model)
        assert widget.all_model.rowCount() > 1000
        # Products are named as on the orders; postage is never pushed.
        names = set(widget.shown["offering_name"])
        assert not any("POSTAGE" in str(name).upper() for name in names)
        assert widget.rules.removed["service_line"].text().startswith("removed")
        widget.tabs.setCurrentWidget(widget.by_offering)
        qtbot.wait(50)  # let the layout follow the new texts
        widget.grab().save("/tmp/plan_page_sample_offering.png")
        widget.tabs.setCurrentWidget(widget.all_panel)
        qtbot.wait(50)
        widget.grab().save("/tmp/plan_page_sample.png")
    finally:
        state.shutdown()


def test_a_lost_plan_worker_is_started_again_and_nothing_is_lost(qtbot, page) -> None:
    from PySide6.QtWidgets import QApplication

    from app.errors import ErrorDialog

    state = page.state
    page.worker._child.kill()  # as the system does when memory runs out
    page.worker._child.join(5)
    page.rules.per_customer.setValue(3)
    # The next rule change scores again in a new worker, then plans.
    qtbot.waitUntil(
        lambda: (
            state.plan is not None
            and state.plan.rows.groupby("customer_id").size().max() == 3
        ),
        timeout=60_000,
    )
    assert page.worker.alive
    shown = QApplication.topLevelWidgets()
    assert not [w for w in shown if isinstance(w, ErrorDialog) and w.isVisible()]


def test_file_export_saves_the_shown_pushes(
    qtbot, page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    pytest.importorskip("openpyxl")
    asked: list[str] = []

    def choose(parent, caption, name, kinds):
        asked.append(kinds)
        return str(tmp_path / "france"), "Excel workbooks (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    page.filters.country.setCurrentIndex(page.filters.country.findText("France"))
    page.export()  # what File > Export… calls
    assert "Excel workbooks (*.xlsx)" in asked[0]
    with qtbot.waitSignal(page.export_job.finished, timeout=30_000):
        pass
    back = pd.read_excel(tmp_path / "france.xlsx", dtype=str, engine="openpyxl")
    assert len(back) == len(page.shown) < len(page.state.plan.rows)


def test_stopped_scoring_starts_again_when_a_rule_changes(
    qtbot, plan_trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template, model = plan_trained
    path = tmp_path / "tiny.pushwise"
    copy_trained(template, path)
    state = AppState()
    state.open_project(path)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    try:
        state.set_model(model)
        job = widget.prepare_job
        assert job is not None
        job.cancel()  # the user presses Stop while the worker scores
        qtbot.waitUntil(lambda: widget.status.text().startswith("Stopped"))
        assert state.plan is None and not state.busy
        with qtbot.waitSignal(state.plan_changed, timeout=60_000):
            widget.rules.per_customer.setValue(3)
        assert state.plan.rows.groupby("customer_id").size().max() == 3
    finally:
        state.shutdown()


# Typing opens the completer's pop-up, which the offscreen platform cannot raise.
POPUP_WARNINGS = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints",
    "does not support raise",
    "does not support grabbing the keyboard",
)


def _type_and_return(qtbot, combo, text: str) -> None:
    """Type into a Why not? picker as a user would and press Return, no pop-up pick."""
    combo.setFocus()
    combo.lineEdit().selectAll()
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Delete)
    qtbot.keyClicks(combo.lineEdit(), text)
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)


@POPUP_WARNINGS
def test_why_not_answers_for_the_typed_offering_code(qtbot, page) -> None:
    why = page.why_not
    why.customer.setCurrentIndex(why.customer.findData("c0"))
    why.offering.setCurrentIndex(why.offering.findData("p1"))
    why.ask()
    _type_and_return(qtbot, why.offering, "p17")
    assert why.offering.currentData() == "p17"  # shown selected
    answer = why.answer.text()
    assert "(p17)" in answer and "negative feedback" in answer
    # A name typed in part, matching one offering, works the same.
    _type_and_return(qtbot, why.offering, "Item p3")
    assert why.offering.currentData() == "p3"
    assert "(p3)" in why.answer.text()


@POPUP_WARNINGS
def test_why_not_says_so_when_nothing_matches(qtbot, page) -> None:
    why = page.why_not
    why.customer.setCurrentIndex(why.customer.findData("c0"))
    why.offering.setCurrentIndex(why.offering.findData("p17"))
    why.ask()
    _type_and_return(qtbot, why.offering, "XYZ")
    assert why.answer.text() == "No offering 'XYZ' in this project."
    _type_and_return(qtbot, why.offering, "item p")
    assert why.answer.text().startswith("'item p' matches more than one offering")
    assert "negative feedback" not in why.answer.text()
    why.offering.setCurrentIndex(why.offering.findData("p17"))
    _type_and_return(qtbot, why.customer, "nobody")
    assert why.answer.text() == "No customer 'nobody' in this project."
    _type_and_return(qtbot, why.customer, "c0")
    assert why.customer.currentData() == "c0"
    assert "negative feedback" in why.answer.text()
