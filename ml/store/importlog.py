"""The import log: one record per imported file, and the rows it rejected."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

# Column order of the imports table; ImportRecord's fields follow it.
_COLUMNS = (
    "import_id",
    "file_name",
    "file_path",
    "content_hash",
    "size_bytes",
    "kind",
    "imported_at",
    "mapping_json",
    "read_info_json",
    "rows_read",
    "rows_imported",
    "rows_returns",
    "rows_rejected",
    "reasons_json",
    "notes_json",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM imports"

REJECT_COLUMNS = ("line", "column_name", "value", "reason_code", "message")


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One imported file, as the imports table keeps it."""

    import_id: int
    file_name: str  # base name shown to users
    file_path: str  # full path at import time
    content_hash: str  # hash of the file's bytes: finds a file imported before
    size_bytes: int
    kind: str  # a ml.columns.Kind value
    imported_at: datetime  # naive, local time
    mapping_json: str  # ColumnMapping.to_json() used for this import
    read_info: dict[str, Any]  # ReadInfo as a dict (encoding, delimiter, ...)
    rows_read: int
    rows_imported: int
    rows_returns: int
    rows_rejected: int
    reasons: dict[str, int]  # reason code -> rejected rows
    notes: tuple[str, ...]  # plain-language notes shown in the import report


def find_import(
    con: duckdb.DuckDBPyConnection, content_hash: str, kind: str
) -> ImportRecord | None:
    """Return the latest import of a file with these bytes as this kind, if any."""
    row = con.execute(
        f"{_SELECT} WHERE content_hash = ? AND kind = ? "
        "ORDER BY import_id DESC LIMIT 1",
        [content_hash, str(kind)],
    ).fetchone()
    return None if row is None else _record(row)


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """Return the id the next import should use (1 in a new project)."""
    row = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()
    assert row is not None  # an aggregate always yields one row
    return int(row[0])


def add_import(con: duckdb.DuckDBPyConnection, record: ImportRecord) -> None:
    """Insert a record into the import log (inside the caller's transaction)."""
    con.execute(
        f"INSERT INTO imports ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join(['?'] * len(_COLUMNS))})",
        [
            record.import_id,
            record.file_name,
            record.file_path,
            record.content_hash,
            record.size_bytes,
            str(record.kind),
            _naive_local(record.imported_at),
            record.mapping_json,
            _dumps(record.read_info),
            record.rows_read,
            record.rows_imported,
            record.rows_returns,
            record.rows_rejected,
            _dumps(record.reasons),
            _dumps(list(record.notes)),
        ],
    )


def imports(con: duckdb.DuckDBPyConnection) -> list[ImportRecord]:
    """Return every import, oldest first."""
    rows = con.execute(f"{_SELECT} ORDER BY import_id").fetchall()
    return [_record(row) for row in rows]


def rejects(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """Return the rows an import rejected, in file order, with reason and message."""
    return con.execute(
        f"SELECT {', '.join(REJECT_COLUMNS)} FROM rejects WHERE import_id = ? "
        "ORDER BY line, column_name NULLS FIRST",
        [import_id],
    ).df()


def _record(row: tuple[Any, ...]) -> ImportRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    return ImportRecord(
        import_id=int(values["import_id"]),
        file_name=str(values["file_name"]),
        file_path=str(values["file_path"]),
        content_hash=str(values["content_hash"]),
        size_bytes=int(values["size_bytes"]),
        kind=str(values["kind"]),
        imported_at=values["imported_at"],
        mapping_json=str(values["mapping_json"]),
        read_info=dict(json.loads(values["read_info_json"])),
        rows_read=int(values["rows_read"]),
        rows_imported=int(values["rows_imported"]),
        rows_returns=int(values["rows_returns"]),
        rows_rejected=int(values["rows_rejected"]),
        reasons={
            str(code): int(count)
            for code, count in json.loads(values["reasons_json"]).items()
        },
        notes=tuple(str(note) for note in json.loads(values["notes_json"])),
    )


def _dumps(value: object) -> str:
    # default=str: paths and similar values in ReadInfo are kept as their text.
    return json.dumps(value, ensure_ascii=False, default=str)


def _naive_local(moment: datetime) -> datetime:
    # The column is a plain TIMESTAMP; an aware time is stored as local wall time
    # so the import log reads the same as the clock on the user's desk.
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
