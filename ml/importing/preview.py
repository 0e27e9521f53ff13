"""The first rows of a file as an import would store them, before importing."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import pandas as pd

from ml.columns import CANONICAL, Columns, Kind
from ml.errors import InputDataError
from ml.importing.formats import ColumnFormats, detect_formats
from ml.importing.repairs import repaired_select
from ml.importing.report import REASON_TEXT
from ml.importing.rules import applicable_checks, reason_sql
from ml.importing.staging import staging_select
from ml.importing.targets import return_reason_sql
from ml.mapping.mapping import ColumnMapping
from ml.parsing.dates import locale_day_first
from ml.reading.model import RawTable

OUTCOME = "outcome"  # the frame's column saying what happens to each row
IMPORTED = "imported"
RETURN_TEXT = {
    "cancelled_invoice": "return (cancelled invoice)",
    "returned_status": "return (status says returned)",
    "negative_quantity": "return (negative quantity)",
}
_RAW = "preview_raw"
_local = threading.local()


@dataclass(frozen=True, slots=True)
class RowsPreview:
    """A file's first rows converted with a mapping: typed values and outcomes."""

    frame: pd.DataFrame  # "line", the mapped canonical columns (typed), OUTCOME
    formats: ColumnFormats | None  # how each column's text is read (None: problem)
    problem: InputDataError | None  # why the file cannot be imported as mapped

    @property
    def rejected(self) -> int:
        """How many of the previewed rows the import would reject."""
        return int(self.frame[OUTCOME].str.startswith("rejected").sum())


def preview_rows(
    raw: RawTable, mapping: ColumnMapping, *, day_first_default: bool | None = None
) -> RowsPreview:
    """Convert the rows of `raw` (a preview) as `import_file` would with `mapping`:
    same formats, same checks, nothing written anywhere."""
    if day_first_default is None:
        day_first_default = locale_day_first()
    empty = pd.DataFrame({"line": pd.Series(dtype="int64"), OUTCOME: []})
    missing = mapping.missing_required()
    if missing:
        problem = InputDataError(
            f"no column is chosen for {', '.join(missing)}, which "
            f"{mapping.kind} files need.",
            file=raw.info.file,
            hint="Choose the column that holds it.",
        )
        return RowsPreview(empty, None, problem)
    try:
        formats = detect_formats(
            raw.table, mapping, file=raw.info.file, day_first_default=day_first_default
        )
    except InputDataError as error:
        return RowsPreview(empty, None, error)
    frame = _converted(raw, mapping, formats)
    return RowsPreview(frame, formats, None)


def _converted(
    raw: RawTable, mapping: ColumnMapping, formats: ColumnFormats
) -> pd.DataFrame:
    kind = mapping.kind
    mapped = [c for c in CANONICAL[kind] if mapping.source_of(c) is not None]
    returns = "NULL"
    if kind is Kind.ORDERS:
        has_status = mapping.source_of(Columns.STATUS) is not None
        returns = return_reason_sql(mapping.cancellation_prefix, has_status)
    staged = staging_select(kind, mapping, formats, _RAW)
    checks = reason_sql(applicable_checks(kind, mapping))
    con = _connection()
    con.register(_RAW, raw.table)
    try:
        frame = con.execute(f"""
            SELECT line, {", ".join(mapped)}, {checks} AS reason,
                   {returns} AS return_reason
            FROM ({repaired_select(kind, staged)}) ORDER BY line""").df()
    finally:
        con.unregister(_RAW)
    outcome = [
        _outcome(reason, back)
        for reason, back in zip(
            frame.pop("reason"), frame.pop("return_reason"), strict=True
        )
    ]
    frame[OUTCOME] = outcome
    if raw.bad_lines:
        bad = pd.DataFrame(
            {
                "line": [b.line for b in raw.bad_lines],
                OUTCOME: [_outcome(b.reason_code, None) for b in raw.bad_lines],
            }
        )
        frame = pd.concat([frame, bad], ignore_index=True).sort_values("line")
        frame = frame.reset_index(drop=True)
    return frame


def _connection() -> duckdb.DuckDBPyConnection:
    """An in-memory database for this thread, kept: opening one takes longer
    than converting a preview, which runs again on every change of a setting."""
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(":memory:")
    return con


def _outcome(reason: object, return_reason: object) -> str:
    if isinstance(reason, str):
        return f"rejected: {REASON_TEXT.get(reason, reason)}"
    if isinstance(return_reason, str):
        return RETURN_TEXT.get(return_reason, "return")
    return IMPORTED
