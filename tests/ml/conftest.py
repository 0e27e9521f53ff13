"""Fixtures shared by the engine tests (no Qt here)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection for running parser SQL."""
    connection = duckdb.connect()
    yield connection
    connection.close()
