"""AppState: the one place for the application's state, with *_changed signals.

Widgets read the state and change it only through its methods. The open
project's DuckDB connection belongs to one thread at a time: the GUI thread
reads through ``state.reader`` (a cursor of its own), and a job that needs the
project gets it through ``start_project_job``, which lends the project to that
job alone until it ends. A heavy job runs in a worker process
(``start_worker_job``): the window closes its connection so that the worker
may open the file, and opens it again (off the GUI thread) once the worker
has ended; ``reader_changed`` tells the pages that read through the old one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from PySide6.QtCore import QObject, Signal

from app.jobs import Job, JobRunner
from ml.errors import PushwiseError
from ml.progress import ReportFn, StopFn
from ml.store.project import Project, ProjectInfo
from ml.workerprocess import WorkerFn, WorkerSession, run_in_worker

ProjectJobFn = Callable[[Project, ReportFn, StopFn], Any]


class AppState(QObject):
    """The open project, current model run, plan and selection."""

    project_changed = Signal()  # opened, created or closed: re-read everything
    data_changed = Signal()  # the same project's data changed (after an import)
    model_changed = Signal()
    plan_changed = Signal()
    backtest_changed = Signal()
    campaigns_changed = Signal()  # a campaign was saved
    selection_changed = Signal()
    busy_changed = Signal(bool)  # a job took the project / gave it back
    reader_changed = Signal()  # state.reader closed or opened again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = JobRunner(self)
        self._project: Project | None = None
        self._path: Path | None = None  # also while a worker has the file
        self._read_only_reason: str | None = None
        self._reader: duckdb.DuckDBPyConnection | None = None
        self._info: ProjectInfo | None = None
        self._lent_to: Job | None = None
        # Opened again by a worker job's thread, for the GUI thread to take.
        self._reopened: list[Project] = []
        self.model: Any = None  # the current model run (set by the Model page)
        self.plan: Any = None  # the current push plan
        self.backtest: Any = None  # the latest backtest result
        self.selection: dict[str, Any] = {}  # e.g. {"offering_id": "85123A"}

    # -- the project ------------------------------------------------------------

    @property
    def project_path(self) -> Path | None:
        """The open project's file, or None."""
        return self._path

    @property
    def project(self) -> Project | None:
        """The open project for GUI-thread use; None while a job has it."""
        return None if self._lent_to is not None else self._project

    @property
    def has_project(self) -> bool:
        """Whether a project is open (even if a job has it right now)."""
        return self._path is not None

    @property
    def info(self) -> ProjectInfo | None:
        """What the project holds (cached; refreshed on each change)."""
        return self._info

    @property
    def reader(self) -> duckdb.DuckDBPyConnection | None:
        """A read connection for the GUI thread (usable while a job in this
        process runs; None while a worker process has the file)."""
        return self._reader

    @property
    def read_only_reason(self) -> str | None:
        """Why the open project can be viewed but not changed, or None."""
        return self._read_only_reason

    @property
    def busy(self) -> bool:
        """Whether a job holds the project."""
        return self._lent_to is not None

    def open_project(self, path: str | Path) -> None:
        """Open the project at path; raises ml.errors.PushwiseError if it cannot."""
        current = self.project_path
        if current is not None and current.resolve() == Path(path).resolve():
            return  # already the open project
        project = Project.open(Path(path))
        self._replace(project)

    def new_project(self, path: str | Path) -> None:
        """Create an empty project at path and make it current."""
        project = Project.create(Path(path))
        self._replace(project)

    def adopt_project(self, project: Project, info: ProjectInfo | None = None) -> None:
        """Make a project opened elsewhere (e.g. created by a job) the current one."""
        self._replace(project, info)

    def close_project(self) -> None:
        """Close the open project (cancelling and waiting for its job)."""
        if self._path is None:
            return
        self._release()
        self._info = None
        self.set_model(None)
        self.set_plan(None)
        self.set_backtest(None)
        self.project_changed.emit()

    def refresh(self) -> None:
        """Re-read the project's numbers and tell everyone its data changed."""
        if self.project is None:
            return
        self._info = self.project.info()
        self.data_changed.emit()

    # -- jobs on the project ----------------------------------------------------

    def start_project_job(
        self, fn: ProjectJobFn, *, name: str = "", changes_data: bool = True
    ) -> Job:
        """Run fn(project, report, stop_requested) off the GUI thread.

        The project is lent to the job until its function returns
        (state.project is None meanwhile); if changes_data and the job
        succeeded, state.info is refreshed and data_changed is emitted before
        the caller's own succeeded slots run.
        Only one project job runs at a time: RuntimeError while busy.
        """
        project = self._project
        if project is None:
            raise RuntimeError("no project is open")
        if self._lent_to is not None:
            raise RuntimeError("another job is using the project")
        job = Job(lambda report, stop: fn(project, report, stop), name=name)
        self._lent_to = job

        def give_back() -> None:
            if self._lent_to is job:
                self._lent_to = None
                self.busy_changed.emit(False)

        def refresh() -> None:
            if changes_data and self._project is project:
                self.refresh()

        # Connected before the caller's slots: by the time they run, the
        # project is back (state.project) and its numbers are current.
        job.returned.connect(give_back)
        job.succeeded.connect(refresh)
        self.jobs.start(job, slot="project")
        self.busy_changed.emit(True)
        return job

    def start_worker_job(
        self,
        fn: WorkerFn,
        *args: Any,
        task: str,
        name: str = "",
        changes_data: bool = True,
        session: WorkerSession | None = None,
    ) -> Job:
        """Run fn(project, *args, report=, stop_requested=) in a worker process
        (ml.workerprocess), `task` naming it in messages ("the training");
        with a session, fn(memory, project, *args, ...) in that session's.

        The window's connection is closed while the worker has the file
        (state.reader is None, reader_changed is emitted) and opened again,
        off the GUI thread, once the worker has ended; then as for
        start_project_job. RuntimeError while busy.
        """
        path = self._path
        if path is None:
            raise RuntimeError("no project is open")
        if self._lent_to is not None:
            raise RuntimeError("another job is using the project")
        # The worker opens the file itself. From now on the pages read nothing
        # (state.reader is None); the jobs still reading through cursors are
        # stopped and waited for, and the connection closed, in this job's
        # thread: a read that takes a second never holds the window.
        readers = self.jobs.active()
        for other in readers:
            other.cancel()
        closing = (self._reader, self._project)
        self._reader = self._project = None
        reopened = self._reopened

        def run(report: ReportFn, stop: StopFn) -> Any:
            for other in readers:
                other.wait(60.0)
            _close_quietly(*closing)
            # The file is opened again here, off the GUI thread (the window
            # checked its blocks when it first opened it); if it cannot be,
            # the job fails saying why.
            try:
                if session is None:
                    result = run_in_worker(
                        path, fn, *args, task=task, report=report, stop_requested=stop
                    )
                else:
                    result = session.call(
                        fn,
                        *args,
                        path=path,
                        task=task,
                        report=report,
                        stop_requested=stop,
                    )
            except BaseException:
                with contextlib.suppress(PushwiseError):
                    reopened.append(Project.open(path, check_blocks=False))
                raise
            reopened.append(Project.open(path, check_blocks=False))
            return result

        job = Job(run, name=name)
        self._lent_to = job

        def give_back() -> None:
            if self._lent_to is not job:
                return  # the window closed the project meanwhile (_release)
            self._lent_to = None
            if reopened:
                self._install(reopened.pop())
                self.reader_changed.emit()
                self.busy_changed.emit(False)
            else:  # the file cannot be opened any more: show no project
                self.close_project()

        def refresh() -> None:
            if changes_data and self._project is not None:
                self.refresh()

        job.returned.connect(give_back)
        job.succeeded.connect(refresh)
        self.jobs.start(job, slot="project")
        self.reader_changed.emit()
        self.busy_changed.emit(True)
        return job

    def start_job(self, fn: Callable[[ReportFn, StopFn], Any], slot: str) -> Job:
        """Run a job that does not touch the open project (cancels the slot's old)."""
        return self.jobs.start(Job(fn, name=slot), slot=slot)

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Cancel every job, wait for them, and close the project (window closing)."""
        self.jobs.cancel_all()
        self.jobs.wait_all(timeout_s)
        self.close_project()

    # -- model, plan, selection -------------------------------------------------

    def set_model(self, model: Any) -> None:
        """Make a trained model run current."""
        if model is not self.model:
            self.model = model
            self.model_changed.emit()

    def set_plan(self, plan: Any) -> None:
        """Make a push plan current."""
        if plan is not self.plan:
            self.plan = plan
            self.plan_changed.emit()

    def set_backtest(self, backtest: Any) -> None:
        """Make a backtest result current."""
        if backtest is not self.backtest:
            self.backtest = backtest
            self.backtest_changed.emit()

    def select(self, **selection: Any) -> None:
        """Change the selection (e.g. select(offering_id="85123A"))."""
        self.selection = dict(selection)
        self.selection_changed.emit()

    # -- internals --------------------------------------------------------------

    def _replace(self, project: Project, info: ProjectInfo | None = None) -> None:
        try:
            info = info or project.info()
            reader = project.con.cursor()
        except BaseException:
            project.close()
            raise
        self._release()
        self._install(project, reader)
        self._info = info
        self.selection = {}
        # Nothing of the previous project stays on any page.
        self.set_model(None)
        self.set_plan(None)
        self.set_backtest(None)
        self.project_changed.emit()

    def _install(
        self, project: Project, reader: duckdb.DuckDBPyConnection | None = None
    ) -> None:
        """Make an open project file the current connection."""
        self._project = project
        self._path = project.path
        self._read_only_reason = project.read_only_reason
        self._reader = project.con.cursor() if reader is None else reader

    def _close_connection(self) -> None:
        """Close the window's connection (keeping which project is open)."""
        # Every job reads the project through its connection or a cursor of it:
        # they all end before the connection closes.
        self.jobs.cancel_all()
        self.jobs.wait_all(60.0)
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._project is not None:
            self._project.close()
            self._project = None

    def _release(self) -> None:
        self._close_connection()
        while self._reopened:  # a worker job ended as the project closed
            self._reopened.pop().close()
        if self._lent_to is not None:
            self._lent_to = None
            self.busy_changed.emit(False)
        self._path = None
        self._read_only_reason = None


def _close_quietly(
    reader: duckdb.DuckDBPyConnection | None, project: Project | None
) -> None:
    """Close the window's cursor and connection (a worker takes the file)."""
    if reader is not None:
        with contextlib.suppress(duckdb.Error):
            reader.close()
    if project is not None:
        project.close()
