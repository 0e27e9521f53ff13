"""Check a file's rows into temporary tables, before the project is written.

Every row is converted once and its first failed check kept (CHECKED); the
rows that failed are set aside with their original text and message (FAILED).
This runs outside the project's transaction: DuckDB holds a registered Arrow
table until the transaction ends, so checking inside it would keep the file's
text columns in memory while the project is written (a fifth of a big
import's peak). Only temporary tables are made, so a cancel or error here
leaves the project as it was; `discard_checked` drops them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import duckdb

from ml.columns import CANONICAL, Columns, Kind
from ml.importing.formats import ColumnFormats
from ml.importing.padding import trimmed, unpadded_columns
from ml.importing.repairs import repaired_select
from ml.importing.rules import applicable_checks, message_sql, reason_sql
from ml.importing.staging import (
    OTHER_COLUMNS,
    raw_name,
    staging_select,
    text_sources,
)
from ml.importing.targets import IDENTITY, line_hash_sql, return_reason_sql
from ml.mapping.mapping import ColumnMapping
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.reading.model import LINE_COLUMN, BadLine, RawTable
from ml.store.project import Project

RAW = "import_raw"
CHECKED = "import_checked"
FAILED = "import_failed"
REPEATS = "import_repeats"
TEMPORARY = (CHECKED, FAILED, REPEATS)


@dataclass(frozen=True, slots=True)
class CheckedRows:
    """A file's rows, checked into CHECKED and FAILED, ready to be stored."""

    file: str
    bad_lines: tuple[BadLine, ...]  # lines the reader could not make rows of


def check_rows(
    project: Project,
    raw: RawTable,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> CheckedRows:
    """Convert and check every row of the file into temporary tables.

    Call it outside a transaction; the rows of `raw` are not needed afterwards.
    """
    project.check_writable()
    con = project.con
    con.complete()  # DuckDB refuses to register while a result is pending
    mapped = [m.source for m in mapping.matches if m.source]
    unpadded = unpadded_columns(raw.table, mapped)
    # Padded text is trimmed here, by Arrow, ten times cheaper than in DuckDB.
    table, trim = trimmed(raw.table, text_sources(mapping).difference(unpadded))
    unpadded |= trim
    con.register(RAW, table)
    try:
        check_cancel(stop_requested)
        report(0.0, "Checking every row")
        staged = staging_select(mapping.kind, mapping, formats, RAW, unpadded)
        _check_rows(con, mapping, staged)
        check_cancel(stop_requested)
        report(0.8, "Setting rejected rows aside")
        _set_failed_aside(con, mapping, formats, raw.info.file, unpadded)
        check_cancel(stop_requested)
    except BaseException:
        discard_checked(project)
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.complete()
            con.unregister(RAW)
    return CheckedRows(raw.info.file, raw.bad_lines)


def discard_checked(project: Project) -> None:
    """Drop the temporary tables of a check (none left is fine)."""
    con = project.con
    # After a failed statement in a transaction DuckDB refuses everything until
    # the rollback; the caller discards again after it.
    with contextlib.suppress(duckdb.Error):
        con.complete()
        for table in TEMPORARY:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _check_rows(
    con: duckdb.DuckDBPyConnection, mapping: ColumnMapping, staged: str
) -> None:
    """Convert every row once, keeping only typed values and the failed check.
    The import's id is not known yet: the writer puts it in."""
    kind = mapping.kind
    checks = applicable_checks(kind, mapping)
    # The original text is needed only for rejected rows (set aside next) and
    # for a rating's original value; not storing it halves the work.
    dropped = [raw_name(c) for c in CANONICAL[kind] if c != Columns.RATING]
    dropped.append(OTHER_COLUMNS)
    extra = ["NULL::UHUGEINT AS line_hash", "NULL::VARCHAR AS return_reason"]
    if kind in IDENTITY:
        extra[0] = (
            f"CASE WHEN reason IS NULL THEN {line_hash_sql(kind)} END AS line_hash"
        )
    if kind is Kind.ORDERS:
        has_status = mapping.source_of(Columns.STATUS) is not None
        reason = return_reason_sql(mapping.cancellation_prefix, has_status)
        extra[1] = f"{reason} AS return_reason"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {CHECKED} AS
        SELECT * EXCLUDE ({", ".join(dropped)}), 0 AS import_id,
               {", ".join(extra)}
        FROM (SELECT *, {reason_sql(checks)} AS reason
              FROM ({repaired_select(kind, staged)}))""")


def _set_failed_aside(
    con: duckdb.DuckDBPyConnection,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    file: str,
    unpadded: frozenset[str],
) -> None:
    """Rows that failed a check, with the original text of the cell (staged
    again from the file, for the failed rows only) and their message."""
    failed = f"SELECT line, reason FROM {CHECKED} WHERE reason IS NOT NULL"
    found = con.execute(f"SELECT count(*) FROM ({failed})").fetchone()
    if not found or not found[0]:  # no need to stage anything again
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {FAILED} (line BIGINT, column_name VARCHAR,
                value VARCHAR, reason VARCHAR, message VARCHAR)""")
        return
    rows = f"""(SELECT * FROM {RAW} WHERE {LINE_COLUMN} IN (
                 SELECT line FROM {CHECKED} WHERE reason IS NOT NULL))"""
    staged = staging_select(mapping.kind, mapping, formats, rows, unpadded)
    checks = applicable_checks(mapping.kind, mapping)
    column, value, message = message_sql(checks, mapping, file)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {FAILED} AS
        SELECT line, {column} AS column_name, {value} AS value, reason,
               {message} AS message
        FROM ({staged}) JOIN ({failed}) USING (line)""")
