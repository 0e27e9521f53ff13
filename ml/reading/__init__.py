"""Read CSV/TSV, Excel and Parquet files into raw text tables (see read_table)."""

from __future__ import annotations

from ml.reading.model import LINE_COLUMN, BadLine, RawTable, ReadInfo
from ml.reading.readers import list_sheets, read_preview, read_table

__all__ = [
    "LINE_COLUMN",
    "BadLine",
    "RawTable",
    "ReadInfo",
    "list_sheets",
    "read_preview",
    "read_table",
]
