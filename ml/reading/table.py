"""Assemble the output table: clean unique names, text columns and line numbers."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from ml.errors import InputDataError
from ml.reading.model import LINE_COLUMN
from ml.reading.notes import clean_names

NO_ROWS_HINT = "Export the data again, including its rows."


def make_table(
    raw_names: tuple[str | None, ...],
    columns: list[pa.ChunkedArray] | list[pa.Array],
    lines: pa.Array,
    label: Callable[[int], str],
) -> tuple[pa.Table, list[str]]:
    """The output table with clean, unique names; and notes on renamed columns."""
    names, notes = clean_names(raw_names, label)
    return pa.Table.from_arrays([*columns, lines], names=[*names, LINE_COLUMN]), notes


def no_rows(file: str, header_line: int) -> InputDataError:
    """The error for a file that has column names (on `header_line`) but no rows."""
    return InputDataError(
        "the file has column names but no data rows.",
        file=file,
        row=header_line,
        hint=NO_ROWS_HINT,
    )


def column_number(index: int) -> str:
    """Label of a text-table column: 0 -> '1'."""
    return str(index + 1)


def column_letter(index: int) -> str:
    """Excel column letter: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
