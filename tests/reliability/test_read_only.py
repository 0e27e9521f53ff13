"""A project that cannot be written (read-only file, folder or disk) opens
read-only: it can be viewed and exported, and a change is refused saying why,
never reported as damage."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ml.cli import main as cli
from ml.errors import ProjectError
from ml.store import connection
from ml.store.project import Project
from tests.conftest import TEST_DATA
from tests.reliability.faults import (
    deny_writing,
    in_own_mounts,
    one_plain_line,
)

COPY = "Copy it somewhere you can write to"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_write_block_names_the_file_or_the_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert connection.write_block(project) is None
    with monkeypatch.context() as patch:
        deny_writing(patch, project)
        assert connection.write_block(project) == "the file is read-only"
    with monkeypatch.context() as patch:
        deny_writing(patch, project.parent)
        assert connection.write_block(project) == "its folder is read-only"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a chmod a-w file")
def test_a_chmod_read_only_file_is_found(project: Path) -> None:
    project.chmod(0o444)
    try:
        assert connection.write_block(project) == "the file is read-only"
    finally:
        project.chmod(0o644)


@pytest.mark.parametrize("denied", ["file", "folder"])
def test_a_read_only_project_opens_for_reading_and_refuses_changes(
    project: Path, monkeypatch: pytest.MonkeyPatch, denied: str
) -> None:
    deny_writing(monkeypatch, project if denied == "file" else project.parent)
    before = _digest(project)
    with Project.open(project) as opened:
        assert opened.read_only
        assert opened.info().orders_rows > 0
        with pytest.raises(ProjectError, match="cannot be changed") as caught:
            opened.save_setting("anything", "1")
        assert COPY in str(caught.value)
        assert "damaged" not in str(caught.value)
    assert _digest(project) == before
    assert not Path(f"{project}.wal").exists()


def test_cli_views_a_read_only_project_and_refuses_an_import(
    files: tuple[Path, Path],
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deny_writing(monkeypatch, project)
    before = _digest(project)
    assert cli(["info", "--project", str(project)]) == 0
    printed = capsys.readouterr()
    assert "Read-only: the file is read-only" in printed.out
    assert printed.err == ""
    assert cli(["import", str(files[1]), "--project", str(project)]) == 3
    line = one_plain_line(capsys.readouterr().err)
    assert line == (
        f"pushwise: {project} cannot be changed: the file is read-only. "
        "Copy it somewhere you can write to, then open the copy."
    )
    assert cli(["train", "--project", str(project)]) == 3
    assert "cannot be changed" in one_plain_line(capsys.readouterr().err)
    assert _digest(project) == before


@pytest.mark.slow
def test_cli_plans_from_a_read_only_project_without_saving(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deny_writing(monkeypatch, project)
    before = _digest(project)
    plan = tmp_path / "elsewhere" / "plan.csv"
    plan.parent.mkdir()
    args = ["recommend", "--project", str(project), "--horizon", "3"]
    assert cli([*args, "--out", str(plan)]) == 0
    assert "read-only" in capsys.readouterr().out
    assert plan.stat().st_size > 0
    assert _digest(project) == before


def test_no_project_is_created_in_a_read_only_folder(
    files: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deny_writing(monkeypatch, tmp_path)
    target = tmp_path / "new.pushwise"
    assert cli(["import", str(files[1]), "--project", str(target)]) == 3
    line = one_plain_line(capsys.readouterr().err)
    assert line == (
        f"pushwise: {target}: the project cannot be created here: the folder is "
        "read-only. Choose a folder you can write to."
    )
    assert not target.exists()


def test_an_old_read_only_project_says_it_needs_upgrading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v1.pushwise"
    path.write_bytes(
        gzip.decompress((TEST_DATA / "projects" / "v1.pushwise.gz").read_bytes())
    )
    deny_writing(monkeypatch, path)
    with pytest.raises(ProjectError, match="needs upgrading") as caught:
        Project.open(path)
    assert COPY in str(caught.value)


def _read_only_mount_works(folder: Path) -> bool:
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
def test_a_project_on_a_read_only_disk(files: tuple[Path, Path], project: Path) -> None:
    folder = project.parent
    if shutil.which("unshare") is None or not _read_only_mount_works(folder):
        pytest.skip("cannot mount a folder read-only here (needs unshare and root)")
    pushwise = f"{sys.executable} -m ml.cli"
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
        f'{pushwise} info --project {project}; echo "info=$?" >&2; '
        f'{pushwise} import {files[1]} --project {project}; echo "import=$?" >&2'
    )
    done = in_own_mounts(script)
    assert "Traceback" not in done.stderr
    assert "damaged" not in done.stderr + done.stdout
    assert "Read-only: the disk or share it is on is read-only" in done.stdout
    lines = done.stderr.splitlines()
    assert lines == [
        "info=0",
        f"pushwise: {project} cannot be changed: the disk or share it is on is "
        "read-only. Copy it somewhere you can write to, then open the copy.",
        "import=3",
    ]


def test_a_write_refused_by_the_system_opens_read_only(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.access may say yes where the system still refuses (network shares).
    real = duckdb.connect

    def connect(database: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        if not read_only:
            raise duckdb.IOException(
                f'IO Error: Cannot open file "{database}": Read-only file system'
            )
        return real(database, read_only=True)

    monkeypatch.setattr(duckdb, "connect", connect)
    with Project.open(project) as opened:
        assert opened.read_only_reason == (
            "Pushwise may not write to the file or its folder"
        )
        assert opened.info().orders_rows > 0
