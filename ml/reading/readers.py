"""Read CSV/TSV, Excel and Parquet files into a RawTable of text columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.reading import excel
from ml.reading.model import RawTable, ReadInfo
from ml.reading.notes import blank_note, footer_note, header_note
from ml.reading.parquet import read_parquet
from ml.reading.sources import Source, open_source
from ml.reading.table import column_letter, column_number, make_table, no_rows
from ml.reading.text import read_text

_PREVIEW_BYTES = 2 << 20
_PREVIEW_HEADER_ROWS = 200  # Excel rows read above the preview rows to find the header


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> RawTable:
    """Read a whole CSV/TSV, Excel or Parquet file into text columns with lines.

    A text file's `encoding` and `delimiter` are detected unless given.
    """
    check_cancel(stop_requested)
    report(0.0, f"Reading {Path(path).name}")
    source = open_source(path)
    check_cancel(stop_requested)
    table = _read(source, sheet, (encoding, delimiter), None, report, stop_requested)
    check_cancel(stop_requested)
    report(1.0, f"Read {table.table.num_rows:,} rows from {source.file}")
    return table


def read_preview(
    path: str | Path,
    *,
    sheet: str | None = None,
    rows: int = 200,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read only the first `rows` data rows (fast, for showing a file before import)."""
    source = open_source(path, limit=_PREVIEW_BYTES)
    return _read(source, sheet, (encoding, delimiter), rows, no_report, never)


def list_sheets(path: str | Path) -> list[str]:
    """Sheet names of an Excel workbook, in workbook order ([] for other formats)."""
    source = open_source(path, limit=0)
    if source.format not in ("xlsx", "xls"):
        return []
    return excel.sheet_names(source.path, source.file)


def _read(
    source: Source,
    sheet: str | None,
    text: tuple[str | None, str | None],  # the user's encoding, delimiter
    rows: int | None,
    report: ReportFn,
    stop_requested: StopFn,
) -> RawTable:
    if source.format in ("xlsx", "xls"):
        report(0.1, f"Reading the sheet of {source.file}")
        return _read_excel(source, sheet, rows)
    if source.format == "parquet":
        report(0.1, f"Reading {source.file}")
        return _read_parquet(source, rows)
    return read_text(
        source,
        rows=rows,
        encoding=text[0],
        delimiter=text[1],
        report=report,
        stop_requested=stop_requested,
    )


def _read_excel(source: Source, sheet: str | None, rows: int | None) -> RawTable:
    max_rows = None if rows is None else rows + _PREVIEW_HEADER_ROWS
    data = excel.read_sheet(source.path, source.file, sheet, max_rows=max_rows)
    if not data.rows:
        raise no_rows(source.file, data.header_row)
    keep = len(data.rows) if rows is None else rows
    columns = [pa.array(values[:keep], pa.string()) for values in data.columns]
    lines = pa.array(data.rows[:keep], pa.int64())
    table, name_notes = make_table(data.names, columns, lines, column_letter)
    above = list(range(1, data.header_row))
    blank = [row for row in data.blank_rows if row > data.header_row]
    notes = [
        *source.notes,
        header_note(above, set(above) - set(data.title_rows), unit="row"),
        *name_notes,
        blank_note(blank, unit="row"),
        *(footer_note(row, text, unit="row") for row, text in data.footer),
    ]
    skipped = sorted({*above, *blank, *(row for row, _ in data.footer)})
    info = ReadInfo(
        source.file,
        source.format,
        None,
        None,
        data.name,
        data.header_row,
        tuple(note for note in notes if note),
        tuple(skipped),
    )
    return RawTable(info, table, ())


def _read_parquet(source: Source, rows: int | None) -> RawTable:
    table = read_parquet(str(source.path), source.file, max_rows=rows)
    if table.num_rows == 0:
        raise no_rows(source.file, 1)
    lines = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    names = tuple(table.column_names)
    result, name_notes = make_table(names, table.columns, lines, column_number)
    info = ReadInfo(
        source.file, "parquet", None, None, None, 1, (*source.notes, *name_notes), ()
    )
    return RawTable(info, result, ())
