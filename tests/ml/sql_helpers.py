"""Run a parser's SQL expression over a few values, as the importer would."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from ml.sqltext import quote_literal


def run_sql(
    con: duckdb.DuckDBPyConnection, expr: str, values: Sequence[str | None]
) -> list[object]:
    """SELECT <expr> FROM (VALUES ...) t(x), in the order of ``values``."""
    rows = ", ".join(
        f"({i}, {quote_literal(v) if v is not None else 'NULL'})"
        for i, v in enumerate(values)
    )
    sql = f"SELECT {expr} FROM (VALUES {rows}) t(i, x) ORDER BY i"
    return [row[0] for row in con.execute(sql).fetchall()]
