"""What the reader hands on: a raw text table, how it was read, and bad lines."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

# The physical 1-based line (CSV) or sheet row (Excel) of each table row.
LINE_COLUMN = "__line__"

# Encodings a user can choose instead of the detected one, with the names the
# reader's notes give them.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252 (Western European)",
    "latin-1": "Latin-1 (ISO-8859-1)",
}

# How much raw text a BadLine keeps, so a report stays readable.
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class BadLine:
    """A physical line that could not become a table row."""

    line: int  # 1-based physical line number in the file (header = its own line)
    reason_code: str  # e.g. "wrong_field_count"
    message: str  # full user message naming file and row
    text: str  # the raw text, truncated to about MAX_TEXT characters


@dataclass(frozen=True, slots=True)
class ReadInfo:
    """How a file was read: format, encoding, delimiter, header and skipped lines."""

    file: str  # base name shown to users
    format: str  # "csv" | "xlsx" | "xls" | "parquet"
    encoding: str | None  # "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"
    delimiter: str | None  # ",", ";", "\t", "|" (None for binary formats)
    sheet: str | None  # Excel sheet used
    header_line: int  # 1-based line/row of the column names
    notes: tuple[str, ...]  # plain-language notes (skipped lines, renamed columns...)
    skipped_lines: tuple[int, ...]  # lines skipped as report header/footer/blank


@dataclass(frozen=True, slots=True)
class RawTable:
    """Every column as pa.string() (empty cell -> null) plus the int64 LINE_COLUMN."""

    info: ReadInfo
    table: pa.Table
    bad_lines: tuple[BadLine, ...]
    # SHA-256 of the file's bytes as the reader took them from the disk, when it
    # read the file itself from front to back (CSV, .gz); else None.
    read_sha256: str | None = None

    @property
    def headers(self) -> list[str]:
        """The column names from the file, without LINE_COLUMN."""
        return [name for name in self.table.column_names if name != LINE_COLUMN]


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """Cut `text` to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
