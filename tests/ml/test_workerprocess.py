"""Workflows in a child process: the same result as in-process, Cancel within
a second with the project as it was, and a plain message when the child runs
out of memory or crashes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from ml.errors import Cancelled, InputDataError
from ml.importing.importer import import_file
from ml.progress import ReportFn, StopFn
from ml.store.project import Project
from ml.workerprocess import WorkerFailed, run_in_worker
from ml.workflows.forecast import forecast_project

HERE = Path(__file__).parent
ONLINE_RETAIL = HERE.parent / "data" / "reading" / "online_retail_head.csv"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A project holding the first 449 Online Retail order lines."""
    path = tmp_path / "shop.pushwise"
    with Project.create(path) as project:
        import_file(project, ONLINE_RETAIL)
    return path


# What the child runs: module-level functions, found again by the child.


def count_orders(project: Project, *, report: ReportFn, stop_requested: StopFn) -> int:
    report(0.5, "Counting")
    row = project.con.execute("SELECT count(*) FROM orders").fetchone()
    return int(row[0]) if row else 0


def write_then_wait(
    project: Project, *, report: ReportFn, stop_requested: StopFn
) -> None:
    """Change the project in a transaction and never finish it."""
    with project.transaction() as con:
        con.execute("DELETE FROM orders")
        report(0.5, "Deleted every order, not committed")
        while True:  # checks nothing: Cancel must end it all the same
            time.sleep(0.01)


def wait_for_stop(
    project: Project, *, report: ReportFn, stop_requested: StopFn
) -> None:
    report(0.1, "Waiting")
    while not stop_requested():
        time.sleep(0.01)
    raise Cancelled


def run_out_of_memory(project: Project, *args: object, **progress: object) -> None:
    raise MemoryError


def killed_by_the_system(project: Project, *args: object, **progress: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does


def fail_on_bad_input(project: Project, *args: object, **progress: object) -> None:
    raise InputDataError("the dates cannot be read.", file="x.csv", row=3, hint="Fix.")


def crash(project: Project, *args: object, **progress: object) -> None:
    raise KeyError("offering_id")


def test_a_workflow_gives_the_same_result_in_a_worker(shop: Path) -> None:
    seen: list[str] = []
    in_worker = run_in_worker(
        shop, forecast_project, report=lambda f, m: seen.append(m)
    )
    with Project.open(shop) as project:
        here = forecast_project(project)
    pd.testing.assert_frame_equal(in_worker, here)
    assert seen  # progress came through


def test_progress_and_result_come_back(shop: Path) -> None:
    seen: list[tuple[float, str]] = []
    count = run_in_worker(shop, count_orders, report=lambda f, m: seen.append((f, m)))
    assert count == 449 - 9  # the head's 9 cancelled lines are returns
    assert (0.5, "Counting") in seen


def test_cancel_ends_a_job_that_never_checks_within_a_second(shop: Path) -> None:
    with Project.open(shop) as project:
        before = project.con.execute("SELECT count(*) FROM orders").fetchone()
    asked: list[float] = []

    def stop() -> bool:
        if not asked and seen:
            asked.append(time.monotonic())
        return bool(asked)

    seen: list[str] = []
    with pytest.raises(Cancelled):
        run_in_worker(
            shop,
            write_then_wait,
            report=lambda f, m: seen.append(m),
            stop_requested=stop,
        )
    assert time.monotonic() - asked[0] < 1.0
    with Project.open(shop) as project:  # the deletion was never committed
        assert project.con.execute("SELECT count(*) FROM orders").fetchone() == before


def test_a_job_that_checks_stops_at_its_check(shop: Path) -> None:
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_worker(
            shop,
            wait_for_stop,
            stop_requested=lambda: time.monotonic() - started > 3.0,
        )


@pytest.mark.parametrize("fn", [run_out_of_memory, killed_by_the_system])
def test_running_out_of_memory_is_said_plainly(shop: Path, fn) -> None:
    with pytest.raises(WorkerFailed) as caught:
        run_in_worker(shop, fn, task="the training")
    assert caught.value.reason == (
        "The training needed more memory than this computer has free."
    )
    assert caught.value.hint.startswith("Nothing was changed in the project.")


def test_the_engine_s_own_errors_arrive_whole(shop: Path) -> None:
    with pytest.raises(InputDataError) as caught:
        run_in_worker(shop, fail_on_bad_input)
    error = caught.value
    assert (error.file, error.row, error.hint) == ("x.csv", 3, "Fix.")
    assert error.reason == "the dates cannot be read."


def test_a_crash_is_said_plainly_without_a_traceback(shop: Path) -> None:
    with pytest.raises(WorkerFailed) as caught:
        run_in_worker(shop, crash, task="the plan")
    assert caught.value.reason.startswith("The plan stopped on an unexpected error")
    assert "Traceback" not in caught.value.message
    # The log file gets where it happened, in the worker.
    assert "in crash" in "".join(caught.value.__notes__)
