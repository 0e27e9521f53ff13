"""Saving the push plan as a campaign from the Push plan page, and the
Campaigns page: what a campaign did, its lists and its report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.pages.campaigns import CampaignsPage
from app.pages.plan import PushPlanPage
from app.state import AppState
from ml.campaigns.create import create_campaign
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.app.conftest import copy_trained
from tests.ml.test_campaigns import CUSTOMERS, START, plan_of, write_orders

WAIT_MS = 60_000


@pytest.fixture
def plan_page(qtbot, plan_trained, tmp_path: Path) -> Iterator[PushPlanPage]:
    """The Push plan page over a copy of the tiny trained project, planned."""
    template, model = plan_trained
    path = tmp_path / "tiny.pushwise"
    copy_trained(template, path)
    state = AppState()
    state.open_project(path)
    widget = PushPlanPage(state)
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(state.plan_changed, timeout=WAIT_MS):
        state.set_model(model)
    yield widget
    state.shutdown()


def _show(qtbot, state: AppState) -> CampaignsPage:
    page = CampaignsPage(state)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    if page.load_job is not None:
        qtbot.waitUntil(lambda: page.load_job.done, timeout=WAIT_MS)
    return page


def test_the_plan_is_saved_as_a_campaign_and_listed(qtbot, plan_page, tmp_path) -> None:
    state = plan_page.state
    plan = state.plan
    campaigns = _show(qtbot, state)
    assert campaigns.stack.currentWidget() is campaigns.empty
    job = plan_page.start_campaign("Spring", 0.2, [])
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert plan_page.status.text().startswith("Saved as campaign 'Spring'")
    assert state.plan is plan  # saving changes no order: the plan stays
    qtbot.waitUntil(lambda: campaigns.results is not None, timeout=WAIT_MS)
    assert campaigns.chooser.currentText() == "Spring"
    assert "No orders after" in campaigns.words.text()
    steps = campaigns.waiting.text()
    assert campaigns.results_stack.currentWidget() is campaigns.waiting
    assert "customers are held out as the control group" in steps
    assert "1. Export lists…" in steps and "import the orders since" in steps
    job = campaigns.export_lists(tmp_path / "lists")
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    sent = pd.read_csv(tmp_path / "lists/Spring-contacts.csv", dtype=str)
    held = pd.read_csv(tmp_path / "lists/Spring-control-group.csv", dtype=str)
    assert len(held) > 0 and not set(held["customer_id"]) & set(sent["customer_id"])
    customers = plan.rows["customer_id"].nunique()
    assert len(sent["customer_id"].unique()) + len(held) == customers


def test_the_page_shows_what_a_campaign_did(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    history = [(f"c{n:03d}", "A", "2024-01-15") for n in range(CUSTOMERS)]
    with Project.create(path) as project:
        import_file(project, write_orders(tmp_path / "history.csv", history))
        create_campaign(
            project,
            "March",
            plan_of(np.random.default_rng(2)),
            horizon_days=28,
            model_id=None,
            seed=1,
        )
        pushes = project.con.execute(
            "SELECT customer_id, offering_id, control FROM campaign_pushes "
            "WHERE rank = 1 ORDER BY customer_id"
        ).fetchall()
        bought = [push for n, push in enumerate(pushes) if n % 3 == 0]
        later = [
            (customer, offering, str((START + pd.Timedelta(days=n % 28)).date()))
            for n, (customer, offering, _) in enumerate(bought)
        ]
        contacted = sum(not control for _, _, control in bought)
        import_file(project, write_orders(tmp_path / "after.csv", later))
    state = AppState()
    state.open_project(path)
    try:
        page = _show(qtbot, state)
        assert page.stack.currentIndex() == 1
        assert page.results_stack.currentWidget() is page.tabs
        words = page.words.text()
        assert f"; {contacted:,} were." in words
        assert "would have without the push" in words
        assert page.weekly_chart.chart is not None
        assert page.decile_chart.chart is not None
        assert page.offerings_model.rowCount() == 5
        page.grab().save(str(tmp_path / "campaigns.png"))
        job = page.save_report(tmp_path / "report")
        assert job is not None
        with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
            pass
        assert (tmp_path / "report/March-report.html").is_file()
    finally:
        state.shutdown()


def test_contacts_imported_in_the_wizard_show_as_campaigns(qtbot, tmp_path) -> None:
    from app.importwizard.wizard import ImportWizard
    from tests.app.test_import_wizard import _import, _next
    from tests.ml.test_contacts_import import CONTACTS, write_contacts

    state = AppState()
    state.new_project(tmp_path / "crm.pushwise")
    try:
        page = _show(qtbot, state)
        wizard = ImportWizard(
            state, files=[write_contacts(tmp_path / "crm.csv", CONTACTS)]
        )
        qtbot.addWidget(wizard)
        wizard.show()
        assert "Contacts" in wizard.file_page.kind_combo.currentText()
        _next(qtbot, wizard)
        _next(qtbot, wizard)
        assert "as returns" not in wizard.mapping_page.rows_label.text()
        _import(qtbot, wizard)
        qtbot.waitUntil(lambda: page.chooser.count() == 2, timeout=WAIT_MS)
        names = [page.chooser.itemText(i) for i in range(page.chooser.count())]
        assert sorted(names) == ["Newsletter", "Spring mail"]
    finally:
        state.shutdown()
