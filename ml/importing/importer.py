"""Import one file into a project: read, map, validate and store, all or nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from ml.columns import Kind
from ml.errors import InputDataError
from ml.importing.formats import ColumnFormats, detect_formats
from ml.importing.report import ImportReport
from ml.importing.rules import applicable_checks, message_sql, reason_sql
from ml.importing.staging import LINE, staging_select
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
from ml.mapping.infer import apply_saved, infer_kind, infer_mapping, layout_signature
from ml.parsing.dates import locale_day_first
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.reading.readers import RawTable, read_table
from ml.sqltext import quote_literal
from ml.store.project import ImportRecord, Project

MAPPING_SAMPLE_ROWS = 2_000
EXAMPLES_PER_REASON = 3


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes: the same export imported twice is recognised."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    project: Project,
    path: str | Path,
    *,
    kind: Kind | None = None,
    mapping: ColumnMapping | None = None,
    sheet: str | None = None,
    keep_duplicates: bool = False,
    day_first_default: bool | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ImportReport:
    """Import one orders, feedback, offerings or customers file into the project.

    Every row ends as imported, imported as a return, or rejected with a reason.
    The import is all or nothing: on any error or cancellation the project is
    left exactly as it was.
    """
    path = Path(path)
    report(0.0, f"Checking {path.name}")
    content_hash = file_hash(path)
    check_cancel(stop_requested)
    raw = read_table(
        path, sheet=sheet, report=scaled(report, 0.02, 0.45), stop_requested=stop_requested
    )
    check_cancel(stop_requested)
    report(0.46, "Matching the columns")
    mapping = resolve_mapping(project, raw, kind=kind, mapping=mapping)
    kind = mapping.kind
    previous = project.find_import(content_hash, str(kind))
    if previous is not None:
        return _already_imported(raw, mapping, previous.import_id)
    if day_first_default is None:
        day_first_default = locale_day_first()
    formats = detect_formats(
        raw.table, mapping, file=raw.info.file, day_first_default=day_first_default
    )
    check_cancel(stop_requested)
    report(0.5, "Checking and storing the rows")
    with project.transaction():
        import_id = project.next_import_id()
        counts = _store_rows(project, raw, mapping, formats, import_id, keep_duplicates)
        check_cancel(stop_requested)
        imported, returns, reasons = counts
        rejected = sum(reasons.values())
        project.add_import(
            ImportRecord(
                import_id=import_id,
                file_name=raw.info.file,
                file_path=str(path.resolve()),
                content_hash=content_hash,
                size_bytes=path.stat().st_size,
                kind=str(kind),
                imported_at=datetime.now().replace(microsecond=0),
                mapping_json=mapping.to_json(),
                read_info=_read_info_dict(raw, formats),
                rows_read=raw.table.num_rows + len(raw.bad_lines),
                rows_imported=imported,
                rows_returns=returns,
                rows_rejected=rejected,
                reasons=reasons,
                notes=raw.info.notes,
            )
        )
        project.save_mapping(_signature(raw), str(kind), mapping.to_json())
        examples = _examples(project, import_id)
        check_cancel(stop_requested)
    report(1.0, f"Imported {path.name}")
    return ImportReport(
        file=raw.info.file,
        kind=kind,
        import_id=import_id,
        rows_read=raw.table.num_rows + len(raw.bad_lines),
        rows_imported=imported,
        rows_returns=returns,
        rows_rejected=rejected,
        reasons=reasons,
        read_info=raw.info,
        mapping=mapping,
        formats=formats.descriptions(),
        examples=examples,
    )


def headers_of(raw: RawTable) -> list[str]:
    """The file's column names (without the reader's line-number column)."""
    return [name for name in raw.table.column_names if name != LINE]


def mapping_sample(raw: RawTable) -> dict[str, list[str | None]]:
    """Values of each column from rows spread over the file, for mapping by values."""
    table = raw.table
    if table.num_rows > MAPPING_SAMPLE_ROWS:
        step = table.num_rows / MAPPING_SAMPLE_ROWS
        table = table.take(pa.array([int(i * step) for i in range(MAPPING_SAMPLE_ROWS)]))
    return {name: table.column(name).to_pylist() for name in headers_of(raw)}


def resolve_mapping(
    project: Project,
    raw: RawTable,
    *,
    kind: Kind | None,
    mapping: ColumnMapping | None,
) -> ColumnMapping:
    """The mapping to use: the user's, else the one remembered for this layout,
    else one inferred from headers and values. Fails when required columns are
    missing."""
    headers = headers_of(raw)
    file = raw.info.file
    if mapping is not None:
        absent = [
            m.source for m in mapping.matches if m.source and m.source not in headers
        ]
        if absent:
            raise InputDataError(
                f"the mapping names column(s) {', '.join(map(repr, absent))} that "
                f"the file does not have. Its columns are: {', '.join(headers)}.",
                file=file,
                hint="Correct the mapping file or let Pushwise detect the columns.",
            )
        if kind is not None and mapping.kind is not kind:
            raise InputDataError(
                f"the mapping is for {mapping.kind} but --kind says {kind}.",
                file=file,
                hint="Use a mapping made for this kind of file.",
            )
    else:
        sample = mapping_sample(raw)
        kind = kind or infer_kind(headers, sample)
        saved = project.saved_mapping(_signature(raw), str(kind))
        remembered = apply_saved(saved, headers, kind) if saved else None
        mapping = remembered or infer_mapping(headers, sample, kind)
    missing = mapping.missing_required()
    if missing:
        raise InputDataError(
            f"no column was found for {', '.join(missing)} (needed for {mapping.kind}). "
            f"The file's columns are: {', '.join(headers)}.",
            file=file,
            hint="Check the kind of file, or give a column mapping (--mapping).",
        )
    return mapping


def _store_rows(
    project: Project,
    raw: RawTable,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    import_id: int,
    keep_duplicates: bool,
) -> tuple[int, int, dict[str, int]]:
    """Validate and write the rows; return (imported, returns, rejects by reason)."""
    con = project.con
    kind = mapping.kind
    file = raw.info.file
    checks = applicable_checks(kind, mapping)
    con.complete()  # DuckDB refuses to register while a result is pending
    con.register("import_raw", raw.table)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE import_checked AS
            SELECT *, {reason_sql(checks)} AS reason, {import_id} AS import_id
            FROM ({staging_select(kind, mapping, formats, "import_raw")})""")
        column, value, message = message_sql(checks, mapping, file)
        con.execute(f"""
            INSERT INTO rejects
            SELECT {import_id}, line, {column}, {value}, reason, {message}
            FROM import_checked WHERE reason IS NOT NULL ORDER BY line""")
        _store_bad_lines(project, raw, import_id)
        if kind in ENTITY_KEYS:
            imported, returns = _store_entities(project, kind, file, import_id)
        else:
            imported, returns = _store_lines(
                project, mapping, formats, file, keep_duplicates
            )
    finally:
        con.complete()
        con.unregister("import_raw")
        con.execute("DROP TABLE IF EXISTS import_checked")
        con.execute("DROP TABLE IF EXISTS import_good")
    rows = con.execute(
        "SELECT reason_code, count(*) FROM rejects WHERE import_id = ? "
        "GROUP BY ALL ORDER BY 2 DESC",
        [import_id],
    ).fetchall()
    return imported, returns, {str(code): int(n) for code, n in rows}


def _store_lines(
    project: Project,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    file: str,
    keep_duplicates: bool,
) -> tuple[int, int]:
    """Orders and feedback: drop duplicates and lines already in the project."""
    con = project.con
    kind = mapping.kind
    tables = ("orders", "returns") if kind is Kind.ORDERS else ("feedback",)
    existing = " UNION ALL ".join(f"SELECT line_hash FROM {t}" for t in tables)
    return_reason = (
        return_reason_sql(
            mapping.cancellation_prefix, mapping.source_of("status") is not None
        )
        if kind is Kind.ORDERS
        else "NULL"
    )
    keep = "TRUE" if keep_duplicates else "FALSE"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE import_good AS
        WITH hashed AS (
            SELECT *, {line_hash_sql(kind)} AS line_hash,
                   {return_reason} AS return_reason
            FROM import_checked WHERE reason IS NULL),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY line_hash ORDER BY line) AS nth,
                   min(line) OVER (PARTITION BY line_hash) AS first_line
            FROM hashed),
        known AS (SELECT line_hash, count(*) AS n FROM ({existing}) GROUP BY ALL)
        SELECT ranked.* REPLACE (
            CASE WHEN NOT {keep} AND nth > 1 THEN 'duplicate_line'
                 WHEN nth <= coalesce(known.n, 0) THEN 'already_imported'
            END AS reason)
        FROM ranked LEFT JOIN known USING (line_hash)""")
    file_text = quote_literal(file.replace("%", "%%"))
    con.execute(f"""
        INSERT INTO rejects
        SELECT import_id, line, NULL, NULL, reason,
               CASE reason
                 WHEN 'duplicate_line' THEN printf(
                   '%s, row %d: exact duplicate of row %d; kept once.',
                   {file_text}, line, first_line)
                 ELSE printf('%s, row %d: already in the project from an earlier '
                   'import; not added again.', {file_text}, line)
               END
        FROM import_good WHERE reason IS NOT NULL ORDER BY line""")
    con.execute("DELETE FROM import_good WHERE reason IS NOT NULL")
    if kind is Kind.ORDERS:
        imported = _count(con.execute(insert_purchases_sql("import_good")).fetchone())
        returns = _count(con.execute(insert_returns_sql("import_good")).fetchone())
        return imported, returns
    scale = formats.rating.description if formats.rating else None
    return _count(con.execute(insert_feedback_sql("import_good", scale)).fetchone()), 0


def _store_entities(
    project: Project, kind: Kind, file: str, import_id: int
) -> tuple[int, int]:
    """Offerings and customers: one row per id, the file's last row for an id wins."""
    con = project.con
    _, key, _ = ENTITY_KEYS[kind]
    file_text = quote_literal(file.replace("%", "%%"))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE import_good AS
        SELECT *, max(line) OVER (PARTITION BY {key}) AS last_line
        FROM import_checked WHERE reason IS NULL""")
    con.execute(f"""
        INSERT INTO rejects
        SELECT import_id, line, NULL, {key}, 'duplicate_id',
               printf('%s, row %d: id ''%s'' appears again on row %d; the later '
                      'row is used.', {file_text}, line, {key}, last_line)
        FROM import_good WHERE line < last_line ORDER BY line""")
    con.execute("DELETE FROM import_good WHERE line < last_line")
    imported = _count(con.execute(upsert_entities_sql(kind, "import_good")).fetchone())
    return imported, 0


def _store_bad_lines(project: Project, raw: RawTable, import_id: int) -> None:
    """Lines the reader could not turn into rows are rejects too."""
    if not raw.bad_lines:
        return
    project.con.executemany(
        "INSERT INTO rejects VALUES (?, ?, NULL, ?, ?, ?)",
        [
            [import_id, bad.line, bad.text, bad.reason_code, bad.message]
            for bad in raw.bad_lines
        ],
    )


def _examples(project: Project, import_id: int) -> tuple[str, ...]:
    """The first few reject messages of each reason, for the printed report."""
    rows = project.con.execute(
        """SELECT message FROM (
               SELECT message, line, row_number() OVER (
                   PARTITION BY reason_code ORDER BY line) AS nth
               FROM rejects WHERE import_id = ?)
           WHERE nth <= ? ORDER BY line""",
        [import_id, EXAMPLES_PER_REASON],
    ).fetchall()
    return tuple(str(message) for (message,) in rows)


def _already_imported(
    raw: RawTable, mapping: ColumnMapping, previous_import_id: int
) -> ImportReport:
    return ImportReport(
        file=raw.info.file,
        kind=mapping.kind,
        import_id=None,
        rows_read=raw.table.num_rows + len(raw.bad_lines),
        rows_imported=0,
        rows_returns=0,
        rows_rejected=0,
        reasons={},
        read_info=raw.info,
        mapping=mapping,
        previous_import_id=previous_import_id,
    )


def _read_info_dict(raw: RawTable, formats: ColumnFormats) -> dict[str, object]:
    info = raw.info
    return {
        "format": info.format,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sheet": info.sheet,
        "header_line": info.header_line,
        "skipped_lines": len(info.skipped_lines),
        "formats": formats.descriptions(),
    }


def _signature(raw: RawTable) -> str:
    return layout_signature(headers_of(raw))


def _count(row: tuple[object, ...] | None) -> int:
    """Rows written by an INSERT (DuckDB returns the count as one row)."""
    return int(row[0]) if row else 0  # type: ignore[call-overload]
