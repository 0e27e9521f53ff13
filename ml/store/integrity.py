"""Checking that every data block of a project reads back, before any work.

DuckDB stores a checksum with each block, but checks it only when the block
is read; ``count(*)`` and the overview's queries are answered from metadata or
a few columns, so a cut-off file or a flipped byte deep inside a table stays
hidden until a model or an export meets it. Hashing every column of every
table reads every block once: about 0.1 s for a 540,000-line project.

Saved models' bytes are left to their signature (load_model checks it, and a
model that fails is retrained): reading them all here would hold hundreds of
MB in the window for as long as the project is open.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ml.errors import ProjectError
from ml.store import connection

# Columns whose damage their own check finds: a model's bytes, by its signature.
_SIGNED = {("models", "payload")}


def verify(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Read every block of every table; ProjectError ("damaged") if one fails."""
    columns = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main') "
        "ORDER BY table_name, column_index"
    ).fetchall()
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        if (table, column) not in _SIGNED:
            by_table.setdefault(str(table), []).append(str(column))
    for table, names in by_table.items():
        # sum(hash(...)) needs every value, so DuckDB cannot answer it from
        # statistics and must read (and checksum) every block of the column.
        sums = ", ".join(f"sum(hash({_quote(name)}))" for name in names)
        try:
            con.execute(f"SELECT {sums} FROM {_quote(table)}").fetchall()
        except duckdb.OutOfMemoryException as exc:  # not damage: say what it is
            raise ProjectError(
                f"{path} could not be checked: this computer has too little free "
                "memory.",
                hint="Close other programs and open the project again.",
            ) from exc
        except duckdb.Error as exc:
            raise connection.damaged(path, str(exc)) from exc


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
