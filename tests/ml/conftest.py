"""Fixtures shared by the engine tests (no Qt here)."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from ml.dataset import Interactions, load_interactions
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.conftest import ONLINE_RETAIL


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection for running parser SQL."""
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def online_retail(tmp_path_factory: pytest.TempPathFactory) -> Interactions:
    """The full UCI Online Retail file, imported once per test run."""
    if not ONLINE_RETAIL.is_file():
        pytest.skip("../shared/data/online-retail is not beside the repository")
    path = tmp_path_factory.mktemp("retail") / "retail.pushwise"
    with Project.open(path, create=True) as project:
        import_file(project, ONLINE_RETAIL)
        return load_interactions(project)
