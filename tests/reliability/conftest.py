"""Fixtures of the fault tests: a small shop's project and a second orders
file to import into it (built once per module, copied for each test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reliability.faults import make_orders_csv, make_project


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project holding 4,000 lines of the sample, and the next 4,000 lines."""
    folder = tmp_path_factory.mktemp("shop")
    project = make_project(folder, make_orders_csv(folder))
    more = make_orders_csv(folder, skip=4_000, name="more.csv")
    return project, more


@pytest.fixture
def project(files: tuple[Path, Path], tmp_path: Path) -> Path:
    """A fresh copy of the project, for one test."""
    path = tmp_path / "shop.pushwise"
    shutil.copyfile(files[0], path)
    return path
