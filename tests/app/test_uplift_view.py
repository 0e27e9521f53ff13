"""The Push plan page's By extra uptake tab: the plan ranked by the purchases
each push adds (learnt from a campaign with a control group), cut to a
contact budget, exported and saved as a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from app.pages.plan import PushPlanPage
from app.pages.upliftview import LEFT_OUT
from app.state import AppState
from ml.campaigns.store import campaign_pushes, campaigns
from ml.store.project import Project
from tests.ml.test_uplift_plan import CUSTOMERS, one_push_each, sleeper
from tests.ml.test_uplift_plan import project_path as project_path  # a fixture

WAIT_MS = 60_000
AS_OF = pd.Timestamp("2024-05-01")


@pytest.fixture
def page(qtbot, project_path: Path) -> Iterator[PushPlanPage]:
    """The Push plan page on a project with a finished campaign (30 % control
    group), a plan of one push per customer shown on the By extra uptake tab."""
    state = AppState()
    state.open_project(project_path)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    state.set_plan(one_push_each(AS_OF))
    widget.stack.setCurrentIndex(1)  # the plan's pages, as when a model made it
    widget.tabs.setCurrentWidget(widget.by_uplift)
    yield widget
    state.shutdown()


def rank(qtbot, page: PushPlanPage) -> None:
    job = page.rank_by_extra_uptake()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass


def test_the_plan_is_ranked_by_extra_uptake_within_a_budget(
    qtbot, page, tmp_path
) -> None:
    view = page.by_uplift
    rank(qtbot, page)
    assert view.ranked is not None
    assert view.model.rowCount() == len(view.ranked.rows)
    assert "expected to bring about" in view.summary.text()
    assert "Learnt from 'March'" in view.summary.text()
    view.budget.setValue(40)
    assert view.model.rowCount() == 40
    assert view.summary.text().startswith("The 40 pushes of this list")
    assert view.chart.chart is not None
    assert [label for _, label in view.chart.chart.markers] == ["Budget: 40"]
    qtbot.wait(50)  # the layout takes the new text in
    page.grab().save(str(tmp_path / "by-extra-uptake.png"))
    # The export is the budget's list, best first, those pushed because of it.
    assert page.export_button.text() == "Export this list…"
    frame = page.export_frame()
    assert len(frame) == 40 and frame["extra_uptake"].is_monotonic_decreasing
    assert frame["customer_id"].map(sleeper).mean() > 0.8
    assert list(frame["rank"]) == list(range(1, 41))
    view.showing.setCurrentText(LEFT_OUT)
    assert view.model.rowCount() == CUSTOMERS - 40
    shown = view.model.frame()
    assert not shown["customer_id"].isin(frame["customer_id"]).any()


def test_the_ranked_list_is_saved_as_a_campaign(
    qtbot, page, plan_trained, project_path
) -> None:
    rank(qtbot, page)
    page.by_uplift.budget.setValue(50)
    chosen = page.by_uplift.chosen_list()
    _, meta = plan_trained
    page.state.blockSignals(True)  # a model for the campaign's record, not to plan
    page.state.set_model(meta)
    page.state.blockSignals(False)
    job = page.start_campaign("Reminders", 0.2, [], by_extra_uptake=True)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    page.state.shutdown()
    with Project.open(project_path) as project:
        saved = next(c for c in campaigns(project.con) if c.name == "Reminders")
        pushes = campaign_pushes(project.con, saved.campaign_id)
    assert len(pushes) == 50
    assert set(pushes["customer_id"]) == set(chosen["customer_id"])
    assert 0 < pushes["control"].sum() < 50


def test_without_a_finished_campaign_it_says_what_to_do(qtbot, tmp_path) -> None:
    with Project.create(tmp_path / "new.pushwise"):
        pass
    state = AppState()
    state.open_project(tmp_path / "new.pushwise")
    try:
        page = PushPlanPage(state)
        qtbot.addWidget(page)
        state.set_plan(one_push_each(AS_OF))
        rank(qtbot, page)
        assert page.by_uplift.ranked is None
        said = page.by_uplift.summary.text()
        assert said.startswith("No finished campaign with a control group")
        assert "import the orders until the end of its horizon" in said
    finally:
        state.shutdown()


def test_a_new_plan_asks_to_rank_again_and_ranking_can_be_stopped(qtbot, page) -> None:
    view = page.by_uplift
    rank(qtbot, page)
    assert view.ranked is not None
    page.state.set_plan(one_push_each(AS_OF))  # the rules changed, say
    assert view.ranked is None
    assert view.summary.text().startswith("The plan changed since it was ranked")
    job = page.rank_by_extra_uptake()
    assert job is not None
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert view.ranked is None
    assert view.summary.text() == "Stopped before the ranking was made."
    assert view.rank_button.isEnabled()


def test_the_list_can_bring_the_most_revenue_instead(qtbot, page) -> None:
    view = page.by_uplift
    rank(qtbot, page)
    assert view.ranked is not None and view.ranked.ranked_by == "extra_uptake"
    view.budget.setValue(30)
    first = page.rank_job
    view.maximise.setCurrentIndex(view.maximise.findData(True))  # ranks again
    job = page.rank_job
    assert job is not None and job is not first
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert view.ranked is not None
    assert view.ranked.ranked_by == "extra_revenue"
    assert view.chart.chart.y_label == "Extra revenue"
    assert "in revenue) that would not happen without them" in view.summary.text()
    assert page.export_frame()["extra_revenue"].is_monotonic_decreasing
