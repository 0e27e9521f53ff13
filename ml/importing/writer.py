"""Write a file's checked rows into the project: purchases, returns, feedback,
offerings, customers, and every rejected row with its reason."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import duckdb

from ml.columns import CANONICAL, Columns, Kind
from ml.importing.formats import ColumnFormats
from ml.importing.repairs import count_repairs, repaired_select
from ml.importing.rules import applicable_checks, message_sql, reason_sql
from ml.importing.staging import OTHER_COLUMNS, raw_name, staging_select
from ml.importing.targets import (
    ENTITY_KEYS,
    insert_feedback_sql,
    insert_purchases_sql,
    insert_returns_sql,
    line_hash_sql,
    return_reason_sql,
    upsert_entities_sql,
)
from ml.mapping.mapping import ColumnMapping
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.reading.model import LINE_COLUMN, RawTable
from ml.sqltext import quote_literal
from ml.store.project import Project

RAW = "import_raw"
CHECKED = "import_checked"
REPEATS = "import_repeats"
GOOD = f"(SELECT * FROM {CHECKED} WHERE reason IS NULL)"


@dataclass(frozen=True, slots=True)
class StoredRows:
    """Where the rows of one file ended up."""

    imported: int  # purchases, feedback, offerings or customers written
    returns: int  # order lines written as returns
    reasons: dict[str, int]  # rejected rows by reason code
    # imported lines the export got half right: code -> (count, first rows)
    repairs: dict[str, tuple[int, tuple[int, ...]]]


def store_rows(
    project: Project,
    raw: RawTable,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    import_id: int,
    keep_duplicates: bool,
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> StoredRows:
    """Check and write every row of the file within the caller's transaction.

    Cancelling raises `Cancelled` between steps; the caller's rollback then
    undoes everything.
    """

    def step(fraction: float, message: str) -> None:
        check_cancel(stop_requested)
        report(fraction, message)

    con = project.con
    con.complete()  # DuckDB refuses to register while a result is pending
    con.register(RAW, raw.table)
    try:
        staged = staging_select(mapping.kind, mapping, formats, RAW)
        step(0.0, "Checking every row")
        _check_rows(con, mapping, staged, import_id)
        step(0.4, "Recording rejected rows")
        _reject_failed_checks(con, mapping, formats, raw.info.file, import_id)
        _reject_bad_lines(con, raw, import_id)
        repairs: dict[str, tuple[int, tuple[int, ...]]] = {}
        if mapping.kind in ENTITY_KEYS:
            step(0.6, f"Storing {mapping.kind}")
            imported, returns = _store_entities(con, mapping.kind, raw.info.file)
        else:
            step(0.5, "Looking for duplicates and lines imported before")
            _reject_repeats(
                con, mapping.kind, raw.info.file, import_id, keep_duplicates
            )
            step(0.6, f"Storing {mapping.kind}")
            imported, returns = _store_lines(con, mapping.kind, formats)
        repairs = count_repairs(con, mapping.kind, GOOD)
        step(1.0, "Stored")
    finally:
        # After a failed statement DuckDB refuses everything until the caller's
        # rollback, which discards these temporary tables anyway.
        with contextlib.suppress(duckdb.Error):
            con.complete()
            con.unregister(RAW)
            for table in (CHECKED, REPEATS):
                con.execute(f"DROP TABLE IF EXISTS {table}")
    rows = con.execute(
        "SELECT reason_code, count(*) FROM rejects WHERE import_id = ? "
        "GROUP BY ALL ORDER BY 2 DESC",
        [import_id],
    ).fetchall()
    reasons = {str(code): int(n) for code, n in rows}
    return StoredRows(imported, returns, reasons, repairs)


def _check_rows(
    con: duckdb.DuckDBPyConnection, mapping: ColumnMapping, staged: str, import_id: int
) -> None:
    """Convert every row once, keeping only typed values and the failed check."""
    kind = mapping.kind
    checks = applicable_checks(kind, mapping)
    # The original text is needed only for rejected rows (re-read later) and
    # for a rating's original value; not storing it halves the work.
    dropped = [raw_name(c) for c in CANONICAL[kind] if c != Columns.RATING]
    dropped.append(OTHER_COLUMNS)
    extra = ["NULL::UHUGEINT AS line_hash", "NULL::VARCHAR AS return_reason"]
    if kind in (Kind.ORDERS, Kind.FEEDBACK):
        extra[0] = (
            f"CASE WHEN reason IS NULL THEN {line_hash_sql(kind)} END AS line_hash"
        )
    if kind is Kind.ORDERS:
        has_status = mapping.source_of(Columns.STATUS) is not None
        reason = return_reason_sql(mapping.cancellation_prefix, has_status)
        extra[1] = f"{reason} AS return_reason"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {CHECKED} AS
        SELECT * EXCLUDE ({", ".join(dropped)}), {import_id} AS import_id,
               {", ".join(extra)}
        FROM (SELECT *, {reason_sql(checks)} AS reason
              FROM ({repaired_select(kind, staged)}))""")


def _reject_failed_checks(
    con: duckdb.DuckDBPyConnection,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    file: str,
    import_id: int,
) -> None:
    """Record rows that failed a check, with the original text of the cell
    (staged again from the file, for the failed rows only)."""
    failed = f"SELECT line, reason FROM {CHECKED} WHERE reason IS NOT NULL"
    if _count(con.execute(f"SELECT count(*) FROM ({failed})").fetchone()) == 0:
        return
    rows = f"""(SELECT * FROM {RAW} WHERE {LINE_COLUMN} IN (
                 SELECT line FROM {CHECKED} WHERE reason IS NOT NULL))"""
    staged = staging_select(mapping.kind, mapping, formats, rows)
    checks = applicable_checks(mapping.kind, mapping)
    column, value, message = message_sql(checks, mapping, file)
    con.execute(f"""
        INSERT INTO rejects
        SELECT {import_id}, line, {column}, {value}, reason, {message}
        FROM ({staged}) JOIN ({failed}) USING (line)
        ORDER BY line""")


def _reject_bad_lines(
    con: duckdb.DuckDBPyConnection, raw: RawTable, import_id: int
) -> None:
    """Lines the reader could not turn into rows are rejects too."""
    if raw.bad_lines:
        con.executemany(
            "INSERT INTO rejects VALUES (?, ?, NULL, ?, ?, ?)",
            [
                [import_id, bad.line, bad.text, bad.reason_code, bad.message]
                for bad in raw.bad_lines
            ],
        )


def _reject_repeats(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    file: str,
    import_id: int,
    keep_duplicates: bool,
) -> None:
    """Reject exact duplicates within the file (unless kept) and lines already in
    the project: the n-th copy of a line is new only if the project holds fewer
    than n copies of it."""
    tables = ("orders", "returns") if kind is Kind.ORDERS else ("feedback",)
    existing = " UNION ALL ".join(f"SELECT line_hash FROM {t}" for t in tables)
    keep = "TRUE" if keep_duplicates else "FALSE"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {REPEATS} AS
        WITH new AS (SELECT line, line_hash FROM {CHECKED} WHERE reason IS NULL),
        known AS (SELECT line_hash, count(*) AS n FROM ({existing})
                  WHERE line_hash IN (SELECT line_hash FROM new) GROUP BY ALL),
        candidates AS (
            SELECT line_hash FROM new GROUP BY ALL HAVING count(*) > 1
            UNION SELECT line_hash FROM known),
        ranked AS (
            SELECT line, line_hash,
                   row_number() OVER (PARTITION BY line_hash ORDER BY line) AS nth,
                   min(line) OVER (PARTITION BY line_hash) AS first_line
            FROM new WHERE line_hash IN (SELECT line_hash FROM candidates))
        SELECT line, first_line,
               CASE WHEN NOT {keep} AND nth > 1 THEN 'duplicate_line'
                    WHEN nth <= coalesce(known.n, 0) THEN 'already_imported'
               END AS reason
        FROM ranked LEFT JOIN known USING (line_hash)""")
    con.execute(f"DELETE FROM {REPEATS} WHERE reason IS NULL")
    file_text = quote_literal(file.replace("%", "%%"))
    con.execute(f"""
        INSERT INTO rejects
        SELECT {import_id}, line, NULL, NULL, reason,
               CASE reason
                 WHEN 'duplicate_line' THEN printf(
                   '%s, row %d: exact duplicate of row %d; kept once.',
                   {file_text}, line, first_line)
                 ELSE printf('%s, row %d: already in the project from an earlier '
                   'import; not added again.', {file_text}, line)
               END
        FROM {REPEATS} ORDER BY line""")
    con.execute(f"""
        UPDATE {CHECKED} SET reason = {REPEATS}.reason FROM {REPEATS}
        WHERE {CHECKED}.line = {REPEATS}.line""")


def _store_lines(
    con: duckdb.DuckDBPyConnection, kind: Kind, formats: ColumnFormats
) -> tuple[int, int]:
    """Write the good order lines (purchases and returns) or feedback rows."""
    if kind is Kind.ORDERS:
        imported = _count(con.execute(insert_purchases_sql(GOOD)).fetchone())
        returns = _count(con.execute(insert_returns_sql(GOOD)).fetchone())
        return imported, returns
    scale = formats.rating.description if formats.rating else None
    return _count(con.execute(insert_feedback_sql(GOOD, scale)).fetchone()), 0


def _store_entities(
    con: duckdb.DuckDBPyConnection, kind: Kind, file: str
) -> tuple[int, int]:
    """Offerings and customers: one row per id, the file's last row for an id wins."""
    _, key, _ = ENTITY_KEYS[kind]
    file_text = quote_literal(file.replace("%", "%%"))
    con.execute(f"""
        INSERT INTO rejects
        SELECT import_id, line, NULL, {key}, 'duplicate_id',
               printf('%s, row %d: id ''%s'' appears again on row %d; the later '
                      'row is used.', {file_text}, line, {key}, last_line)
        FROM (SELECT *, max(line) OVER (PARTITION BY {key}) AS last_line
              FROM {GOOD})
        WHERE line < last_line ORDER BY line""")
    latest = f"""(SELECT * FROM {GOOD} QUALIFY line = max(line) OVER (
                   PARTITION BY {key}))"""
    return _count(con.execute(upsert_entities_sql(kind, latest)).fetchone()), 0


def _count(row: tuple[object, ...] | None) -> int:
    """The single number a COUNT or an INSERT returns."""
    return int(row[0]) if row else 0  # type: ignore[call-overload]
