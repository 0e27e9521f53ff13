"""Writing a push list as CSV or XLSX for CRM re-import, formulas neutralised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ml.columns import Columns as C
from ml.progress import ReportFn, StopFn, check_cancel
from ml.safecells import safe_frame

ROWS_PER_CHECK = 5_000  # rows written between two looks at Cancel
MIN_WIDTH, MAX_WIDTH = 10, 60  # XLSX column widths, in characters
PERCENT, MONEY = "0.0%", "#,##0.00"
# XLSX headings in plain words; any other heading (such as the user's own
# customer and offering id column names) is kept as it is. The CSV keeps the
# machine names, which CRM imports are set up for.
HEADINGS = {
    C.CUSTOMER: "Customer",
    C.OFFERING: "Offering",
    "offering_name": "Offering name",
    "rank": "Rank",
    "probability": "Chance of uptake",
    "expected_revenue": "Expected revenue",
    "reason": "Why",
}
NUMBER_FORMATS = {"probability": PERCENT, "expected_revenue": MONEY}


def write_push_list(
    frame: pd.DataFrame, path: Path, report: ReportFn, stop_requested: StopFn
) -> Path:
    """Write the frame to path: XLSX when it ends in .xlsx, else CSV."""
    safe = safe_frame(frame)  # cells and headings (the user's id column names)
    report(0.0, f"Writing {path.name}")
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(safe, path, report, stop_requested)
    else:
        safe.to_csv(path, index=False)
    report(1.0, f"Wrote {path.name}")
    return path


def _write_xlsx(
    frame: pd.DataFrame, path: Path, report: ReportFn, stop_requested: StopFn
) -> None:
    """A sheet as Excel users expect: plain-word headings (the user's own id
    column names kept), chances as percentages and money with two decimals
    (the cells stay numbers, so a CRM still reads 0.1826), a bold frozen
    heading row, a filter over the table and columns fitted to their content."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Push list")
    columns = [str(column) for column in frame.columns]
    headings = [HEADINGS.get(column, column) for column in columns]
    formats = [NUMBER_FORMATS.get(column) for column in columns]
    for number, heading in enumerate(headings, 1):
        width = _fitted_width(heading, frame.iloc[:, number - 1], formats[number - 1])
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"  # set before the first row is written
    bold = Font(bold=True)
    heading_cells = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, heading)
        cell.font = bold
        heading_cells.append(cell)
    sheet.append(heading_cells)
    total = max(1, len(frame))
    for number, row in enumerate(frame.itertuples(index=False, name=None), 1):
        # Strings stay text: safe_frame left none starting with "=" (which
        # openpyxl writes as a formula) and none with a control character
        # (which openpyxl refuses); missing values are empty cells.
        sheet.append(
            [_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=True)]
        )
        if number % ROWS_PER_CHECK == 0:
            check_cancel(stop_requested)
            report(number / total, f"Writing {path.name}")
    last = get_column_letter(max(1, len(columns)))
    sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    partial = path.with_name(path.name + ".part")
    book.save(partial)
    partial.replace(path)


def _cell(sheet: Any, value: object, number_format: str | None) -> object:
    """The value to append: empty when missing, a formatted cell for a number
    in a percentage or money column, else the value itself."""
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    if number_format is None or not isinstance(value, (int, float)):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _fitted_width(heading: str, values: pd.Series, number_format: str | None) -> int:
    """Characters wide enough for the heading and the longest value as shown,
    between MIN_WIDTH and MAX_WIDTH."""
    longest = len(heading)
    if len(values):
        shown = values.astype(str).where(values.notna(), "")
        numbers = pd.to_numeric(values, errors="coerce")
        if number_format is not None and numbers.notna().any():
            pattern = "{:.1%}" if number_format == PERCENT else "{:,.2f}"
            formatted = numbers.dropna().map(pattern.format)
            shown = formatted.reindex(values.index).fillna(shown)
        longest = max(longest, int(shown.str.len().max()))
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
