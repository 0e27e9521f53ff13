"""The window's sample project: its file name, and the job that makes it."""

from __future__ import annotations

from pathlib import Path

from ml.progress import ReportFn, StopFn
from ml.store.project import EXTENSION, Project, ProjectInfo

SAMPLE_PROJECT_NAME = "Sample project" + EXTENSION


def create_sample_project(
    path: Path, report: ReportFn, stop_requested: StopFn
) -> tuple[Project, ProjectInfo]:
    """Make the sample project at path (a job function: runs off the GUI thread).

    The open project and its numbers are handed back for AppState.adopt_project.
    """
    # The import workflow loads the readers and the importer (~0.1 s): only
    # in the job, so that the window opens without them.
    from ml.workflows import imports

    return imports.create_sample_project(path, report, stop_requested)
