"""Long work off the GUI thread: progress, results, errors and Cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.jobs import Job, JobRunner
from app.state import AppState
from app.widgets.progress import JobProgressPanel
from ml.errors import Cancelled, InputDataError
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.conftest import SAMPLE

WAIT_MS = 60_000


def counting(steps: int, release: threading.Event | None = None):
    """A job function that reports each step and stops when asked."""

    def fn(report, stop_requested):
        for step in range(steps):
            if stop_requested():
                raise Cancelled
            if release is not None:
                release.wait(5)
            report((step + 1) / steps, f"Step {step + 1} of {steps}")
        return steps

    return fn


def test_a_job_reports_progress_then_its_result(qtbot) -> None:
    runner = JobRunner()
    job = Job(counting(5))
    seen: list[tuple[float, str]] = []
    job.progressed.connect(lambda fraction, message: seen.append((fraction, message)))
    with qtbot.waitSignal(job.succeeded, timeout=WAIT_MS) as result:
        runner.start(job)
    assert result.args == [5]
    assert seen[-1] == (1.0, "Step 5 of 5")
    qtbot.waitUntil(lambda: not runner.busy)


def test_a_failing_job_hands_over_its_error(qtbot) -> None:
    def fail(report, stop_requested):
        raise InputDataError("not a date", file="orders.csv", row=3)

    job = Job(fail)
    with qtbot.waitSignal(job.failed, timeout=WAIT_MS) as failure:
        JobRunner().start(job)
    (error,) = failure.args
    assert isinstance(error, InputDataError) and error.row == 3


def test_a_new_job_in_the_same_slot_cancels_the_old_one(qtbot) -> None:
    runner = JobRunner()
    release = threading.Event()
    old, new = Job(counting(100, release)), Job(counting(1))
    runner.start(old, slot="train")
    with qtbot.waitSignals([old.cancelled, new.succeeded], timeout=WAIT_MS):
        runner.start(new, slot="train")
        release.set()
    assert runner.job("train") is None or runner.job("train") is new


def test_cancel_button_stops_the_job(qtbot) -> None:
    panel = JobProgressPanel()
    qtbot.addWidget(panel)
    job = Job(counting(10_000))
    panel.bind(job, "Counting")
    JobRunner(panel).start(job)
    with qtbot.waitSignal(job.cancelled, timeout=5_000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        assert panel.cancel_button.text() == "Stopping…"
    qtbot.waitUntil(lambda: not panel.isVisible())


def test_a_cancelled_import_leaves_the_project_unchanged(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    state = AppState()
    state.new_project(path)
    panel = JobProgressPanel()
    qtbot.addWidget(panel)

    def run(project: Project, report, stop_requested):
        return import_file(
            project, SAMPLE, report=report, stop_requested=stop_requested
        )

    job = state.start_project_job(run, name="import")
    panel.bind(job)
    assert state.busy and state.project is None  # the job has the project
    # Cancel once the import is well under way.
    qtbot.waitUntil(lambda: job.fraction > 0.05, timeout=WAIT_MS)
    with qtbot.waitSignal(job.cancelled, timeout=WAIT_MS):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not state.busy and state.project is not None
    info = state.project.info()
    assert (info.orders_rows, info.returns_rows, info.imports) == (0, 0, ())
    state.shutdown()
    with Project.open(path) as reopened:
        assert reopened.info().orders_rows == 0


def test_only_one_job_uses_the_project_at_a_time(qtbot, tmp_path: Path) -> None:
    state = AppState()
    state.new_project(tmp_path / "shop.pushwise")
    release = threading.Event()
    job = state.start_project_job(
        lambda project, report, stop: counting(3, release)(report, stop)
    )
    with pytest.raises(RuntimeError):
        state.start_project_job(lambda project, report, stop: None)
    with qtbot.waitSignal(state.data_changed, timeout=WAIT_MS):
        release.set()
    assert job.done and state.project is not None
    state.shutdown()
