"""A full disk or a file-size limit (RLIMIT_FSIZE, which makes writes fail with
EFBIG as a full disk does) while a command writes: one plain line, exit 4, and
the project as the line says; a rejects list that cannot be written after the
import was saved is a warning (exit 5), not a failure."""

from __future__ import annotations

import errno
import json
import resource
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from ml.cli.outcome import (
    EXIT_CANNOT_WRITE,
    EXIT_SAVED_WITH_WARNING,
    Outcome,
    failure_message,
)
from ml.store.project import Project
from tests.reliability.faults import (
    import_ids,
    in_own_mounts,
    one_plain_line,
    run_cli,
)


def _limit(size: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    return apply


def test_disk_full_during_an_import_leaves_the_project_as_it_was(
    files: tuple[Path, Path], project: Path
) -> None:
    # Smaller than the write-ahead log the import needs: the commit fails.
    limit = 50_000
    done = run_cli(
        ["import", str(files[1]), "--project", str(project)], preexec_fn=_limit(limit)
    )
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert line.startswith("pushwise: The disk is full")
    assert "the project was left as it was" in line
    assert import_ids(project) == [1]
    with Project.open(project) as reopened:  # still sound, and the same
        assert len(reopened.imports()) == 1


def test_disk_full_while_creating_a_project_leaves_no_file(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    target = tmp_path / "new.pushwise"
    done = run_cli(
        ["import", str(files[1]), "--project", str(target)], preexec_fn=_limit(20_000)
    )
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert line.startswith("pushwise: The disk is full")
    assert not target.exists()


def test_rejects_list_in_the_way_is_a_warning_after_the_import(
    files: tuple[Path, Path], project: Path
) -> None:
    # A folder where the rejects CSV should go: it cannot be written.
    (project.parent / "shop-import2-rejects.csv").mkdir()
    done = run_cli(["import", str(files[1]), "--project", str(project)])
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_SAVED_WITH_WARNING, done.stderr
    assert line.startswith(
        "pushwise: The orders from more.csv were imported, but the list of "
        "rejected lines could not be written to "
    )
    assert import_ids(project) == [1, 2]


def test_disk_full_while_writing_the_rejects_list_keeps_the_import(
    files: tuple[Path, Path], project: Path
) -> None:
    # The limit comes only once the import is committed, as when the disk
    # fills up just then.
    prelude = """
import resource
import ml.cli.imports as _imports
_write = _imports._write_rejects
def _full_disk_write(*args, **kwargs):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, hard))
    try:
        return _write(*args, **kwargs)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
_imports._write_rejects = _full_disk_write
"""
    done = run_cli(
        ["import", str(files[1]), "--project", str(project)], prelude=prelude
    )
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_SAVED_WITH_WARNING, done.stderr
    assert "were imported, but the list of rejected lines could not be" in line
    assert "File too large" in line
    assert import_ids(project) == [1, 2]


@pytest.mark.slow
def test_disk_full_while_saving_a_model_leaves_the_project_as_it_was(
    project: Path,
) -> None:
    # Smaller than the write-ahead log of the model: saving it fails.
    done = run_cli(
        ["train", "--project", str(project), "--horizon", "3"],
        preexec_fn=_limit(20_000),
    )
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert line.startswith("pushwise: The disk is full")
    assert "the project was left as it was" in line
    con = duckdb.connect(str(project), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM models").fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device", "plan.csv"),
        OSError(errno.EFBIG, "File too large", "plan.csv"),
        duckdb.IOException(
            'Could not write file "p.pushwise": No space left on device'
        ),
    ],
    ids=["ENOSPC", "EFBIG", "duckdb"],
)
def test_a_full_disk_is_named_as_such(error: BaseException) -> None:
    line, code = failure_message(error, Outcome(project=Path("p.pushwise")))
    assert code == EXIT_CANNOT_WRITE
    assert line.startswith("The disk is full")
    assert "the project was left as it was" in line
    saved = Outcome(project=Path("p.pushwise"), saved=["the new model"])
    line, _ = failure_message(error, saved)
    assert "the new model was saved in the project before that" in line


@pytest.mark.slow
def test_a_really_full_disk_during_an_import(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """ENOSPC from a small RAM disk (needs unshare and root; skipped elsewhere)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    stored, more = files
    # Room for the project and a little more, not for the import.
    size_kib = stored.stat().st_size // 1024 + 64
    project = disk / "shop.pushwise"
    pushwise = (
        f"{sys.executable} -c 'import sys; from ml.cli import main; sys.exit(main())'"
    )
    script = (
        f"mount -t tmpfs -o size={size_kib}k tmpfs {disk} && "
        f"cp {stored} {project} && "
        f'{pushwise} import {more} --project {project}; echo "import=$?" >&2; '
        f"{pushwise} info --project {project} --json"
    )
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    done = in_own_mounts(script)
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip("cannot mount a RAM disk here (needs root)")
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and lines[1] == "import=4", done.stderr
    assert lines[0].startswith("pushwise: The disk is full"), lines[0]
    assert "the project was left as it was" in lines[0]
    info = json.loads(done.stdout)
    assert [entry["file"] for entry in info["imports"]] == ["orders.csv"]


@pytest.mark.slow
def test_disk_full_writing_the_plan_says_the_model_was_saved(
    project: Path, tmp_path: Path
) -> None:
    # The model is saved in the project, then the disk fills up as PLAN.csv
    # is written: the line must say the project has the new model.
    prelude = """
import resource
import ml.cli.recommend as _recommend
_write = _recommend.to_plan_csv
def _full_disk_write(*args, **kwargs):
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))
    return _write(*args, **kwargs)
_recommend.to_plan_csv = _full_disk_write
"""
    plan = tmp_path / "plan.csv"
    args = ["recommend", "--project", str(project), "--horizon", "3"]
    done = run_cli([*args, "--out", str(plan)], prelude=prelude)
    line = one_plain_line(done.stderr)
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert line.startswith("pushwise: The disk is full"), line
    assert "the new model was saved in the project before that" in line
    con = duckdb.connect(str(project), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM models").fetchone() == (1,)
    finally:
        con.close()
