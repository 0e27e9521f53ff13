"""Train runs in a worker process: the window gets the project back after it,
a quit during it ends at once, and a worker that runs out of memory becomes a
plain message with the window and the project as they were."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from app.errors import ErrorDialog
from app.pages.model import ModelPage
from app.window import MainWindow
from tests.app.test_model_page import TINY

WAIT_MS = 120_000


def _model_page(qtbot, window: MainWindow, project: Path) -> ModelPage:
    assert window.open_project(project)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    window.show_page("model")
    page = window.pages["model"]
    assert isinstance(page, ModelPage)
    page.ranker_options = dict(TINY)
    page.horizon_unit.setCurrentText("days")
    page.horizon_spin.setValue(7)
    page.folds_spin.setValue(1)
    return page


def test_training_in_a_worker_gives_the_project_back_to_the_window(
    qtbot, window: MainWindow, weekly_project: Path
) -> None:
    page = _model_page(qtbot, window, weekly_project)
    state = window.state
    orders_before = state.info.orders_rows
    page.train_button.click()
    # While the worker has the file, the window reads nothing through it,
    # and the Data page's stored tables say when they come back.
    assert state.busy and state.reader is None
    orders = window.pages["data"].tables["orders"]  # type: ignore[attr-defined]
    assert orders.count_label.text().startswith("Shown again when the current task")
    qtbot.waitUntil(lambda: page.job is None and not state.busy, timeout=WAIT_MS)
    assert state.model is not None and page.result.backtest is not None
    assert state.reader is not None and state.project is not None
    rows = state.reader.execute("SELECT count(*) FROM orders").fetchone()
    assert rows is not None and rows[0] == orders_before
    # The training's worker is gone; the push plan's stays with its candidates.
    alive = [child.name for child in multiprocessing.active_children()]
    assert "pushwise-worker" not in alive


def test_quitting_during_training_ends_the_worker_at_once(
    qtbot, window: MainWindow, weekly_project: Path
) -> None:
    page = _model_page(qtbot, window, weekly_project)
    page.train_button.click()
    job = page.job
    assert job is not None
    qtbot.waitUntil(lambda: job.fraction > 0.0, timeout=WAIT_MS)  # it is working
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 3.0
    assert multiprocessing.active_children() == []


def test_a_worker_out_of_memory_is_said_plainly_and_nothing_is_lost(
    qtbot, window: MainWindow, weekly_project: Path, monkeypatch
) -> None:
    page = _model_page(qtbot, window, weekly_project)
    monkeypatch.setattr(
        ModelPage, "TRAIN", "tests.ml.test_workerprocess:run_out_of_memory"
    )
    page.train_button.click()
    qtbot.waitUntil(lambda: window.findChild(ErrorDialog) is not None, timeout=WAIT_MS)
    dialog = window.findChild(ErrorDialog)
    assert "The training needed more memory than this computer has free." in (
        dialog.text()
    )
    assert dialog.informativeText().startswith("Nothing was changed in the project.")
    dialog.close()
    state = window.state
    qtbot.waitUntil(lambda: not state.busy, timeout=WAIT_MS)
    assert state.project is not None and state.reader is not None
    assert window.pages["model"] is page and page.train_button.isEnabled()
