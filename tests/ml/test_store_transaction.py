"""A failed or cancelled import leaves the project exactly as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ml.errors import Cancelled, InputDataError, ProjectError
from ml.store import Project

TABLES = ("orders", "returns", "rejects", "imports")


def _insert_import_rows(project: Project, import_id: int) -> None:
    con = project.con
    con.execute(
        "INSERT INTO orders (import_id, line, line_hash, customer_id, offering_id, "
        "ordered_at, quantity, amount) SELECT ?, range + 2, range, 'c' || range, "
        "'A', TIMESTAMP '2024-01-01' + INTERVAL (range) HOUR, 1, 2.0 "
        "FROM range(1000)",
        [import_id],
    )
    con.execute(
        "INSERT INTO returns (import_id, line, line_hash, offering_id, returned_at, "
        "quantity, return_reason) VALUES (?, 1002, 7, 'A', TIMESTAMP '2024-02-01', "
        "-1, 'negative_quantity')",
        [import_id],
    )
    con.execute(
        "INSERT INTO rejects VALUES "
        "(?, 1003, 'Qty', 'x', 'bad_number', 'not a number')",
        [import_id],
    )
    con.execute(
        "INSERT INTO imports VALUES (?, 'orders.csv', '/data/orders.csv', ?, 1, "
        "'orders', TIMESTAMP '2024-05-01', '{}', '{}', 1002, 1000, 1, 1, '{}', '[]')",
        [import_id, f"hash-{import_id}"],
    )


def _counts(project: Project) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        row = project.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        assert row is not None
        counts[table] = int(row[0])
    return counts


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "shop.pushwise") as project:
        with project.transaction():
            _insert_import_rows(project, 1)
        yield project


def test_a_successful_block_is_committed(project: Project, tmp_path: Path) -> None:
    with project.transaction():
        _insert_import_rows(project, 2)
    project.close()
    with Project.open(tmp_path / "shop.pushwise") as reopened:
        assert _counts(reopened) == {
            "orders": 2000,
            "returns": 2,
            "rejects": 2,
            "imports": 2,
        }


@pytest.mark.parametrize(
    "error",
    [
        InputDataError("orders.csv, row 118: not a date", file="orders.csv"),
        ValueError("a bug in the importer"),
        Cancelled(),
        KeyboardInterrupt(),
    ],
    ids=["input-error", "bug", "cancelled", "interrupt"],
)
def test_an_exception_rolls_back_every_change_and_is_re_raised(
    project: Project, error: BaseException
) -> None:
    before = _counts(project)
    with pytest.raises(type(error)) as caught, project.transaction():
        _insert_import_rows(project, 2)
        project.con.execute("DELETE FROM orders WHERE import_id = 1")
        project.con.execute("CREATE TABLE scratch (x INTEGER)")
        raise error
    assert caught.value is error
    assert _counts(project) == before
    tables = project.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    assert ("scratch",) not in tables


def test_cancel_between_steps_keeps_the_previous_import(project: Project) -> None:
    before = _counts(project)
    steps_done: list[int] = []

    def stop_requested() -> bool:
        return len(steps_done) == 2

    with pytest.raises(Cancelled), project.transaction():
        for step in range(5):
            if stop_requested():
                raise Cancelled
            _insert_import_rows(project, 10 + step)
            steps_done.append(step)
    assert _counts(project) == before
    assert [r.import_id for r in project.imports()] == [1]


def test_a_failing_sql_statement_rolls_back_the_earlier_ones(project: Project) -> None:
    before = _counts(project)
    with pytest.raises(duckdb.ConstraintException), project.transaction():
        _insert_import_rows(project, 2)
        _insert_import_rows(project, 2)  # import_id 2 again: primary key
    assert _counts(project) == before
    with project.transaction():  # the project is usable afterwards
        _insert_import_rows(project, 2)
    assert _counts(project)["imports"] == 2


def test_rolled_back_changes_stay_gone_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "shop.pushwise"
    project = Project.create(path)
    with pytest.raises(Cancelled), project.transaction():
        _insert_import_rows(project, 1)
        raise Cancelled
    project.close()
    with Project.open(path) as project:
        assert _counts(project) == dict.fromkeys(TABLES, 0)


def test_transactions_cannot_be_nested(project: Project) -> None:
    before = _counts(project)
    with pytest.raises(RuntimeError, match="already open"), project.transaction():
        _insert_import_rows(project, 2)
        with project.transaction():
            pass
    assert _counts(project) == before


def test_the_transaction_yields_the_connection(project: Project) -> None:
    with project.transaction() as con:
        assert con is project.con


def test_a_closed_project_refuses_a_transaction(project: Project) -> None:
    project.close()
    with pytest.raises(ProjectError, match="closed"), project.transaction():
        pass
