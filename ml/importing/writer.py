"""Write a file's checked rows (checking.py) into the project: purchases,
returns, feedback, offerings, customers, and every rejected row with its reason."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ml.columns import Kind
from ml.importing.checking import (
    CHECKED,
    FAILED,
    REPEATS,
    CheckedRows,
    discard_checked,
)
from ml.importing.contacts import store_contacts
from ml.importing.formats import ColumnFormats
from ml.importing.repairs import count_repairs
from ml.importing.targets import (
    ENTITY_KEYS,
    insert_feedback_sql,
    insert_purchases_sql,
    insert_returns_sql,
    upsert_entities_sql,
)
from ml.mapping.mapping import ColumnMapping
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.reading.model import BadLine
from ml.sqltext import quote_literal
from ml.store.project import Project


def good_rows(import_id: int) -> str:
    """The checked rows that passed every check, with the import's id."""
    return (
        f"(SELECT * REPLACE ({import_id} AS import_id) FROM {CHECKED} "
        "WHERE reason IS NULL)"
    )


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
    checked: CheckedRows,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    import_id: int,
    keep_duplicates: bool,
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> StoredRows:
    """Write the checked rows (check_rows) within the caller's transaction.

    Cancelling raises `Cancelled` between steps; the caller's rollback then
    undoes everything.
    """

    def step(fraction: float, message: str) -> None:
        check_cancel(stop_requested)
        report(fraction, message)

    con = project.con
    file = checked.file
    good = good_rows(import_id)
    try:
        step(0.0, "Recording rejected rows")
        con.execute(
            f"INSERT INTO rejects SELECT {import_id}, * FROM {FAILED} ORDER BY line"
        )
        _reject_bad_lines(con, checked.bad_lines, import_id)
        if mapping.kind in ENTITY_KEYS:
            step(0.3, f"Storing {mapping.kind}")
            imported, returns = _store_entities(con, mapping.kind, file, good)
        else:
            step(0.2, "Looking for duplicates and lines imported before")
            _reject_repeats(con, mapping.kind, file, import_id, keep_duplicates)
            step(0.3, f"Storing {mapping.kind}")
            imported, returns = _store_lines(con, mapping.kind, formats, good, file)
        repairs = count_repairs(con, mapping.kind, good)
        step(1.0, "Stored")
    finally:
        discard_checked(project)
    counts = con.execute(
        "SELECT reason_code, count(*) FROM rejects WHERE import_id = ? "
        "GROUP BY ALL ORDER BY 2 DESC",
        [import_id],
    ).fetchall()
    reasons = {str(code): int(n) for code, n in counts}
    return StoredRows(imported, returns, reasons, repairs)


def _reject_bad_lines(
    con: duckdb.DuckDBPyConnection, bad_lines: tuple[BadLine, ...], import_id: int
) -> None:
    """Lines the reader could not turn into rows are rejects too (inserted as
    one Arrow table: a hundred thousand of them take a second, not a minute)."""
    if not bad_lines:
        return
    table = pa.table(
        {
            "line": pa.array([bad.line for bad in bad_lines], pa.int64()),
            "value": pa.array([bad.text for bad in bad_lines], pa.string()),
            "reason_code": pa.array([bad.reason_code for bad in bad_lines]),
            "message": pa.array([bad.message for bad in bad_lines], pa.string()),
        }
    )
    con.register("import_bad_lines", table)
    try:
        con.execute(
            f"""INSERT INTO rejects SELECT {import_id}, line, NULL, value,
                reason_code, message FROM import_bad_lines"""
        )
    finally:
        con.unregister("import_bad_lines")


# The tables holding the lines of each kind, with their identity hashes.
LINE_TABLES: dict[Kind, tuple[str, ...]] = {
    Kind.ORDERS: ("orders", "returns"),
    Kind.FEEDBACK: ("feedback",),
    Kind.CONTACTS: ("campaign_pushes",),
}


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
    tables = LINE_TABLES[kind]
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
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    formats: ColumnFormats,
    good: str,
    file: str,
) -> tuple[int, int]:
    """Write the good order lines (purchases and returns), feedback rows or
    contacts (into campaigns)."""
    if kind is Kind.CONTACTS:
        return store_contacts(con, good, file), 0
    if kind is Kind.ORDERS:
        imported = _count(con.execute(insert_purchases_sql(good)).fetchone())
        returns = _count(con.execute(insert_returns_sql(good)).fetchone())
        return imported, returns
    scale = formats.rating.description if formats.rating else None
    return _count(con.execute(insert_feedback_sql(good, scale)).fetchone()), 0


def _store_entities(
    con: duckdb.DuckDBPyConnection, kind: Kind, file: str, good: str
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
              FROM {good})
        WHERE line < last_line ORDER BY line""")
    latest = f"""(SELECT * FROM {good} QUALIFY line = max(line) OVER (
                   PARTITION BY {key}))"""
    return _count(con.execute(upsert_entities_sql(kind, latest)).fetchone()), 0


def _count(row: tuple[object, ...] | None) -> int:
    """The single number a COUNT or an INSERT returns."""
    return int(row[0]) if row else 0  # type: ignore[call-overload]
