"""The import as a job function: what the worker thread runs, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.importing.importer import import_file
from ml.importing.report import REASON_TEXT, ImportReport
from ml.mapping.mapping import ColumnMapping
from ml.progress import ReportFn, StopFn
from ml.store.project import Project

# The rejected rows as exported to CSV (and shown in the report's table).
REJECT_COLUMNS = ("file", "line", "column", "value", "reason", "message", "reason_code")


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """Everything the user settled in the wizard for one file."""

    path: Path
    mapping: ColumnMapping
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The import report and its rejected rows (read in the worker thread)."""

    report: ImportReport
    rejects: pd.DataFrame  # REJECT_COLUMNS


def run_import(
    project: Project, request: ImportRequest, report: ReportFn, stop: StopFn
) -> ImportOutcome:
    """Import the file into the project (all or nothing) and read its rejects."""
    project.check_writable()  # before reading the file, not at its end
    result = import_file(
        project,
        request.path,
        mapping=request.mapping,
        sheet=request.sheet,
        encoding=request.encoding,
        delimiter=request.delimiter,
        report=report,
        stop_requested=stop,
    )
    rejects = pd.DataFrame(columns=list(REJECT_COLUMNS))
    if result.import_id is not None and result.rows_rejected:
        rejects = rejects_frame(project.rejects(result.import_id), result.file)
    return ImportOutcome(result, rejects)


def rejects_frame(stored: pd.DataFrame, file: str) -> pd.DataFrame:
    """The project's rejects of one import in the exported shape, reasons in words."""
    codes = stored["reason_code"]
    return pd.DataFrame(
        {
            "file": file,
            "line": stored["line"],
            "column": stored["column_name"],
            "value": stored["value"],
            "reason": codes.map(lambda code: REASON_TEXT.get(code, code)),
            "message": stored["message"],
            "reason_code": codes,
        },
        columns=list(REJECT_COLUMNS),
    )
