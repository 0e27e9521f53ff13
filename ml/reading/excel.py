"""Read an Excel sheet (.xlsx, .xls) with python-calamine into text cells.

Cells become the text a user would type: integral numbers without '.0' (ids such as
17850 stay '17850'), other numbers with up to 15 significant digits (Excel's own
precision), dates as 'YYYY-MM-DD HH:MM:SS', booleans as TRUE/FALSE.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import python_calamine as calamine

from ml.errors import InputDataError
from ml.reading.sniff import is_footer_phrase, looks_like_header

_SAMPLE_ROWS = 200
_MAX_FOOTER_ROWS = 10
_HINT = "Open it in Excel, save it again as .xlsx, and import that file."

Cell = str | None


@dataclass(frozen=True, slots=True)
class Sheet:
    """The data part of a sheet: names, text columns, sheet rows and skipped rows."""

    name: str
    header_row: int  # 1-based sheet row of the column names
    names: tuple[str | None, ...]
    columns: list[list[Cell]]
    rows: list[int]  # sheet row of each data row
    first_column: int  # 0-based sheet column of the first table column
    title_rows: tuple[int, ...]  # non-blank rows above the header
    blank_rows: tuple[int, ...]
    footer: tuple[tuple[int, str], ...]  # (row, text) of report footer rows


def sheet_names(path: Path, file: str) -> list[str]:
    """All sheet names of a workbook, in workbook order."""
    return list(_open(path, file).sheet_names)


def read_sheet(
    path: Path, file: str, sheet: str | None, *, max_rows: int | None = None
) -> Sheet:
    """Read the named sheet (default: first visible sheet with data) as text."""
    book = _open(path, file)
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise InputDataError(
            f"the workbook has no sheet named '{sheet}' (its sheets: "
            f"{', '.join(names) or 'none'}).",
            file=file,
            hint="Choose one of the sheets listed.",
        )
    order = [sheet] if sheet is not None else _default_order(book)
    for name in order:
        try:
            raw = book.get_sheet_by_name(name).to_python(
                skip_empty_area=False, nrows=max_rows
            )
        except calamine.CalamineError as exc:
            raise InputDataError(
                f"sheet '{name}' cannot be read ({exc}).", file=file, hint=_HINT
            ) from exc
        grid = [[cell_text(value) for value in row] for row in raw]
        if any(any(row) for row in grid):
            whole = max_rows is None or len(raw) < max_rows
            return _layout(name, grid, complete=whole)
    where = f"sheet '{sheet}'" if sheet is not None else "any sheet"
    raise InputDataError(f"the workbook has no data in {where}.", file=file, hint=_HINT)


def cell_text(value: object) -> Cell:
    """The text of one calamine cell value; None for an empty cell."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
        text = f"{value:.15g}"
        if "e" in text:
            return np.format_float_positional(float(text), trim="-")
        return text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
        return text
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return None if value is None else str(value)


def _open(path: Path, file: str) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise InputDataError(
            "the workbook is password-protected.",
            file=file,
            hint="Remove the password in Excel (File > Info > Protect) and try again.",
        ) from exc
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise InputDataError(
            f"the Excel workbook cannot be opened ({exc}).", file=file, hint=_HINT
        ) from exc


def _default_order(book: calamine.CalamineWorkbook) -> list[str]:
    """Visible worksheets first, then hidden ones (only when nothing else has data)."""
    visible: list[str] = []
    hidden: list[str] = []
    for meta in book.sheets_metadata:
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            continue
        shown = meta.visible == calamine.SheetVisibleEnum.Visible
        (visible if shown else hidden).append(meta.name)
    return visible + hidden


def _width(row: Sequence[Cell]) -> int:
    for index in range(len(row) - 1, -1, -1):
        if row[index]:
            return index + 1
    return 0


def _layout(name: str, grid: list[list[Cell]], *, complete: bool) -> Sheet:
    """Find the header row, the table's columns and the report rows around it."""
    widths = [_width(row) for row in grid]
    filled = [i for i, width in enumerate(widths) if width][:_SAMPLE_ROWS]
    modal = max(
        Counter(widths[i] for i in filled).items(), key=lambda kv: (kv[1], kv[0])
    )[0]

    def header_like(i: int) -> bool:
        cells = grid[i][: widths[i]]
        start = next(j for j, cell in enumerate(cells) if cell)
        return widths[i] - start >= min(2, modal) and looks_like_header(
            [cell or "" for cell in cells[start:]]
        )

    wide = [i for i in filled if widths[i] >= modal]
    header = next((i for i in wide if header_like(i)), wide[0])
    body = list(range(header + 1, len(grid)))
    footer: list[tuple[int, str]] = []
    end = len(grid)
    if complete:
        for i in reversed(body):
            cells = [cell or "" for cell in grid[i]]
            if widths[i] and (
                len(footer) >= _MAX_FOOTER_ROWS or not is_footer_phrase(cells)
            ):
                break
            if widths[i]:
                footer.append((i + 1, " ".join(cell for cell in cells if cell)))
            end = i
    data_rows = [i for i in body[: end - header - 1] if widths[i]]
    blank = [i + 1 for i in range(header + 1, len(grid)) if not widths[i]]
    used = [header, *data_rows]
    left = min(next(j for j, cell in enumerate(grid[i]) if cell) for i in used)
    right = max(widths[i] for i in used)
    names = tuple(
        grid[header][j] if j < len(grid[header]) else None for j in range(left, right)
    )
    columns = [
        [grid[i][j] if j < len(grid[i]) else None for i in data_rows]
        for j in range(left, right)
    ]
    titles = tuple(i + 1 for i in range(header) if widths[i])
    blank_above = [i + 1 for i in range(header) if not widths[i]]
    return Sheet(
        name,
        header + 1,
        names,
        columns,
        [i + 1 for i in data_rows],
        left,
        titles,
        tuple(sorted(blank_above + blank)),
        tuple(reversed(footer)),
    )
