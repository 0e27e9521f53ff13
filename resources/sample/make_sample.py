"""Rebuild the bundled sample from the full UCI Online Retail file.

Keeps every line of one customer in five (CustomerID divisible by 5) and of one
anonymous invoice in ten, unchanged and in file order, so the sample has the
real file's quirks (cancellations, returns, duplicates, anonymous demand).
Run from the project root: python resources/sample/make_sample.py
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

SOURCE = Path("../shared/data/online-retail/online_retail.csv.gz")
TARGET = Path("resources/sample/online_retail_sample.csv.gz")


def keep(row: dict[str, str]) -> bool:
    """Decide whether a line of the full file belongs to the sample."""
    if row["CustomerID"]:
        return int(float(row["CustomerID"])) % 5 == 0
    digits = "".join(ch for ch in row["InvoiceNo"] if ch.isdigit())
    return int(digits) % 10 == 0


def main() -> None:
    text = gzip.decompress(SOURCE.read_bytes()).decode("utf-8")
    lines = text.splitlines(keepends=True)
    kept = [lines[0]]
    for line in lines[1:]:
        row = next(csv.DictReader(io.StringIO(lines[0] + line)))
        if keep(row):
            kept.append(line)
    TARGET.write_bytes(gzip.compress("".join(kept).encode("utf-8"), mtime=0))
    print(f"{TARGET}: {len(kept) - 1} lines")  # noqa: T201


if __name__ == "__main__":
    main()
