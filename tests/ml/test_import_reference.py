"""Importing feedback, offerings and customers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_order_level_feedback_applies_to_the_orders_offerings(project, tmp_path):
    import_file(
        project,
        _write(
            tmp_path / "orders.csv",
            "order_id,customer_id,product_id,order_date,quantity\n"
            "o1,c1,p1,2024-01-05,1\no1,c1,p2,2024-01-05,1\no2,c2,p1,2024-01-06,1\n",
        ),
    )
    report = import_file(
        project,
        _write(
            tmp_path / "reviews.csv",
            "review_id,order_id,review_score,review_comment_message,review_creation_date\n"
            'r1,o1,5,"Great, thanks",2024-01-10 00:00:00\n'
            "r2,o2,1,,2024-01-11 00:00:00\n",
        ),
    )
    assert report.kind is Kind.FEEDBACK
    assert report.rows_imported == 2
    rows = project.con.execute(
        "SELECT customer_id, offering_id, rating, rating_original, comment "
        "FROM offering_feedback ORDER BY customer_id, offering_id"
    ).fetchall()
    assert rows == [
        ("c1", "p1", 1.0, "5", "Great, thanks"),
        ("c1", "p2", 1.0, "5", "Great, thanks"),
        ("c2", "p1", 0.0, "1", None),
    ]


def test_feedback_scales_are_normalised_keeping_the_original(project, tmp_path):
    report = import_file(
        project,
        _write(
            tmp_path / "nps.csv",
            "Customer,Response date,NPS score,Comments\n"
            "c1,2024-03-01,0,never again\nc2,2024-03-02,10,\nc3,2024-03-03,7,ok\n",
        ),
        kind=Kind.FEEDBACK,
    )
    assert report.rows_imported == 3
    rows = project.con.execute(
        "SELECT customer_id, rating, rating_original FROM feedback ORDER BY 1"
    ).fetchall()
    assert rows == [("c1", 0.0, "0"), ("c2", 1.0, "10"), ("c3", 0.7, "7")]


def test_feedback_without_rating_or_comment_is_rejected(project, tmp_path):
    report = import_file(
        project,
        _write(
            tmp_path / "fb.csv",
            "customer,date,rating,comment\nc1,2024-03-01,4,\nc2,2024-03-02,,\n",
        ),
        kind=Kind.FEEDBACK,
    )
    assert (report.rows_imported, report.reasons) == (1, {"empty_feedback": 1})


def test_customers_import_keeps_consent_and_updates_later(project, tmp_path):
    import_file(
        project,
        _write(
            tmp_path / "c1.csv",
            "Customer ID,Segment,Country,Opted out\nc1,Gold,DE,no\nc2,Silver,FR,yes\n",
        ),
        kind=Kind.CUSTOMERS,
    )
    report = import_file(
        project,
        _write(tmp_path / "c2.csv", "Customer ID,Segment\nc1,Platinum\nc1,Diamond\n"),
        kind=Kind.CUSTOMERS,
    )
    assert report.reasons == {"duplicate_id": 1}
    rows = project.con.execute(
        "SELECT customer_id, segment, country, opted_out FROM customers ORDER BY 1"
    ).fetchall()
    assert rows == [("c1", "Diamond", "DE", False), ("c2", "Silver", "FR", True)]


def test_offerings_import(project, tmp_path):
    report = import_file(
        project,
        _write(
            tmp_path / "catalogue.csv",
            "SKU,Product name,Category,Price,Active\n"
            'A1,Mug,Kitchen,"£4.50",yes\nB2,Lamp,Home,"£12.00",no\n',
        ),
        kind=Kind.OFFERINGS,
    )
    assert report.rows_imported == 2
    rows = project.con.execute(
        "SELECT offering_id, name, category, price, active FROM offerings ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("A1", "Mug", "Kitchen", 4.5, True),
        ("B2", "Lamp", "Home", 12.0, False),
    ]


def test_excel_report_with_title_rows_imports_from_the_chosen_sheet(project, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Quarterly export"])
    sheet = book.create_sheet("Orders")
    sheet.append(["Opportunities with Products"])
    sheet.append([])
    sheet.append(
        ["Account ID", "Product Code", "Close Date", "Quantity", "Total Price"]
    )
    sheet.append(["001A", "GC1020", dt.datetime(2024, 3, 1), 5, 1250.5])
    sheet.append(["001B", "GC1040", dt.datetime(2024, 3, 2), 2, 99])
    sheet.append(["Grand Totals (2 records)", None, None, 7, 1349.5])
    path = tmp_path / "report.xlsx"
    book.save(path)

    report = import_file(project, path, sheet="Orders")
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (2, 2, 0)
    assert report.read_info.sheet == "Orders"
    rows = project.con.execute(
        "SELECT line, customer_id, offering_id, ordered_at::DATE::VARCHAR, quantity, "
        "amount FROM orders ORDER BY line"
    ).fetchall()
    assert rows == [
        (4, "001A", "GC1020", "2024-03-01", 5.0, 1250.5),
        (5, "001B", "GC1040", "2024-03-02", 2.0, 99.0),
    ]


def test_parquet_orders_import(project, tmp_path):
    table = pa.table(
        {
            "customer_id": ["c1", "c2"],
            "sku": ["p1", "p2"],
            "order_date": pa.array([1_704_067_200, 1_704_153_600], pa.timestamp("s")),
            "qty": [1, 3],
            "price": [2.5, 4.0],
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path)
    report = import_file(project, path, kind=Kind.ORDERS)
    assert report.rows_imported == 2
    rows = project.con.execute(
        "SELECT customer_id, offering_id, ordered_at::DATE::VARCHAR, amount "
        "FROM orders ORDER BY line"
    ).fetchall()
    assert rows == [("c1", "p1", "2024-01-01", 2.5), ("c2", "p2", "2024-01-02", 12.0)]
