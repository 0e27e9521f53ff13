"""Files with bad values (tests/data/bad/): each row's exact outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.importing.importer import import_file
from ml.store.project import Project
from tests.conftest import TEST_DATA

BAD = TEST_DATA / "bad"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _rejects(project: Project) -> dict[int, tuple[str, str]]:
    rows = project.con.execute("SELECT line, reason_code, message FROM rejects")
    return {line: (code, message) for line, code, message in rows.fetchall()}


def test_impossible_dates_are_rejected_one_by_one(project) -> None:
    report = import_file(project, BAD / "impossible_dates.csv")
    assert (report.rows_read, report.rows_imported) == (6, 2)
    rejects = _rejects(project)
    assert sorted(rejects) == [3, 4, 5, 7]
    assert {code for code, _ in rejects.values()} == {"bad_date"}
    assert rejects[3][1] == (
        "impossible_dates.csv, row 3, column 'Order date': '31/02/2024' is not a "
        "date. Check the date format in the column mapping."
    )
    assert "'29/02/2023' is not a date" in rejects[5][1]  # 2023 is no leap year
    dates = project.con.execute(
        "SELECT strftime(ordered_at, '%Y-%m-%d') FROM orders ORDER BY line"
    ).fetchall()
    assert dates == [("2024-02-28",), ("2024-02-29",)]  # read day-first


def test_text_in_numeric_columns_is_rejected(project) -> None:
    report = import_file(project, BAD / "text_in_numbers.csv")
    assert report.rows_imported == 2
    assert report.reasons == {
        "bad_quantity": 1,
        "bad_price": 2,
        "missing_quantity": 1,
    }
    rejects = _rejects(project)
    assert rejects[3][1].startswith(
        "text_in_numbers.csv, row 3, column 'Quantity': 'two' is not a number."
    )
    assert "column 'Price': 'n/a' is not a price" in rejects[4][1]
    assert "column 'Price': '1,2,3' is not a price" in rejects[5][1]
    assert "column 'Quantity': no quantity given" in rejects[6][1]
    prices = project.con.execute("SELECT unit_price FROM orders ORDER BY line")
    assert prices.fetchall() == [(2.5,), (1.2,)]


def test_formula_like_cells_are_stored_as_plain_text(project) -> None:
    report = import_file(project, BAD / "formula_cells.csv")
    assert report.rows_imported == 3
    rows = project.con.execute(
        "SELECT customer_id, offering_id, offering_name FROM orders ORDER BY line"
    ).fetchall()
    assert rows[0] == ('=HYPERLINK("http://evil.example/?x=1","click")', "p1", "=1+1")
    assert rows[1] == ("+c2", "@SUM(A1:A9)", "-cmd|' /C calc'!A0")
