"""Importing files into a project: accounting, returns, duplicates, all-or-nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from ml.columns import Kind
from ml.errors import Cancelled, InputDataError
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.conftest import SAMPLE


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _counts(project: Project) -> dict[str, int]:
    con = project.con
    return {
        table: int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("orders", "returns", "feedback", "rejects", "imports")
    }


@pytest.fixture(scope="module")
def sample_frame() -> pd.DataFrame:
    return pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)


def test_sample_every_line_is_accounted_for(project, sample_frame) -> None:
    report = import_file(project, SAMPLE)
    frame = sample_frame
    duplicates = frame.duplicated()
    is_return = frame.InvoiceNo.str.startswith("C") | (frame.Quantity.astype(int) < 0)
    negative_price = (frame.UnitPrice.astype(float) < 0) & ~is_return

    assert report.kind is Kind.ORDERS
    assert report.rows_read == len(frame)
    assert report.reasons.get("duplicate_line") == duplicates.sum()
    assert report.rows_returns == (is_return & ~duplicates).sum()
    assert (
        report.rows_rejected == duplicates.sum() + (negative_price & ~duplicates).sum()
    )
    total = report.rows_imported + report.rows_returns + report.rows_rejected
    assert total == len(frame)
    assert _counts(project)["orders"] == report.rows_imported


def test_sample_values_are_converted_as_in_the_file(project, sample_frame) -> None:
    import_file(project, SAMPLE)
    first = sample_frame.iloc[0]
    row = project.con.execute(
        "SELECT order_id, customer_id, offering_id, ordered_at, quantity, unit_price, "
        "amount, country FROM orders WHERE line = 2"
    ).fetchone()
    assert row[0] == first.InvoiceNo
    assert row[1] == first.CustomerID.removesuffix(".0")  # "17850.0" -> "17850"
    assert row[2] == first.StockCode
    assert row[3] == pd.Timestamp(first.InvoiceDate).to_pydatetime()
    assert row[4] == float(first.Quantity)
    assert row[5] == pytest.approx(float(first.UnitPrice))
    assert row[6] == pytest.approx(float(first.Quantity) * float(first.UnitPrice))
    assert row[7] == first.Country


def test_cancellations_are_returns_linked_to_their_purchase(project) -> None:
    import_file(project, SAMPLE)
    reasons = dict(
        project.con.execute(
            "SELECT return_reason, count(*) FROM returns GROUP BY ALL"
        ).fetchall()
    )
    assert reasons["cancelled_invoice"] > 0
    linked = project.con.execute(
        """SELECT r.customer_id, r.offering_id, r.returned_at, o.customer_id,
                  o.offering_id, o.ordered_at
           FROM returns r JOIN orders o
             ON r.purchase_import_id = o.import_id AND r.purchase_line = o.line"""
    ).fetchall()
    assert linked, "no return was linked to a purchase"
    for r_customer, r_offering, returned_at, customer, offering, ordered_at in linked:
        assert (r_customer, r_offering) == (customer, offering)
        assert ordered_at <= returned_at
    quantities = project.con.execute("SELECT min(quantity) FROM returns").fetchone()
    assert quantities[0] > 0  # returned units are stored as a positive count


def test_anonymous_lines_are_kept_without_a_customer(project, sample_frame) -> None:
    import_file(project, SAMPLE)
    anonymous = project.con.execute(
        "SELECT count(*) FROM orders WHERE customer_id IS NULL"
    ).fetchone()[0]
    assert anonymous > 0
    assert anonymous <= (sample_frame.CustomerID == "").sum()


def test_same_file_twice_adds_nothing(project) -> None:
    first = import_file(project, SAMPLE)
    before = _counts(project)
    again = import_file(project, SAMPLE)
    assert again.already_imported and again.previous_import_id == first.import_id
    assert _counts(project) == before


def test_overlapping_export_adds_only_new_lines(project, tmp_path) -> None:
    lines = gzip.decompress(SAMPLE.read_bytes()).decode().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    early = _write(tmp_path / "early.csv", header + "".join(body[:3000]))
    late = _write(tmp_path / "late.csv", header + "".join(body[2000:5000]))
    whole = _write(tmp_path / "whole.csv", header + "".join(body[:5000]))

    import_file(project, early)
    report = import_file(project, late)
    assert report.reasons.get("already_imported", 0) >= 1000 - 20
    with Project.open(tmp_path / "whole.pushwise", create=True) as reference:
        import_file(reference, whole)
        expected = reference.con.execute(
            "SELECT count(*) FROM orders UNION ALL SELECT count(*) FROM returns"
        ).fetchall()
    got = project.con.execute(
        "SELECT count(*) FROM orders UNION ALL SELECT count(*) FROM returns"
    ).fetchall()
    assert got == expected


def test_failed_import_leaves_project_as_it_was(project, tmp_path) -> None:
    import_file(project, SAMPLE)
    before = _counts(project)
    bad = _write(tmp_path / "bad.csv", "Customer,Product,Date\n1,A,2024-01-01\n")
    # Two encodings in one file (UTF-8 'ö', then Windows-1252 'é'): refused.
    bad.write_bytes(bad.read_bytes() + b"2,K\xc3\xb6ln,2024-01-02\n3,\xe9,2024-01-03\n")
    with pytest.raises(InputDataError):
        import_file(project, bad)
    assert _counts(project) == before


def test_cancel_during_storing_leaves_project_as_it_was(project, tmp_path) -> None:
    import_file(project, SAMPLE)
    before = _counts(project)
    text = gzip.decompress(SAMPLE.read_bytes()).decode()
    other = _write(tmp_path / "other.csv", text.replace("United Kingdom", "UK"))
    messages: list[str] = []

    def stop_when_storing() -> bool:
        # By then the new file's rejects are written: they must be rolled back.
        return any(m.startswith("Storing") for m in messages)

    with pytest.raises(Cancelled):
        import_file(
            project,
            other,
            report=lambda fraction, message: messages.append(message),
            stop_requested=stop_when_storing,
        )
    assert _counts(project) == before


def test_german_semicolon_export_with_day_first_dates(project, tmp_path) -> None:
    text = (
        "Kundennummer;Artikelnummer;Bestelldatum;Menge;Betrag\n"
        "K-1;A-7;03.02.2024;2;1.234,50 €\n"
        "K-2;A-8;25.12.2023;1;9,99 €\n"
    )
    path = _write(tmp_path / "bestellungen.csv", text, encoding="cp1252")
    report = import_file(project, path)
    assert report.rows_imported == 2
    rows = project.con.execute(
        "SELECT customer_id, offering_id, strftime(ordered_at, '%Y-%m-%d'), "
        "quantity, amount FROM orders ORDER BY line"
    ).fetchall()
    assert rows == [
        ("K-1", "A-7", "2024-02-03", 2.0, 1234.5),
        ("K-2", "A-8", "2023-12-25", 1.0, 9.99),
    ]


def test_bad_values_are_rejected_with_file_row_and_column(project, tmp_path) -> None:
    text = (
        "customer_id,product_id,order_date,quantity,price\n"
        "c1,p1,2024-01-05,2,3.50\n"
        "c2,p2,2024-02-31,1,3.50\n"
        "c3,p3,2024-01-07,two,3.50\n"
        "c4,,2024-01-08,1,3.50\n"
        '=HYPERLINK("http://x"),p5,2024-01-09,1,3.50\n'
    )
    path = _write(tmp_path / "orders.csv", text)
    report = import_file(project, path)
    assert report.rows_imported == 2
    assert report.reasons == {
        "bad_date": 1,
        "bad_quantity": 1,
        "missing_offering_id": 1,
    }
    messages = dict(project.con.execute("SELECT line, message FROM rejects").fetchall())
    assert messages[3] == (
        "orders.csv, row 3, column 'order_date': '2024-02-31' is not a date. "
        "Check the date format in the column mapping."
    )
    assert "row 4, column 'quantity': 'two' is not a number" in messages[4]
    assert "row 5, column 'product_id': no offering" in messages[5]
    formula = project.con.execute(
        "SELECT customer_id FROM orders WHERE line = 6"
    ).fetchone()[0]
    assert formula == '=HYPERLINK("http://x")'  # kept as text, never evaluated


def test_file_without_quantity_column_sells_one_unit_per_line(project, tmp_path):
    path = _write(
        tmp_path / "o.csv",
        "Customer,Product,Date\nc1,p1,2024-01-05\nc1,p2,2024-01-06\n",
    )
    import_file(project, path)
    assert project.con.execute("SELECT sum(quantity) FROM orders").fetchone()[0] == 2


def test_status_column_marks_returns(project, tmp_path) -> None:
    path = _write(
        tmp_path / "o.csv",
        "Order ID,Customer,Product,Date,Quantity,Status\n"
        "1,c1,p1,2024-01-05,1,completed\n"
        "2,c1,p1,2024-01-09,1,Refunded\n",
    )
    report = import_file(project, path)
    assert (report.rows_imported, report.rows_returns) == (1, 1)
    reason, linked = project.con.execute(
        "SELECT return_reason, purchase_line FROM returns"
    ).fetchone()
    assert (reason, linked) == ("returned_status", 2)


def test_mapping_is_remembered_for_the_next_export(project, tmp_path) -> None:
    first = _write(tmp_path / "jan.csv", "Kunde,Artikel,Datum\nc1,p1,2024-01-05\n")
    import_file(project, first)
    mapping = import_file(
        project, _write(tmp_path / "feb.csv", "Kunde,Artikel,Datum\nc2,p2,2024-02-05\n")
    ).mapping
    assert {m.method for m in mapping.matches if m.source} == {"saved"}


def test_shopify_export_lines_inherit_the_orders_status(project, tmp_path) -> None:
    header = (
        "Name,Email,Financial Status,Paid at,Fulfillment Status,Created at,"
        "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Country\n"
    )
    path = _write(
        tmp_path / "orders_export.csv",
        header + "#1001,a@x.com,paid,2024-01-05 10:00:00 +0100,fulfilled,"
        "2024-01-05 10:00:00 +0100,2,Mug,4.50,MUG-1,DE\n"
        + "#1001,,,,,2024-01-05 10:00:00 +0100,1,Lamp,12.00,LAMP-1,\n"
        + "#1002,b@x.com,refunded,2024-01-06 11:00:00 +0100,,"
        "2024-01-06 11:00:00 +0100,1,Mug,4.50,MUG-1,FR\n"
        + "#1002,,,,,2024-01-06 11:00:00 +0100,1,Lamp,12.00,LAMP-1,\n",
    )
    report = import_file(project, path)
    assert report.mapping.layout == "Shopify orders"
    assert (report.rows_imported, report.rows_returns) == (2, 2)
    rows = project.con.execute(
        "SELECT customer_id, offering_id, country, amount FROM orders ORDER BY line"
    ).fetchall()
    assert rows == [("a@x.com", "MUG-1", "DE", 9.0), ("a@x.com", "LAMP-1", "DE", 12.0)]


def test_lost_deals_are_not_purchases(project, tmp_path) -> None:
    path = _write(
        tmp_path / "opportunities.csv",
        "Opportunity ID,Account Name,Product Code,Close Date,Quantity,Stage\n"
        "006A,Acme,GC1020,2024-03-01,5,Closed Won\n"
        "006B,Acme,GC1040,2024-03-02,2,Closed Lost\n",
    )
    report = import_file(project, path)
    assert (report.rows_imported, report.reasons) == (1, {"not_purchased": 1})
    (message,) = project.con.execute("SELECT message FROM rejects").fetchone()
    assert "row 3, column 'Stage': status 'Closed Lost' marks a lost deal" in message


def test_truly_ambiguous_dates_use_the_default_and_say_so(project, tmp_path) -> None:
    path = _write(
        tmp_path / "o.csv",
        "Customer,Product,Date\nc1,p1,01/02/2024\nc2,p2,03/04/2024\n",
    )
    report = import_file(project, path, day_first_default=True)
    description = report.formats["ordered_at"]
    assert "no value shows whether the day or the month comes first" in description
    dates = project.con.execute(
        "SELECT strftime(ordered_at, '%Y-%m-%d') FROM orders ORDER BY line"
    ).fetchall()
    assert dates == [("2024-02-01",), ("2024-04-03",)]  # day-first, the default
    (log,) = project.imports()
    assert log.read_info["formats"]["ordered_at"] == description


def test_lines_differing_only_in_an_unused_column_are_not_duplicates(
    project, tmp_path
) -> None:
    path = _write(
        tmp_path / "items.csv",
        "order_id,order_item_id,customer_id,product_id,order_date,price\n"
        "o1,1,c1,p1,2024-01-05,9.90\n"
        "o1,2,c1,p1,2024-01-05,9.90\n"
        "o1,2,c1,p1,2024-01-05,9.90\n",
    )
    report = import_file(project, path)
    assert (report.rows_imported, report.reasons) == (2, {"duplicate_line": 1})
