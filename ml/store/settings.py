"""The settings table: what belongs to the project rather than to one user's
computer (such as the push rules), as JSON text per key.

The functions take a connection, so that the GUI can read and save a setting
through its own cursor while a job holds the project's connection.
"""

from __future__ import annotations

from datetime import datetime

import duckdb


def read_setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """Return the JSON text saved under key, or None."""
    row = con.execute("SELECT value_json FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def write_setting(con: duckdb.DuckDBPyConnection, key: str, value_json: str) -> None:
    """Save JSON text under key, replacing what was saved before (one statement,
    so it commits on its own)."""
    con.execute(
        "INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
        "SET value_json = excluded.value_json, updated_at = excluded.updated_at",
        [key, value_json, datetime.now()],
    )
