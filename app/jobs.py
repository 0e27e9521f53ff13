"""The only worker class: a Job runs a plain function off the GUI thread.

The function has the engine's signature, ``fn(report, stop_requested) -> result``
(see ml.progress). Widgets get results only through the job's signals, which
are always emitted on the GUI thread, so any slot or lambda may touch widgets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from ml.errors import Cancelled
from ml.progress import ReportFn, StopFn

JobFn = Callable[[ReportFn, StopFn], Any]

# Progress from the worker is passed on at most this often, so that a function
# reporting every row cannot flood the GUI thread's event queue.
_PROGRESS_INTERVAL_S = 0.05


class Job(QObject):
    """One long task run on a QThreadPool, with progress and cancellation.

    Signals (emitted on the GUI thread): ``progressed(fraction, message)``, then
    ``returned()`` (the function has returned), exactly one of
    ``succeeded(result)``, ``failed(exception)`` or ``cancelled()``, then
    ``finished()``.
    """

    progressed = Signal(float, str)
    returned = Signal()
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    # Emitted from the worker thread; queued onto this object's (GUI) thread.
    _worker_progressed = Signal(float, str)
    _worker_ended = Signal(str, object)

    def __init__(self, fn: JobFn, name: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self.fn: JobFn | None = fn
        self.name = name
        self.message = ""
        self.fraction = 0.0
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._started = False
        self._done = False
        self._last_report = 0.0
        self._worker_progressed.connect(
            self._on_worker_progressed, Qt.ConnectionType.QueuedConnection
        )
        self._worker_ended.connect(
            self._on_worker_ended, Qt.ConnectionType.QueuedConnection
        )

    # -- control (GUI thread) -------------------------------------------------

    def start(self, pool: QThreadPool | None = None) -> None:
        """Run the job on the pool (the global one by default)."""
        if self._started:
            raise RuntimeError("a job can be started only once")
        self._started = True
        (pool or QThreadPool.globalInstance()).start(_JobRunnable(self))

    def cancel(self) -> None:
        """Ask the function to stop; it raises Cancelled at its next check."""
        self._stop.set()

    def stop_requested(self) -> bool:
        """Whether cancel() was called (the function's StopFn)."""
        return self._stop.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the function has returned; False on timeout."""
        if not self._started:
            return True
        return self._ended.wait(timeout_s)

    @property
    def running(self) -> bool:
        """Started and not yet finished (finished() not yet emitted)."""
        return self._started and not self._done

    @property
    def done(self) -> bool:
        """Whether finished() has been emitted."""
        return self._done

    # -- worker thread --------------------------------------------------------

    def _run(self) -> None:
        outcome: str
        payload: object = None
        fn, self.fn = self.fn, None  # the closure (and what it holds) goes with it
        assert fn is not None  # start() runs a job once
        try:
            payload = fn(self._report, self.stop_requested)
            outcome = "succeeded"
        except Cancelled:
            outcome = "cancelled"
        except BaseException as error:  # every error goes to the GUI
            outcome, payload = "failed", error
        finally:
            del fn
            self._ended.set()
        self._worker_ended.emit(outcome, payload)

    def _report(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if (
            message == self.message
            and now - self._last_report < _PROGRESS_INTERVAL_S
            and fraction < 1.0
        ):
            return
        self._last_report = now
        self.message = message
        self._worker_progressed.emit(float(fraction), str(message))

    # -- back on the GUI thread ------------------------------------------------

    @Slot(float, str)
    def _on_worker_progressed(self, fraction: float, message: str) -> None:
        if self._done:
            return
        self.fraction = fraction
        self.progressed.emit(fraction, message)

    @Slot(str, object)
    def _on_worker_ended(self, outcome: str, payload: object) -> None:
        self._done = True
        self.returned.emit()
        if outcome == "succeeded":
            self.succeeded.emit(payload)
        elif outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(payload)
        self.finished.emit()


class _JobRunnable(QRunnable):
    """The pool's handle on a job; the Job itself stays a plain QObject."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        self.job._run()


class JobRunner(QObject):
    """Keeps each running job alive, one job per slot (e.g. "import", "train").

    Starting a job in a busy slot cancels the old one. ``cancel_all`` and
    ``wait_all`` are for closing the window.
    """

    busy_changed = Signal(bool)
    job_started = Signal(object)  # the Job, for progress panels

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: dict[str, Job] = {}
        self._ending: list[Job] = []  # cancelled, not yet finished
        self.pool = QThreadPool(self)

    def start(self, job: Job, slot: str = "default") -> Job:
        """Start the job in the slot, cancelling the slot's previous job."""
        was_busy = self.busy
        old = self._jobs.pop(slot, None)
        if old is not None and not old.done:
            old.cancel()
            self._ending.append(old)
        self._jobs[slot] = job
        job.finished.connect(lambda: self._on_job_finished(job))
        job.start(self.pool)
        self.job_started.emit(job)
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def job(self, slot: str = "default") -> Job | None:
        """The running job in the slot, if any."""
        return self._jobs.get(slot)

    @property
    def busy(self) -> bool:
        """Whether any job is running."""
        return bool(self._jobs) or bool(self._ending)

    def active(self) -> list[Job]:
        """Every job whose function may still be running."""
        return [*self._jobs.values(), *self._ending]

    def cancel_all(self) -> None:
        """Ask every running job to stop."""
        for job in self.active():
            job.cancel()

    def wait_all(self, timeout_s: float = 10.0) -> bool:
        """Block until every job's function has returned; False on timeout."""
        deadline = time.monotonic() + timeout_s
        for job in self.active():
            if not job.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def _on_job_finished(self, job: Job) -> None:
        for slot, current in list(self._jobs.items()):
            if current is job:
                del self._jobs[slot]
        if job in self._ending:
            self._ending.remove(job)
        if not self.busy:
            self.busy_changed.emit(False)
