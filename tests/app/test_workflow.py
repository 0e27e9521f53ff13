"""The whole window, as a marketing user goes through it: open a project,
train, read the plan, tighten a rule and see the plan change, export the plan
with File > Export… and read the file back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.pages.model import ModelPage
from app.pages.plan import PushPlanPage
from app.window import MainWindow
from ml.importing.importer import import_file
from ml.store.project import Project
from ml.store.savedmodels import list_models
from ml.workflows.train import CHECK_STARTS
from tests.app.conftest import HEADERS
from tests.app.test_model_page import TINY
from tests.ml.builders import weekly_world

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def weekly_project(tmp_path: Path) -> Path:
    """40 weekly customers over 160 days, exported with shop-style headers."""
    orders = tmp_path / "orders.csv"
    weekly_world().rename(columns=HEADERS).to_csv(orders, index=False)
    path = tmp_path / "weekly.pushwise"
    with Project.create(path) as project:
        import_file(project, orders)
    return path


def _model_page(window: MainWindow) -> ModelPage:
    window.show_page("model")
    page = window.pages["model"]
    assert isinstance(page, ModelPage)
    page.ranker_options = dict(TINY)
    page.horizon_unit.setCurrentText("days")
    page.horizon_spin.setValue(7)
    page.advanced_button.click()
    page.windows_spin.setValue(3)
    return page


def test_train_plan_change_a_rule_export(
    qtbot, window: MainWindow, weekly_project: Path, tmp_path: Path, monkeypatch
) -> None:
    assert window.open_project(weekly_project)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=60_000)
    model_page = _model_page(window)
    qtbot.mouseClick(model_page.train_button, LEFT)
    assert model_page.job is not None
    with qtbot.waitSignal(model_page.job.finished, timeout=300_000):
        pass
    assert "push list caught" in model_page.card.text()

    window.show_page("plan")
    plan_page = window.pages["plan"]
    assert isinstance(plan_page, PushPlanPage)
    qtbot.waitUntil(lambda: plan_page.all_model.rowCount() > 0, timeout=60_000)
    before = window.state.plan.rows.copy()
    assert before.groupby("customer_id").size().max() > 1

    # At most one push per customer: typed into the rule's box, applied live.
    box = plan_page.rules.per_customer
    box.setFocus()
    box.selectAll()
    with qtbot.waitSignal(window.state.plan_changed, timeout=30_000):
        qtbot.keyClicks(box, "1")
        qtbot.keyClick(box, Qt.Key.Key_Return)
    after = window.state.plan.rows
    assert after.groupby("customer_id").size().max() == 1
    assert after["customer_id"].nunique() == before["customer_id"].nunique()
    assert plan_page.all_model.rowCount() == len(after)
    removed = window.state.plan.removed_by_rule["per_customer_cap"]
    assert plan_page.rules.removed["per_customer_cap"].text() == f"removed {removed:,}"

    target = tmp_path / "campaign.csv"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *args: (str(target), "CSV files (*.csv)")),
    )
    window.window_actions.export_action.trigger()  # File > Export… (Ctrl+E)
    with qtbot.waitSignal(plan_page.export_job.finished, timeout=30_000):
        pass
    back = pd.read_csv(target, dtype=str, encoding="utf-8-sig")
    assert len(back) == len(after)
    # The user's own column names, ready for the CRM.
    assert {"Customer ID", "Product"} <= set(back.columns)
    exported = set(zip(back["Customer ID"], back["Product"], strict=True))
    planned = set(zip(after["customer_id"], after["offering_id"], strict=True))
    assert exported == planned
    assert f"Saved {len(after):,} rows to campaign.csv" in plan_page.status.text()


@pytest.mark.slow
def test_cancel_during_the_check_on_the_sample_keeps_the_trained_model(
    qtbot, window: MainWindow, sample_project: Path
) -> None:
    assert window.open_project(sample_project)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=60_000)
    window.show_page("model")
    page = window.pages["model"]
    assert isinstance(page, ModelPage)
    # Small trees: Cancel ends the worker process, however long its steps.
    page.ranker_options = dict(TINY)
    qtbot.mouseClick(page.train_button, LEFT)
    job = page.job
    assert job is not None
    qtbot.waitUntil(lambda: job.fraction > CHECK_STARTS, timeout=300_000)
    # The Cancel button beside the progress bar stops the check promptly and
    # keeps the model that was trained and saved before it.
    cancel = page.progress.cancel_button
    assert cancel.isVisible()
    with qtbot.waitSignal(job.finished, timeout=10_000):
        qtbot.mouseClick(cancel, LEFT)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=10_000)
    assert "The model is trained and saved" in page.status_label.text()
    assert window.state.model is not None and window.state.backtest is None
    saved = [meta.model_id for meta in list_models(window.state.project)]
    assert saved == [window.state.model.model_id]
    assert page.check_button.isVisible()
