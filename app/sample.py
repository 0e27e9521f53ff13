"""The sample project: the bundled Online Retail slice, imported into a project."""

from __future__ import annotations

from pathlib import Path

from ml.progress import ReportFn, StopFn
from ml.resources import sample_orders
from ml.store.project import EXTENSION, Project, ProjectInfo

SAMPLE_PROJECT_NAME = "Sample project" + EXTENSION


def create_sample_project(
    path: Path, report: ReportFn, stop_requested: StopFn
) -> tuple[Project, ProjectInfo]:
    """Create the project at path and import the sample into it (a job function).

    Everything runs off the GUI thread, imports included; the open project and
    its numbers are handed back for AppState.adopt_project. On an error or a
    cancel the new file is removed again.
    """
    from ml.importing.importer import import_file  # a heavy import, off the GUI

    project = Project.create(path)
    try:
        import_file(
            project, sample_orders(), report=report, stop_requested=stop_requested
        )
        return project, project.info()
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        raise
