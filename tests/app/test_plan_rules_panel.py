"""The hold-back control on the Push plan page: it changes the plan, says what
it learnt, and the rules live in the project (shared with the CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.pages.model import ModelPage
from app.pages.plan import PushPlanPage
from app.state import AppState
from app.widgets.plan_rules import FIXED_DAYS, PlanRulesPanel
from ml.plan import PlanRules
from ml.plan.rulesfile import load_project_rules, save_project_rules
from ml.store.project import Project
from tests.app.conftest import copy_trained
from tests.reliability.faults import deny_writing


def _open(qtbot, path: Path, model) -> tuple[AppState, PushPlanPage]:
    state = AppState()
    state.open_project(path)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(state.plan_changed, timeout=60_000):
        state.set_model(model)
    return state, widget


@pytest.fixture
def project(plan_trained, tmp_path: Path) -> Path:
    template, _ = plan_trained
    path = tmp_path / "tiny.pushwise"
    copy_trained(template, path)
    return path


@pytest.fixture
def page(qtbot, plan_trained, project: Path) -> Iterator[PushPlanPage]:
    state, widget = _open(qtbot, project, plan_trained[1])
    yield widget
    state.shutdown()


def test_the_panel_reads_and_writes_rules(qtbot) -> None:
    panel = PlanRulesPanel()
    qtbot.addWidget(panel)
    assert panel.rules() == PlanRules()  # until due, 0 %: the engine's default
    custom = PlanRules(
        recent_purchase_days=3,
        low_rating=0.1,
        max_per_customer=4,
        block_returns=False,
    )
    with qtbot.assertNotEmitted(panel.rules_changed):
        panel.set_rules(custom)
    assert panel.hold_mode.currentData() == FIXED_DAYS
    assert panel.return_mode.currentText() == "do not block it"
    assert panel.hold_amount.currentIndex() == 1
    assert panel.rules() == custom  # fields without a control are kept
    with qtbot.waitSignal(panel.rules_changed):
        panel.hold_mode.setCurrentIndex(0)
    assert panel.rules().recent_purchase_days is None
    with qtbot.waitSignal(panel.rules_changed):
        panel.return_mode.setCurrentIndex(1)
    assert panel.rules().block_returns is True
    panel.return_mode.setCurrentIndex(0)
    assert panel.rules().block_returns is None  # decided from the data


def test_the_page_says_what_it_learnt(page) -> None:
    note = page.rules.hold_note.text()
    assert note == page.state.plan.intervals.sentence
    assert note.startswith("Your customers rebuy most things every")
    assert page.rules.return_note.text() == page.state.plan.returns.sentence


def test_the_feedback_count_says_when_it_includes_returns(qtbot, page) -> None:
    """The feedback row's count includes the returns it blocked: its label says
    so, so a project without feedback does not seem to have bad feedback."""
    state = page.state
    label = page.rules.feedback_label
    with qtbot.waitSignal(state.plan_changed, timeout=30_000):
        page.rules.return_mode.setCurrentIndex(1)  # block the offering
    assert state.plan.returns_blocked
    assert label.text() == "Bad feedback or a return blocks for"
    assert "return" in page.rules.removed["negative_feedback"].toolTip()
    with qtbot.waitSignal(state.plan_changed, timeout=30_000):
        page.rules.return_mode.setCurrentIndex(2)  # do not block it
    assert not state.plan.returns_blocked
    assert label.text() == "Bad feedback blocks for"
    assert "return" not in page.rules.removed["negative_feedback"].toolTip()


def test_the_hold_back_control_changes_the_plan(qtbot, page) -> None:
    state = page.state
    before = len(state.plan.rows)
    assert state.plan.rules.due_share == 0
    with qtbot.waitSignal(state.plan_changed, timeout=30_000):
        page.rules.due_percent.setValue(100)
    assert state.plan.rules.due_share == 1.0
    held = state.plan.removed_by_rule["recent_purchase"]
    assert held > 0 and len(state.plan.rows) <= before
    assert page.rules.removed["recent_purchase"].text() == f"removed {held:,}"
    with qtbot.waitSignal(state.plan_changed, timeout=30_000):
        page.rules.hold_mode.setCurrentIndex(1)  # fixed: 7 days
    assert state.plan.rules.recent_purchase_days == 7
    assert "not offered to them again for 7 days" in page.rules.hold_note.text()


def test_rules_are_saved_in_the_project_and_come_back(
    qtbot,
    plan_trained,
    project: Path,
) -> None:
    state, widget = _open(qtbot, project, plan_trained[1])
    try:
        with qtbot.waitSignal(state.plan_changed, timeout=30_000):
            widget.rules.due_percent.setValue(50)
        widget.save_rules()  # what the debounce timer calls
    finally:
        state.shutdown()
    with Project.open(project) as opened:
        assert load_project_rules(opened) == PlanRules(due_share=0.5)
    again, widget = _open(qtbot, project, plan_trained[1])
    try:
        assert widget.rules.due_percent.value() == 50
        assert again.plan.rules.due_share == 0.5
    finally:
        again.shutdown()


def test_rules_on_a_read_only_project_make_the_plan_and_say_they_are_not_saved(
    qtbot,
    plan_trained,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deny_writing(monkeypatch, project)
    state, widget = _open(qtbot, project, plan_trained[1])
    try:
        with qtbot.waitSignal(state.plan_changed, timeout=30_000):
            widget.rules.due_percent.setValue(50)
        widget.save_rules()  # what the debounce timer calls
        assert state.plan.rules.due_share == 0.5
        assert widget.status.text() == (
            "These rules make this plan but are not saved: the file is read-only."
        )
    finally:
        state.shutdown()


def test_rules_set_by_the_cli_show_on_the_page(
    qtbot,
    plan_trained,
    project: Path,
) -> None:
    with Project.open(project) as opened:
        save_project_rules(
            opened, PlanRules(recent_purchase_days=3, max_per_customer=2)
        )
    state, widget = _open(qtbot, project, plan_trained[1])
    try:
        assert widget.rules.hold_mode.currentData() == FIXED_DAYS
        assert widget.rules.recent_days.value() == 3
        assert widget.rules.per_customer.value() == 2
        assert state.plan.rows.groupby("customer_id").size().max() == 2
    finally:
        state.shutdown()


def test_the_model_page_says_what_the_plan_learnt(qtbot, plan_trained, project) -> None:
    state = AppState()
    state.open_project(project)
    model_page = ModelPage(state)
    plan_page = PushPlanPage(state)
    qtbot.addWidget(model_page)
    qtbot.addWidget(plan_page)
    try:
        assert model_page.repurchase_label.isHidden()
        with qtbot.waitSignal(state.plan_changed, timeout=60_000):
            state.set_model(plan_trained[1])
        text = model_page.repurchase_label.text()
        assert text.startswith("Repeat purchases: Your customers rebuy most things")
        assert not model_page.repurchase_label.isHidden()
    finally:
        state.shutdown()
