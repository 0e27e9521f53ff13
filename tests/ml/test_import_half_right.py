"""Lines the export got half right: a sale that lost its quantity, a sale
without a customer. Each is imported, counted and explained in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.importing.importer import import_file
from ml.store.project import Project

HEADER = "InvoiceNo;CustomerID;StockCode;InvoiceDate;Quantity;UnitPrice;Amount\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quantities(project: Project) -> dict[int, float]:
    rows = project.con.execute("SELECT line, quantity FROM orders").fetchall()
    return {int(line): float(quantity) for line, quantity in rows}


def test_zero_quantity_with_an_amount_is_a_purchase_that_lost_its_quantity(
    project, tmp_path
) -> None:
    orders = _write(
        tmp_path / "orders.csv",
        [
            "1;c1;p1;2024-01-02;2;1.50;3.00",  # line 2: an ordinary purchase
            "2;c2;p1;2024-01-03;0;1.50;4.50",  # 3: 4.50 / 1.50 = 3 units
            "3;c3;p2;2024-01-04;0;2.00;3.00",  # 4: 1.5 units: not whole, so 1
            "4;c4;p2;2024-01-05;0;;7.00",  # 5: no unit price, so 1
            "5;c5;p2;2024-01-06;0;2.00;0",  # 6: amount 0: still rejected
            "6;c6;p2;2024-01-07;0;2.00;",  # 7: no amount: still rejected
            "7;c7;p2;2024-01-08;0;2.00;-4.00",  # 8: negative: still rejected
        ],
    )
    report = import_file(project, orders)

    assert report.rows_imported == 4
    assert report.rows_rejected == 3
    assert report.reasons == {"zero_quantity": 3}
    assert report.rows_imported + report.rows_returns + report.rows_rejected == 7
    assert _quantities(project) == {2: 2.0, 3: 3.0, 4: 1.0, 5: 1.0}
    amounts = dict(project.con.execute("SELECT line, amount FROM orders").fetchall())
    assert amounts[3] == pytest.approx(4.5)
    assert amounts[5] == pytest.approx(7.0)
    assert report.adjusted == {"quantity_from_amount": 3}
    text = report.to_text()
    assert "3 lines had quantity 0 but a positive amount (rows 3, 4, 5)" in text
    assert "imported as purchases" in text
    assert report.to_dict()["adjusted"] == {"quantity_from_amount": 3}
    stored = project.con.execute("SELECT notes_json FROM imports").fetchone()[0]
    assert "quantity 0 but a positive amount" in str(stored)


def test_lines_without_a_customer_are_counted_as_anonymous_demand(
    project, tmp_path
) -> None:
    orders = _write(
        tmp_path / "orders.csv",
        [
            "1;c1;p1;2024-01-02;2;1.50;3.00",
            "2;;p1;2024-01-03;1;1.50;1.50",  # line 3: anonymous
            "3;;p2;2024-01-04;1;2.00;2.00",  # line 4: anonymous
            "4;c1;p2;2024-01-05;-1;2.00;-2.00",  # a return, not demand
        ],
    )
    report = import_file(project, orders)

    assert (report.rows_imported, report.rows_returns) == (3, 1)
    assert report.adjusted == {"anonymous_demand": 2}
    text = report.to_text()
    assert "2 purchase lines have no customer (rows 3, 4)" in text
    assert "anonymous demand" in text


def test_a_clean_file_has_no_such_sentences(project, tmp_path) -> None:
    orders = _write(tmp_path / "orders.csv", ["1;c1;p1;2024-01-02;2;1.50;3.00"])
    report = import_file(project, orders)
    assert report.adjusted == {}
    assert "no customer" not in report.to_text()


def test_pushwise_import_prints_both_sentences(tmp_path, capsys) -> None:
    from ml.cli import main as cli

    orders = _write(
        tmp_path / "orders.csv",
        ["1;c1;p1;2024-01-02;0;1.50;3.00", "2;;p1;2024-01-03;1;1.50;1.50"],
    )
    project = tmp_path / "cli.pushwise"
    assert cli(["import", str(orders), "--project", str(project)]) == 0
    printed = capsys.readouterr().out
    assert "1 line had quantity 0 but a positive amount (row 2)" in printed
    assert "1 purchase line has no customer (row 3)" in printed


def test_the_preview_shows_what_the_import_does(tmp_path) -> None:
    from ml.importing.importer import propose_mapping
    from ml.importing.preview import IMPORTED, OUTCOME, preview_rows
    from ml.reading import read_preview

    orders = _write(
        tmp_path / "orders.csv",
        ["1;c1;p1;2024-01-02;0;1.50;4.50", "2;c2;p1;2024-01-03;0;1.50;0"],
    )
    raw = read_preview(orders)
    mapping = propose_mapping(None, raw).mapping
    frame = preview_rows(raw, mapping, day_first_default=False).frame
    assert list(frame[OUTCOME]) == [IMPORTED, "rejected: quantity is zero"]
    assert frame["quantity"].tolist()[0] == 3.0
