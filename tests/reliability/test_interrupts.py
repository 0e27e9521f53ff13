"""Ctrl-C during `pushwise import`, at each point before and after the commit:
one plain line, exit 130, and the project exactly as the line says."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from ml.cli import main
from ml.cli.outcome import EXIT_CANCELLED, EXIT_FAILED, Outcome, failure_message
from ml.interrupts import interrupts_deferred, is_interrupt
from ml.store.project import Project
from tests.reliability.faults import (
    PAUSE_PRELUDE,
    import_ids,
    one_plain_line,
    start_cli,
)

LEFT = "Stopped; the project was left as it was."
SAVED = "Stopped after the import of more.csv was saved: the project has it"

# Each case: the code that plants the pause, and whether the import is saved.
POINTS = {
    # While the file is read, long before anything is written.
    "reading": (
        '_pausing("ml.importing.importer", "read_table", "reading")',
        False,
    ),
    # Inside the transaction, rows stored but not committed.
    "before-commit": (
        '_pausing("ml.store.project", "Project.add_import", "before-commit")',
        False,
    ),
    # A DuckDB query running when Ctrl-C comes: DuckDB stops it ("Query
    # interrupted"), or, once pyarrow is loaded, finishes it before Python
    # raises KeyboardInterrupt; either way nothing is saved.
    "in-a-query": (
        """
import ml.importing.importer as _importer
_store = _importer.store_rows
def _slow_store(project, *args, **kwargs):
    _pause_at("in-a-query", 0)
    project.con.execute("SELECT sum(range) FROM range(3000000000)").fetchall()
    return _store(project, *args, **kwargs)
_importer.store_rows = _slow_store
""",
        False,
    ),
    # During the commit itself: it completes, then the stop is reported.
    "during-commit": (
        """
import contextlib
import ml.store.project as _project
_deferred = _project.interrupts_deferred
@contextlib.contextmanager
def _slow_commit():
    with _deferred():
        _pause_at("during-commit", 1.5)
        yield
_project.interrupts_deferred = _slow_commit
""",
        True,
    ),
    # After the commit, while the report is printed.
    "after-commit": (
        '_pausing("ml.importing.report", "ImportReport.to_text", "after-commit")',
        True,
    ),
}


def _interrupt(
    args: list[str], prelude: str, point: str, marker: Path
) -> tuple[int, str]:
    proc = start_cli(
        args,
        prelude=PAUSE_PRELUDE + prelude,
        env={"PAUSE_AT": point, "PAUSE_MARKER": str(marker)},
    )
    deadline = time.monotonic() + 90
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            out, err = proc.communicate()
            pytest.fail(f"never reached {point}: {proc.returncode}\n{out}\n{err}")
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, err


@pytest.mark.slow
@pytest.mark.parametrize("point", list(POINTS))
def test_ctrl_c_says_truly_whether_the_import_was_saved(
    point: str, files: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, more = files
    project = tmp_path / "shop.pushwise"
    shutil.copyfile(stored, project)
    prelude, saved = POINTS[point]
    code, err = _interrupt(
        ["import", str(more), "--project", str(project)],
        prelude,
        point,
        tmp_path / "marker",
    )
    line = one_plain_line(err)
    assert code == EXIT_CANCELLED
    if saved:
        assert line.startswith(f"pushwise: {SAVED}"), line
        assert import_ids(project) == [1, 2]
    else:
        assert line == f"pushwise: {LEFT}"
        assert import_ids(project) == [1]


@pytest.mark.slow
def test_ctrl_c_after_a_model_was_saved_says_so(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    stored, _ = files
    project = tmp_path / "shop.pushwise"
    shutil.copyfile(stored, project)
    code, err = _interrupt(
        ["train", "--project", str(project), "--horizon", "3"],
        '_pausing("ml.cli.train", "summary", "printing")',
        "printing",
        tmp_path / "marker",
    )
    assert code == EXIT_CANCELLED
    assert one_plain_line(err) == (
        "pushwise: Stopped after the new model was saved: the project has it; "
        "nothing after that was done."
    )
    con = duckdb.connect(str(project), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM models").fetchone() == (1,)
    finally:
        con.close()


@pytest.mark.slow
def test_ctrl_c_into_a_new_project_leaves_no_file(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    _, more = files
    project = tmp_path / "new.pushwise"
    prelude, _ = POINTS["before-commit"]
    code, err = _interrupt(
        ["import", str(more), "--project", str(project)],
        prelude,
        "before-commit",
        tmp_path / "marker",
    )
    assert code == EXIT_CANCELLED
    assert one_plain_line(err) == f"pushwise: {LEFT}"
    assert not project.exists()


def test_duckdb_query_interrupted_counts_as_ctrl_c() -> None:
    assert is_interrupt(RuntimeError("Query interrupted"))
    assert is_interrupt(KeyboardInterrupt())
    assert not is_interrupt(RuntimeError("something else"))


def test_ctrl_c_in_a_deferred_block_is_raised_after_it() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        signal.raise_signal(signal.SIGINT)
        done.append("finished")
    assert done == ["finished"]


def test_any_error_after_a_ctrl_c_is_reported_as_a_stop() -> None:
    # Ctrl-C while a compiled library loads can surface as another error.
    error = ImportError("initialization failed")
    stopped = Outcome(project=Path("shop.pushwise"), interrupted=True)
    assert failure_message(error, stopped) == (LEFT, EXIT_CANCELLED)
    line, code = failure_message(error, Outcome(project=Path("shop.pushwise")))
    assert code == EXIT_FAILED and "unexpected problem" in line


def test_an_unexpected_error_is_one_line_and_the_details_are_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "shop.pushwise"
    Project.create(project).close()

    def broken(self: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Project, "info", broken)
    assert main(["info", "--project", str(project)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("pushwise: An unexpected problem inside Pushwise")
    assert "PUSHWISE_DEBUG=1" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("PUSHWISE_DEBUG", "1")
    assert main(["info", "--project", str(project)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug" in err
