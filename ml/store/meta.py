"""The meta table: how a file is recognised as a project, and of which version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

import ml
from ml.store import connection, schema

APPLICATION = "Pushwise"


def initialise(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Create the tables, views and meta of a new project; return the meta."""
    meta = {
        "application": APPLICATION,
        "schema_version": str(schema.SCHEMA_VERSION),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "created_by": ml.__version__,
        # For support: which DuckDB wrote the file (its storage format follows it).
        "duckdb_version": duckdb.__version__,
        "project_id": uuid.uuid4().hex,
    }
    con.begin()
    try:
        for ddl in (*schema.TABLES.values(), *schema.VIEWS.values()):
            con.execute(ddl)
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        con.commit()
    except BaseException:
        connection.quiet_rollback(con)
        raise
    # Fold the new tables into the main file now, so a new project is complete
    # on disk without its write-ahead log.
    con.execute("CHECKPOINT")
    return meta


def inspect(path: Path) -> int:
    """Return the schema version of a project, reading it without changing it."""
    # Read-only, so that a file that turns out not to be ours, or to be newer,
    # is left exactly as it was (not even its write-ahead log is replayed).
    con = connection.connect(path, read_only=True)
    try:
        with connection.reading(path):
            meta = read_meta(con)
    finally:
        con.close()
    if meta is None or meta.get("application") != APPLICATION:
        raise connection.not_a_project(
            path, "this is a database, but not a Pushwise project."
        )
    try:
        version = int(meta["schema_version"])
    except (KeyError, ValueError) as exc:
        raise connection.damaged(path, "its format version is missing") from exc
    if version > schema.SCHEMA_VERSION:
        raise connection.newer(
            path,
            f"project format {version}; this version reads up to "
            f"format {schema.SCHEMA_VERSION}",
        )
    if version < 1:
        raise connection.damaged(path, f"unknown format version {version}")
    return version


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """Return the meta table as a dict, or None if the database has none."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = 'meta'"
    ).fetchone()
    if found is None or found[0] == 0:
        return None
    try:
        rows = con.execute("SELECT key, value FROM meta").fetchall()
    except duckdb.BinderException:
        return None  # another program's table called meta
    return {str(key): str(value) for key, value in rows}


def check_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise ProjectError if a table of the current schema is missing."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = "
        "current_database() AND schema_name = 'main'"
    ).fetchall()
    missing = sorted(set(schema.TABLES) - {str(row[0]) for row in rows})
    if missing:
        raise connection.damaged(path, f"tables missing: {', '.join(missing)}")
