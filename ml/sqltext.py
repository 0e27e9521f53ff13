"""Quoting of identifiers and literals for SQL text built by the engine."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote a column or table name for DuckDB (any header text is safe)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + value.replace("'", "''") + "'"
