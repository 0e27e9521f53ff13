"""The project file: one DuckDB database per project, its import log and mappings."""

from __future__ import annotations

from ml.store.importlog import ImportRecord
from ml.store.info import ProjectInfo
from ml.store.project import EXTENSION, Project

__all__ = ["EXTENSION", "ImportRecord", "Project", "ProjectInfo"]
