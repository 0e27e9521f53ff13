"""Writing a push list as CSV or XLSX for CRM re-import, formulas neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ml.progress import ReportFn, StopFn, check_cancel
from ml.safecells import safe_frame

ROWS_PER_CHECK = 5_000  # rows written between two looks at Cancel


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
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Push list")
    sheet.append([str(column) for column in frame.columns])
    total = max(1, len(frame))
    for number, row in enumerate(frame.itertuples(index=False, name=None), 1):
        # Strings stay text: safe_frame left none starting with "=" (which
        # openpyxl writes as a formula) and none with a control character
        # (which openpyxl refuses); missing values are empty cells.
        sheet.append([None if pd.isna(value) else value for value in row])
        if number % ROWS_PER_CHECK == 0:
            check_cancel(stop_requested)
            report(number / total, f"Writing {path.name}")
    partial = path.with_name(path.name + ".part")
    book.save(partial)
    partial.replace(path)
