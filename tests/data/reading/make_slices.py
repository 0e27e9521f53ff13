"""Cut the small real-data slices the reader tests use from ../shared/data.

Run: `python tests/data/reading/make_slices.py`. Sources and licences are in
tests/data/README.md. Slices keep the original bytes (encoding, quoting, line
ends), cut at whole records.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[3] / "shared" / "data"
RETAIL_LINES = 450
REVIEW_RECORDS = 280


def _gunzip(relative: str) -> bytes:
    return gzip.decompress((SHARED / relative).read_bytes())


def online_retail() -> None:
    """The first lines, and the header plus every line that has a pound sign."""
    lines = _gunzip("online-retail/online_retail.csv.gz").split(b"\n")
    head = b"\n".join(lines[:RETAIL_LINES]) + b"\n"
    (HERE / "online_retail_head.csv").write_bytes(head)
    pound = [line for line in lines[1:] if "£".encode() in line]
    (HERE / "online_retail_pound.csv").write_bytes(b"\n".join([lines[0], *pound, b""]))


def olist_reviews() -> None:
    """The first reviews: many messages span several lines (CRLF and LF)."""
    data = _gunzip("olist-sample/olist_order_reviews_dataset.csv.gz")
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    for _ in range(REVIEW_RECORDS + 1):  # header and records
        next(reader)
    lines = data.split(b"\n")[: reader.line_num]
    (HERE / "olist_reviews_head.csv").write_bytes(b"\n".join([*lines, b""]))


def olist_translation() -> None:
    """The whole category translation table (UTF-8 with BOM, CRLF)."""
    data = _gunzip("olist/product_category_name_translation.csv.gz")
    (HERE / "product_category_name_translation.csv").write_bytes(data)


def main() -> None:
    """Write every slice next to this script."""
    online_retail()
    olist_reviews()
    olist_translation()


if __name__ == "__main__":
    main()
