"""The import use case: a file's first rows and the mapping proposed for them,
the import itself, and its rejected rows as the user sees them.

The import wizard reads a preview, proposes a mapping and converts the
preview rows as the user changes a setting (tens of milliseconds each), then
runs `run_import` in a job; `pushwise import` runs the same `run_import`, and
the window's quick import and the sample project call `import_files`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ml.columns import Kind
from ml.errors import PushwiseError
from ml.importing.importer import (
    ProposedMapping,
    import_file,
    looks_like_order_headers,
    propose_mapping,
)
from ml.importing.joins import Join, JoinedTable, join_tables
from ml.importing.preview import IMPORTED, OUTCOME, RowsPreview, preview_rows
from ml.importing.report import REASON_TEXT, ImportReport
from ml.mapping.mapping import ColumnMapping
from ml.progress import ReportFn, StopFn, never, no_report, scaled
from ml.reading import RawTable, list_sheets, read_preview, read_table
from ml.resources import sample_orders
from ml.store.project import Project, ProjectInfo

__all__ = [
    "IMPORTED",
    "OUTCOME",
    "PREVIEW_ROWS",
    "REJECT_COLUMNS",
    "ImportOutcome",
    "ImportRequest",
    "Join",
    "JoinedTable",
    "ProposedMapping",
    "RawTable",
    "RowsPreview",
    "create_sample_project",
    "file_sheets",
    "import_files",
    "looks_like_order_headers",
    "preview_rows",
    "propose_mapping",
    "read_joined_preview",
    "read_preview",
    "read_table",
    "rejects_frame",
    "run_import",
]

PREVIEW_ROWS = 200  # the rows read to propose a mapping and show its outcome
# The rejected rows as shown in the wizard's report and written to CSV, by the
# wizard's export and by `pushwise import` alike.
REJECT_COLUMNS = ("file", "line", "column", "value", "reason", "message", "reason_code")


@dataclass(frozen=True, slots=True)
class ImportRequest:
    """One file to import and how: settled in the wizard or given to the CLI.

    None means detect: the kind from the columns, the mapping from the
    project's remembered one or the headers, the encoding and delimiter from
    the text, the first sheet of a workbook.
    """

    path: Path
    mapping: ColumnMapping | None = None
    # Files joined to the order lines by shared keys (order headers, customers).
    related: tuple[Path, ...] = ()
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    kind: Kind | None = None
    keep_duplicates: bool = False


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The import report and its rejected rows (read in the same job)."""

    report: ImportReport
    rejects: pd.DataFrame  # REJECT_COLUMNS


def file_sheets(path: Path) -> list[str]:
    """The sheets of a workbook; [] for other files and for a file that cannot
    be read (reading its preview then says why)."""
    try:
        return list_sheets(path)
    except PushwiseError:
        return []


def run_import(
    project: Project,
    request: ImportRequest,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ImportOutcome:
    """Import the file into the project (all or nothing) and read its rejects."""
    project.check_writable()  # before reading the file, not at its end
    result = import_file(
        project,
        request.path,
        related=request.related,
        kind=request.kind,
        mapping=request.mapping,
        sheet=request.sheet,
        encoding=request.encoding,
        delimiter=request.delimiter,
        keep_duplicates=request.keep_duplicates,
        report=report,
        stop_requested=stop_requested,
    )
    rejects = pd.DataFrame(columns=list(REJECT_COLUMNS))
    if result.import_id is not None and result.rows_rejected:
        rejects = rejects_frame(project.rejects(result.import_id), result.file)
    return ImportOutcome(result, rejects)


def read_joined_preview(
    path: Path,
    related: Sequence[Path],
    *,
    rows: int = PREVIEW_ROWS,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    read_related: Callable[[Path], RawTable] = read_table,
) -> JoinedTable:
    """The first `rows` lines of `path` joined with its related files, read
    whole by `read_related` (the lines may be any of them: see
    `join_tables`); a caller that previews again can pass a reader that
    keeps what it read."""
    first = read_preview(
        path, sheet=sheet, rows=rows, encoding=encoding, delimiter=delimiter
    )
    if not related:
        return JoinedTable(first, 0, ())
    others = [read_related(each) for each in related]
    joined = join_tables([first, *others])
    if joined.lines != 0:
        # The lines are in a related file: the preview's file is joined whole.
        whole = read_table(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
        others[joined.lines - 1] = _first_rows(others[joined.lines - 1], rows)
        joined = join_tables([whole, *others])
    # Rows no line refers to are counted for the whole lines, not a preview.
    joins = tuple(replace(join, unused=0) for join in joined.joins)
    return replace(joined, joins=joins)


def _first_rows(raw: RawTable, rows: int) -> RawTable:
    return replace(raw, table=raw.table.slice(0, rows))


def rejects_frame(stored: pd.DataFrame, file: str) -> pd.DataFrame:
    """The project's rejects of one import in REJECT_COLUMNS, reasons in words."""
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


def import_files(
    project: Project,
    files: Sequence[Path],
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> list[ImportReport]:
    """Import files one after the other with the detected kind and mapping
    (each all or nothing), the progress shared evenly between them."""
    reports = []
    for number, file in enumerate(files):
        part = scaled(report, number / len(files), (number + 1) / len(files))
        reports.append(
            import_file(project, file, report=part, stop_requested=stop_requested)
        )
    return reports


def create_sample_project(
    path: Path, report: ReportFn = no_report, stop_requested: StopFn = never
) -> tuple[Project, ProjectInfo]:
    """Create the project at path and import the bundled sample orders into it.

    Returns the open project and its numbers. On an error or a cancel the new
    file is removed again.
    """
    project = Project.create(path)
    try:
        import_files(
            project, [sample_orders()], report=report, stop_requested=stop_requested
        )
        return project, project.info()
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
