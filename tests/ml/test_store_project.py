"""Creating, opening and closing project files, and refusing files that are not ours."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest

import ml
from ml.errors import ProjectError
from ml.store import EXTENSION, Project, schema

REPO = Path(__file__).resolve().parents[2]

ORDER_ROW = (
    "INSERT INTO orders (import_id, line, line_hash, customer_id, offering_id, "
    "ordered_at, quantity, amount) "
    "VALUES (1, 2, 1, 'c1', 'A', TIMESTAMP '2024-01-05 10:00', 1, 9.5)"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_makes_a_new_project_with_meta(tmp_path: Path) -> None:
    path = tmp_path / f"shop{EXTENSION}"
    with Project.create(path) as project:
        assert project.path == path
        assert project.schema_version == schema.SCHEMA_VERSION
        meta = project.meta()
        assert meta["schema_version"] == str(schema.SCHEMA_VERSION)
        assert meta["created_by"] == ml.__version__
        assert meta["created_at"].startswith("20")
        assert uuid.UUID(project.project_id).hex == project.project_id
        assert project.info().orders_rows == 0
    assert path.is_file()


def test_each_project_gets_its_own_id(tmp_path: Path) -> None:
    with Project.create(tmp_path / "a.pushwise") as first:
        first_id = first.project_id
    with Project.create(tmp_path / "b.pushwise") as second:
        assert second.project_id != first_id


def test_create_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    path.write_text("keep me")
    with pytest.raises(ProjectError, match="already exists") as caught:
        Project.create(path)
    assert str(path) in str(caught.value)
    assert path.read_text() == "keep me"


def test_create_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"folder .* does not exist"):
        Project.create(tmp_path / "nowhere" / "shop.pushwise")


def test_create_refuses_a_leftover_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    wal = Path(f"{path}.wal")
    wal.write_bytes(b"left from a project that was deleted")
    with pytest.raises(ProjectError, match=r"leftover file 'shop\.pushwise\.wal'"):
        Project.create(path)
    assert not path.exists()
    assert wal.read_bytes() == b"left from a project that was deleted"


def test_reopened_project_keeps_its_data_and_id(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    with Project.create(path) as project:
        project.con.execute(ORDER_ROW)
        project_id = project.project_id
    with Project.open(path) as project:
        assert project.project_id == project_id
        assert project.info().orders_rows == 1


def test_open_missing_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "missing.pushwise"
    with pytest.raises(ProjectError, match="does not exist") as caught:
        Project.open(path)
    assert str(path) in str(caught.value)
    assert "create a new project" in str(caught.value)
    assert not path.exists()


def test_open_with_create_makes_a_missing_project_and_opens_an_existing_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.pushwise"
    with Project.open(path, create=True) as project:
        project.con.execute(ORDER_ROW)
    with Project.open(path, create=True) as project:
        assert project.info().orders_rows == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Invoice,StockCode\n536365,85123A\n", "not a Pushwise project"),
        (b"", "empty"),
        (b"PK\x03\x04" + bytes(5000), "not a Pushwise project"),
    ],
    ids=["csv", "empty", "zip"],
)
def test_open_refuses_a_file_that_is_not_a_project(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "orders.pushwise"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=expected) as caught:
        Project.open(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert "Open a .pushwise file made with Pushwise" in message
    assert path.read_bytes() == content


def test_open_refuses_a_duckdb_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (name VARCHAR)")  # a meta table, but not ours
    con.close()
    before = _digest(path)
    with pytest.raises(ProjectError, match="not a Pushwise project") as caught:
        Project.open(path)
    assert str(path) in str(caught.value)
    assert _digest(path) == before


def test_open_refuses_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shop.pushwise"
    folder.mkdir()
    with pytest.raises(ProjectError, match="folder"):
        Project.open(folder)


@pytest.mark.parametrize("damage", ["header", "truncated"])
def test_open_reports_a_damaged_project(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "shop.pushwise"
    with Project.create(path) as project:
        project.con.execute(ORDER_ROW)
    data = bytearray(path.read_bytes())
    if damage == "header":
        data[4096:12288] = bytes(range(256)) * 32  # both database headers
    else:
        data = data[: len(data) // 3]
    path.write_bytes(bytes(data))
    with pytest.raises(ProjectError, match="damaged") as caught:
        Project.open(path)
    assert str(path) in str(caught.value)
    assert "backup" in str(caught.value)
    # The failed open left nothing behind: a good project opens afterwards.
    Project.create(tmp_path / "fresh.pushwise").close()


def test_project_from_a_newer_pushwise_is_refused_and_left_unchanged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.pushwise"
    with Project.create(path) as project:
        newer = schema.SCHEMA_VERSION + 1
        project.con.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(newer)]
        )
    before = _digest(path)
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "made with a newer version of Pushwise" in message
    assert "Update Pushwise to open it" in message
    assert _digest(path) == before
    assert not Path(f"{path}.wal").exists()


def test_newer_duckdb_storage_is_reported_as_a_newer_pushwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shop.pushwise"
    Project.create(path).close()

    def refuse(database: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException(
            "IO Error: Trying to read a database file with version number 70, but "
            "we can only read versions between 64 and 69.\nThe database file was "
            "created with a newer version of DuckDB."
        )

    monkeypatch.setattr(duckdb, "connect", refuse)
    with pytest.raises(ProjectError, match="newer version of Pushwise"):
        Project.open(path)


def test_close_is_idempotent_and_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    project = Project.create(path)
    project.con.execute(ORDER_ROW)
    project.close()
    project.close()
    assert project.closed
    assert not Path(f"{path}.wal").exists()  # close() checkpointed into the file
    with pytest.raises(ProjectError, match="closed"):
        _ = project.con


def test_the_same_project_cannot_be_opened_twice_in_one_process(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.pushwise"
    with Project.create(path), pytest.raises(ProjectError, match="already open"):
        Project.open(path)
    with Project.open(path) as project:  # free again once closed
        assert project.schema_version == schema.SCHEMA_VERSION


def test_a_dropped_project_frees_its_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    Project.create(path)  # never closed: the object is dropped at once
    with Project.open(path) as project:
        assert project.schema_version == schema.SCHEMA_VERSION


HOLD_OPEN = """
import sys
from ml.store import Project
project = Project.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
project.close()
"""


def test_project_open_in_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    Project.create(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(path)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(ProjectError) as caught:
            Project.open(path)
        message = str(caught.value)
        assert str(path) in message
        assert "is open in another Pushwise window or program" in message
        assert f"process {holder.pid}" in message
    finally:
        holder.communicate(timeout=60)  # closes its stdin: it closes the project
    with Project.open(path) as project:
        assert project.schema_version == schema.SCHEMA_VERSION


CRASH = """
import os, sys
from ml.store import Project
project = Project.open(sys.argv[1])
with project.transaction() as con:
    con.execute(sys.argv[2].replace("'c1'", "'committed'"))
project.con.begin()
project.con.execute(sys.argv[2].replace("'c1'", "'in flight'"))
os._exit(1)  # a crash: no close, no commit of the second insert
"""


def test_a_crash_keeps_committed_rows_and_drops_uncommitted_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.pushwise"
    Project.create(path).close()
    crashed = _run(CRASH, str(path), ORDER_ROW)
    assert crashed.returncode == 1, crashed.stderr
    with Project.open(path) as project:
        customers = project.con.execute("SELECT customer_id FROM orders").fetchall()
    assert customers == [("committed",)]


def test_project_files_are_not_left_half_made_when_creation_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shop.pushwise"
    monkeypatch.setitem(schema.TABLES, "broken", "CREATE TABLE broken (x NOSUCHTYPE)")
    with pytest.raises(ProjectError, match="could not be created"):
        Project.create(path)
    assert not path.exists()
    assert not Path(f"{path}.wal").exists()
    monkeypatch.undo()
    Project.create(path).close()  # the name is free again
