"""Reading Excel (.xlsx, .xls) sheets and Parquet files as text tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlwt

from ml.errors import InputDataError
from ml.reading import LINE_COLUMN, RawTable, list_sheets, read_preview, read_table


def _rows(raw: RawTable) -> list[dict[str, object]]:
    return raw.table.to_pylist()  # type: ignore[no-any-return]


@pytest.fixture
def report_xlsx(tmp_path: Path) -> Path:
    """A formatted CRM report: an empty first sheet, title rows, data, footer."""
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    sheet = book.create_sheet("Orders")
    sheet["A1"] = "Orders report"
    sheet["A2"] = "Filtered By: Country equals United Kingdom"
    sheet.append([])
    sheet.append(["CustomerID", "InvoiceDate", "UnitPrice", "Paid", "Note", None])
    sheet.append([17850, dt.datetime(2010, 12, 1, 8, 26), 2.55, True, None])
    sheet.append([17850.0, dt.date(2010, 12, 2), 0.1 + 0.2, False, "  spaced  "])
    sheet.append([])
    sheet.append([12583, dt.datetime(2010, 12, 3, 9, 0, 30), 1e-05, None, "x"])
    sheet.append([None, None, None, None, None, "stray"])
    sheet.append(["Grand Totals (4 records)", None, 2.85])
    sheet.append(["Confidential Information - Do Not Distribute"])
    other = book.create_sheet("Other")
    other.append(["id"])
    other.append([7])
    path = tmp_path / "report.xlsx"
    book.save(path)
    return path


def test_xlsx_default_sheet_cells_lines_and_notes(report_xlsx: Path) -> None:
    raw = read_table(report_xlsx)
    info = raw.info
    assert (info.format, info.sheet, info.header_line) == ("xlsx", "Orders", 4)
    assert (info.encoding, info.delimiter) == (None, None)
    assert raw.table.column_names == [
        "CustomerID",
        "InvoiceDate",
        "UnitPrice",
        "Paid",
        "Note",
        "Column F",
        LINE_COLUMN,
    ]
    assert _rows(raw) == [
        {
            "CustomerID": "17850",
            "InvoiceDate": "2010-12-01 08:26:00",
            "UnitPrice": "2.55",
            "Paid": "TRUE",
            "Note": None,
            "Column F": None,
            LINE_COLUMN: 5,
        },
        {
            "CustomerID": "17850",
            "InvoiceDate": "2010-12-02 00:00:00",
            "UnitPrice": "0.3",
            "Paid": "FALSE",
            "Note": "  spaced  ",
            "Column F": None,
            LINE_COLUMN: 6,
        },
        {
            "CustomerID": "12583",
            "InvoiceDate": "2010-12-03 09:00:30",
            "UnitPrice": "0.00001",
            "Paid": None,
            "Note": "x",
            "Column F": None,
            LINE_COLUMN: 8,
        },
        {
            "CustomerID": None,
            "InvoiceDate": None,
            "UnitPrice": None,
            "Paid": None,
            "Note": None,
            "Column F": "stray",
            LINE_COLUMN: 9,
        },
    ]
    assert info.skipped_lines == (1, 2, 3, 7, 10, 11)
    assert info.notes == (
        "Skipped 3 rows of report header before the column names (rows 1-3)",
        "Column F has no name; called it 'Column F'",
        "Skipped 1 empty row (row 7)",
        "Skipped footer row 10: 'Grand Totals (4 records) 2.85'",
        "Skipped footer row 11: 'Confidential Information - Do Not Distribute'",
    )


def test_xlsx_sheet_by_name_and_list_sheets(report_xlsx: Path) -> None:
    assert list_sheets(report_xlsx) == ["Cover", "Orders", "Other"]
    other = read_table(report_xlsx, sheet="Other")
    assert other.info.sheet == "Other"
    assert _rows(other) == [{"id": "7", LINE_COLUMN: 2}]
    with pytest.raises(InputDataError) as caught:
        read_table(report_xlsx, sheet="Cover")
    assert str(caught.value).startswith("report.xlsx: the workbook has no data in")


def test_unknown_sheet_lists_the_sheets(report_xlsx: Path) -> None:
    with pytest.raises(InputDataError) as caught:
        read_table(report_xlsx, sheet="Sales")
    assert "no sheet named 'Sales' (its sheets: Cover, Orders, Other)" in str(
        caught.value
    )


def test_xlsx_preview(report_xlsx: Path) -> None:
    raw = read_preview(report_xlsx, rows=2)
    assert [r[LINE_COLUMN] for r in _rows(raw)] == [5, 6]


def test_xlsx_header_only_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["a", "b"])
    book.save(tmp_path / "h.xlsx")
    with pytest.raises(InputDataError) as caught:
        read_table(tmp_path / "h.xlsx")
    assert str(caught.value).startswith(
        "h.xlsx, row 1: the file has column names but no data rows."
    )


def test_xls_numbers_dates_and_rows(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Export")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD hh:mm")
    for col, name in enumerate(["InvoiceNo", "InvoiceDate", "Quantity"]):
        sheet.write(1, col, name)  # a blank first row
    sheet.write(2, 0, 536365)
    sheet.write(2, 1, dt.datetime(2010, 12, 1, 8, 26), date_style)
    sheet.write(2, 2, -6)
    sheet.write(3, 0, "C536379")
    sheet.write(3, 2, 1.5)
    path = tmp_path / "export.xls"
    book.save(str(path))
    raw = read_table(path)
    assert raw.info.format == "xls"
    assert raw.info.header_line == 2
    assert _rows(raw) == [
        {
            "InvoiceNo": "536365",
            "InvoiceDate": "2010-12-01 08:26:00",
            "Quantity": "-6",
            LINE_COLUMN: 3,
        },
        {
            "InvoiceNo": "C536379",
            "InvoiceDate": None,
            "Quantity": "1.5",
            LINE_COLUMN: 4,
        },
    ]
    assert raw.info.notes == ("Skipped 1 blank row before the column names (row 1)",)


def test_damaged_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(InputDataError) as caught:
        read_table(path)
    assert str(caught.value).startswith("broken.xlsx: ")


def test_parquet_columns_become_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "CustomerID": pa.array([17850.0, None, float("nan")]),
            "InvoiceDate": pa.array(
                [
                    dt.datetime(2010, 12, 1, 8, 26),
                    dt.datetime(2010, 12, 1, 8, 26, 1, 500),
                    None,
                ],
                pa.timestamp("us"),
            ),
            "Quantity": pa.array([6, -1, 0], pa.int32()),
            "Country": pa.array(["UK", "", None]).dictionary_encode(),
            "Day": pa.array([dt.date(2010, 12, 1), None, None]),
            "Gift": pa.array([True, False, None]),
            "Tags": pa.array([["a", "b"], [], None]),
            "Zoned": pa.array(
                [dt.datetime(2010, 12, 1, 8, 26), None, None],
                pa.timestamp("s", tz="UTC"),
            ),
        }
    )
    path = tmp_path / "orders.parquet"
    pq.write_table(table, path)
    raw = read_table(path)
    assert (raw.info.format, raw.info.header_line) == ("parquet", 1)
    assert _rows(raw) == [
        {
            "CustomerID": "17850",
            "InvoiceDate": "2010-12-01 08:26:00",
            "Quantity": "6",
            "Country": "UK",
            "Day": "2010-12-01",
            "Gift": "true",
            "Tags": '["a", "b"]',
            "Zoned": "2010-12-01 08:26:00",
            LINE_COLUMN: 2,
        },
        {
            "CustomerID": None,
            "InvoiceDate": "2010-12-01 08:26:01.0005",
            "Quantity": "-1",
            "Country": None,
            "Day": None,
            "Gift": "false",
            "Tags": "[]",
            "Zoned": None,
            LINE_COLUMN: 3,
        },
        {
            "CustomerID": None,
            "InvoiceDate": None,
            "Quantity": "0",
            "Country": None,
            "Day": None,
            "Gift": None,
            "Tags": None,
            "Zoned": None,
            LINE_COLUMN: 4,
        },
    ]
    assert read_preview(path, rows=1).table.num_rows == 1


def test_empty_parquet_is_refused(tmp_path: Path) -> None:
    pq.write_table(pa.table({"a": pa.array([], pa.string())}), tmp_path / "e.parquet")
    with pytest.raises(InputDataError, match="no data rows"):
        read_table(tmp_path / "e.parquet")
