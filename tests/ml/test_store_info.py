"""What a project holds, as the status bar, the Data panel and `--json` show it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from ml.store import ImportRecord, Project, schema


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "shop.pushwise") as project:
        yield project


def _fill(project: Project) -> None:
    con = project.con
    con.execute(
        """
        INSERT INTO orders (import_id, line, line_hash, order_id, customer_id,
                            offering_id, ordered_at, quantity, amount)
        VALUES
        (1, 2, 1, 'o1', 'c1', 'A', TIMESTAMP '2010-12-01 08:26:00', 6, 15.30),
        (1, 3, 2, 'o1', 'c1', 'B', TIMESTAMP '2010-12-01 08:26:00', 6, 20.345),
        (1, 4, 3, 'o2', 'c2', 'A', TIMESTAMP '2011-06-15 10:00:00', 1, NULL),
        (1, 5, 4, 'o3', NULL, 'C', TIMESTAMP '2011-12-09 12:50:00', 2, 4.0),
        (1, 6, 5, 'o4', NULL, 'A', TIMESTAMP '2011-03-01 09:00:00', 1, 2.5)
        """
    )
    con.execute(
        """
        INSERT INTO returns (import_id, line, line_hash, offering_id, customer_id,
                             returned_at, quantity, amount, return_reason)
        VALUES (1, 7, 6, 'A', 'c1', TIMESTAMP '2010-12-02', -1, -99.0,
                'negative_quantity')
        """
    )
    con.execute(
        """
        INSERT INTO feedback (import_id, line, line_hash, customer_id,
                              submitted_at, rating)
        VALUES (2, 2, 7, 'c1', TIMESTAMP '2010-12-05', 0.8),
               (2, 3, 8, 'c2', TIMESTAMP '2011-07-01', 0.2)
        """
    )
    con.execute(
        "INSERT INTO offerings (offering_id, import_id, line, name) "
        "VALUES ('A', 3, 2, 'Lantern')"
    )
    con.execute(
        "INSERT INTO customers (customer_id, import_id, line, opted_out) "
        "VALUES ('c1', 4, 2, false), ('c2', 4, 3, true), ('c3', 4, 4, NULL)"
    )
    project.add_import(
        ImportRecord(
            import_id=1,
            file_name="orders.csv",
            file_path="/data/orders.csv",
            content_hash="h1",
            size_bytes=512,
            kind="orders",
            imported_at=datetime(2024, 5, 1, 9, 30),
            mapping_json="{}",
            read_info={"format": "csv"},
            rows_read=8,
            rows_imported=5,
            rows_returns=1,
            rows_rejected=2,
            reasons={"bad_date": 1, "missing_offering": 1},
            notes=(),
        )
    )


def test_info_of_an_empty_project(project: Project) -> None:
    info = project.info()
    assert info.to_dict() == {
        "path": str(project.path),
        "schema_version": schema.SCHEMA_VERSION,
        "orders": {
            "rows": 0,
            "customers": 0,
            "offerings": 0,
            "first": None,
            "last": None,
            "revenue": None,
        },
        "anonymous_rows": 0,
        "returns": {"rows": 0},
        "feedback": {"rows": 0},
        "offerings_table": {"rows": 0},
        "customers_table": {"rows": 0},
        "imports": [],
    }
    assert info.summary() == "No orders yet"
    assert project.summary() == "No orders yet"


def test_info_of_a_filled_project(project: Project) -> None:
    _fill(project)
    data = project.info().to_dict()
    assert data["orders"] == {
        "rows": 5,
        "customers": 2,  # c1, c2; lines without a customer are not a customer
        "offerings": 3,
        "first": "2010-12-01T08:26:00",
        "last": "2011-12-09T12:50:00",
        "revenue": 42.15,  # purchases only: the return's -99 is not in it
    }
    assert data["anonymous_rows"] == 2
    assert data["returns"] == {"rows": 1}
    assert data["feedback"] == {"rows": 2}
    assert data["offerings_table"] == {"rows": 1}
    assert data["customers_table"] == {"rows": 3}
    assert data["imports"] == [
        {
            "import_id": 1,
            "file": "orders.csv",
            "kind": "orders",
            "imported_at": "2024-05-01T09:30:00",
            "rows_read": 8,
            "rows_imported": 5,
            "rows_returns": 1,
            "rows_rejected": 2,
            "reasons": {"bad_date": 1, "missing_offering": 1},
        }
    ]


def test_info_dict_is_json(project: Project) -> None:
    _fill(project)
    data = project.info().to_dict()
    assert json.loads(json.dumps(data)) == data


def test_summary_line_for_the_status_bar(project: Project) -> None:
    _fill(project)
    assert project.summary() == (
        "2 customers · 3 offerings · 5 order lines · 2010-12-01 to 2011-12-09"
    )


def test_summary_uses_thousands_separators_and_singulars(project: Project) -> None:
    project.con.execute(
        "INSERT INTO orders (import_id, line, line_hash, customer_id, offering_id, "
        "ordered_at, quantity) SELECT 1, range + 2, range, 'c1', 'A', "
        "TIMESTAMP '2024-01-01' + INTERVAL (range % 3) DAY, 1 FROM range(12345)"
    )
    assert project.summary() == (
        "1 customer · 1 offering · 12,345 order lines · 2024-01-01 to 2024-01-03"
    )


def test_summary_of_feedback_without_orders(project: Project) -> None:
    project.con.execute(
        "INSERT INTO feedback (import_id, line, line_hash, submitted_at, rating) "
        "VALUES (1, 2, 1, TIMESTAMP '2024-01-01', 0.5)"
    )
    assert project.summary() == "No orders yet · 1 feedback entry"


def test_revenue_is_unknown_when_no_line_has_an_amount(project: Project) -> None:
    project.con.execute(
        "INSERT INTO orders (import_id, line, line_hash, customer_id, offering_id, "
        "ordered_at, quantity) VALUES (1, 2, 1, 'c1', 'A', TIMESTAMP '2024-01-01', 1)"
    )
    assert project.info().to_dict()["orders"]["revenue"] is None
