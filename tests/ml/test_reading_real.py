"""Reading real exports: Online Retail and Olist slices, and (slow) the full files."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

from ml.reading import LINE_COLUMN, RawTable, read_preview, read_table

SLICES = Path(__file__).resolve().parents[1] / "data" / "reading"
RETAIL_COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
    LINE_COLUMN,
]


def _rows(raw: RawTable) -> list[dict[str, object]]:
    return raw.table.to_pylist()  # type: ignore[no-any-return]


def _record_lines(text: str) -> list[int]:
    """First physical line of each data record, as the csv module counts them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, done = [], 0
    for _ in reader:
        starts.append(done + 1)
        done = reader.line_num
    return starts[1:]


def test_online_retail_slice() -> None:
    raw = read_table(SLICES / "online_retail_head.csv")
    assert raw.table.column_names == RETAIL_COLUMNS
    assert raw.table.num_rows == 449
    assert raw.table.column(LINE_COLUMN).to_pylist() == list(range(2, 451))
    first = _rows(raw)[0]
    assert first == {
        "InvoiceNo": "536365",
        "StockCode": "85123A",
        "Description": "WHITE HANGING HEART T-LIGHT HOLDER",
        "Quantity": "6",
        "InvoiceDate": "2010-12-01 08:26:00",
        "UnitPrice": "2.55",
        "CustomerID": "17850.0",
        "Country": "United Kingdom",
        LINE_COLUMN: 2,
    }
    quoted = _rows(raw)[109]  # line 111 has a quoted description with a comma
    assert quoted[LINE_COLUMN] == 111
    assert "," in str(quoted["Description"])
    assert (raw.info.encoding, raw.info.delimiter, raw.info.notes) == ("utf-8", ",", ())


def test_online_retail_pound_signs_are_utf8() -> None:
    raw = read_table(SLICES / "online_retail_pound.csv")
    assert raw.table.num_rows == 32
    assert all("£" in str(row["Description"]) for row in _rows(raw))
    assert raw.info.encoding == "utf-8"


def test_olist_reviews_multiline_messages_keep_exact_lines() -> None:
    path = SLICES / "olist_reviews_head.csv"
    raw = read_table(path)
    assert raw.table.num_rows == 280
    expected = _record_lines(path.read_bytes().decode("utf-8"))
    assert raw.table.column(LINE_COLUMN).to_pylist() == expected
    messages = [m for m in raw.table.column("review_comment_message").to_pylist() if m]
    assert any("\r\n" in m for m in messages)
    assert any("\n" in m and "\r\n" not in m for m in messages)
    assert raw.bad_lines == ()


def test_olist_translation_with_bom_and_crlf() -> None:
    raw = read_table(SLICES / "product_category_name_translation.csv")
    assert raw.info.encoding == "utf-8-sig"
    assert raw.table.column_names == [
        "product_category_name",
        "product_category_name_english",
        LINE_COLUMN,
    ]
    assert raw.table.num_rows == 71
    assert _rows(raw)[0] == {
        "product_category_name": "beleza_saude",
        "product_category_name_english": "health_beauty",
        LINE_COLUMN: 2,
    }


def test_preview_of_the_reviews_slice() -> None:
    raw = read_preview(SLICES / "olist_reviews_head.csv", rows=20)
    whole = read_table(SLICES / "olist_reviews_head.csv")
    assert raw.table.equals(whole.table.slice(0, 20))


@pytest.mark.slow
def test_full_online_retail(shared_data: Path) -> None:
    raw = read_table(shared_data / "online-retail/online_retail.csv.gz")
    assert raw.table.column_names == RETAIL_COLUMNS
    assert raw.table.num_rows == 541_909
    lines = raw.table.column(LINE_COLUMN)
    assert (lines[0].as_py(), lines[-1].as_py()) == (2, 541_910)
    assert raw.table.column("CustomerID").null_count == 135_080
    assert raw.table.column("Description").null_count == 1_454
    assert raw.bad_lines == () and raw.info.skipped_lines == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("relative", "rows"),
    [
        ("olist-sample/olist_order_reviews_dataset.csv.gz", 6_866),
        ("olist-sample/olist_orders_dataset.csv.gz", 6_887),
        ("olist-items-customers-payments/olist_order_items_dataset.csv.gz", 112_650),
        ("olist-items-customers-payments/olist_customers_dataset.csv.gz", 99_441),
        ("olist/olist_products_dataset.csv.gz", 32_951),
        ("olist/olist_sellers_dataset.csv.gz", 3_095),
        ("olist/olist_classified_public_dataset.csv.gz", 3_584),
        ("hillstrom-email/hillstrom.csv.gz", 64_000),
    ],
)
def test_full_shared_files(shared_data: Path, relative: str, rows: int) -> None:
    path = shared_data / relative
    raw = read_table(path)
    assert raw.table.num_rows == rows
    assert raw.bad_lines == ()
    expected = _record_lines(gzip.decompress(path.read_bytes()).decode("utf-8"))
    assert raw.table.column(LINE_COLUMN).to_pylist() == expected
