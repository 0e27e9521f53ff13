"""Running a workflow on a project in a child process, with the engine's
progress and cancellation.

``run_in_worker(path, fn, *args, report=..., stop_requested=...)`` blocks
like ``fn`` itself would, so a GUI job thread (or a script) calls it as it
would call the workflow. The child opens the project at ``path`` and calls
``fn(project, *args, report=..., stop_requested=...)``. Its memory, its
threads and the GIL it holds are its own: a window waiting on it stays
responsive, and a job that runs out of memory or crashes takes only the child
with it. Cancel ends the child within ``STOP_GRACE_S`` (then it is killed),
and since the engine writes in transactions, the project is as it was.

``fn`` and ``args`` must be picklable (a module-level function, plain data).
On Linux the child is a copy (fork) of a server process that loaded the
engine once (``PRELOAD``), so a worker starts in a tenth of a second instead
of the two seconds a fresh interpreter takes to load pandas and scikit-learn;
the server starts with the first worker, or earlier with ``start_server()``,
and ends with the program. Elsewhere the child is a fresh interpreter
("spawn"). Either way the child runs with the caller's environment variables
of the moment of the call (the user's folders, thread counts), not those the
server started with. ``fn`` may also be named as "package.module:function",
so that the caller need not load the engine module itself (the window does
not).

A ``WorkerSession`` is a worker that stays alive between calls: each call
runs ``fn(memory, project or None, *args, report=, stop_requested=)``, and
``memory`` (a dict) keeps what one call leaves for the next (the push plan's
scored candidates, re-planned on every rule change without the window ever
holding them).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml.errors import Cancelled, PushwiseError
from ml.progress import ReportFn, StopFn, never, no_report

if TYPE_CHECKING:  # the forkserver's is defined on Unix only
    from multiprocessing.context import ForkServerContext, SpawnContext

# After Cancel, the child has this long to stop at its next check; then it
# is terminated (the target: a job ends within 1 s of Cancel).
STOP_GRACE_S = 0.6
# Progress is passed on at most this often (a job reporting every row would
# otherwise flood the pipe).
_PROGRESS_INTERVAL_S = 0.05
_POLL_S = 0.05
# How often a worker's start is tried while a killed server is ending (which
# takes a few milliseconds, or longer on a loaded machine), _POLL_S apart.
_START_TRIES = 20
# What the workers' jobs load (Train, the check, the push plan, imports): the
# Linux server loads them once, and every worker starts with them loaded.
# ml.workerprocess comes first: it notes the server's environment before the
# others' imports add to it.
PRELOAD = (
    "ml.workerprocess",
    "ml.store.project",
    "ml.workflows.imports",
    "ml.workflows.train",
    "ml.workflows.plan",
)
# Read by the OpenMP runtime once, when it loads: in the server, before the
# caller may have set it.
_THREADS_VARIABLE = "OMP_NUM_THREADS"
# The environment variables this process started with (see _set_by_imports).
_ENVIRONMENT_AT_START = dict(os.environ)


class WorkerFailed(PushwiseError):
    """The child process ended without a result: it ran out of memory,
    crashed, or an unexpected error stopped it."""


WorkerFn = Callable[..., Any] | str


def run_in_worker(
    path: Path,
    fn: WorkerFn,
    *args: Any,
    task: str = "the job",
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> Any:
    """fn(project at path, *args, report=, stop_requested=) run in a child
    process; returns its result, raises its PushwiseError, Cancelled when
    stop_requested() turned true, or WorkerFailed naming `task` in plain
    words when the child died (out of memory, crashed)."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(
        target=_child_main,
        args=(Path(path), fn, args, dict(os.environ), sender, stop),
        name="pushwise-worker",
        daemon=True,
    )
    _start(child)
    sender.close()  # the child holds the only writing end now
    try:
        return _follow(child, receiver, stop, task, report, stop_requested)
    finally:
        receiver.close()
        _end(child)


def start_server() -> None:
    """Start the process the workers are copied from (on Linux; elsewhere
    nothing), so the first job need not wait for it to load the engine.

    Returns at once: the server loads ``PRELOAD`` in its own process.
    """
    if _forks():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def _forks() -> bool:
    """Whether workers are copies of a server process (Linux) or fresh
    interpreters (elsewhere: fork is unsafe on macOS, absent on Windows)."""
    return sys.platform.startswith("linux")


def _context() -> SpawnContext | ForkServerContext:
    """The multiprocessing context workers start in (see the module's doc)."""
    if not _forks():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _start(child: Any) -> None:
    """Start the child process; a server that died since the last worker
    (killed, crashed) is started again."""
    for tries_left in reversed(range(_START_TRIES)):
        try:
            child.start()
            return
        except (OSError, EOFError):
            if not _forks() or not tries_left:
                raise
            # The server is ending (it did not answer) but still counts as
            # running; once it has ended, the next try starts a new one.
            time.sleep(_POLL_S)


class WorkerSession:
    """A worker process that stays alive between calls and keeps, in its
    memory, what they leave there; started on the first call.

    Calls run one at a time (from any thread). A call that is cancelled,
    runs out of memory or crashes ends the worker: its memory is gone and
    the next call starts a fresh one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: Any = None
        self._connection: Connection | None = None
        self._stop: Any = None

    def call(
        self,
        fn: WorkerFn,
        *args: Any,
        path: Path | None = None,
        task: str = "the job",
        report: ReportFn = no_report,
        stop_requested: StopFn = never,
    ) -> Any:
        """fn(memory, project at path or None, *args, report=,
        stop_requested=) in the worker; as run_in_worker otherwise."""
        with self._lock:
            connection, stop = self._started()
            stop.clear()
            connection.send(("call", path, fn, args, dict(os.environ)))
            try:
                return _follow(
                    self._child, connection, stop, task, report, stop_requested
                )
            except (Cancelled, WorkerFailed):
                self._end()
                raise

    @property
    def alive(self) -> bool:
        """Whether the worker runs (its memory kept since it started)."""
        child = self._child  # read once: a job's thread may end it meanwhile
        return child is not None and bool(child.is_alive())

    def close(self) -> None:
        """End the worker (its memory with it)."""
        with self._lock:
            self._end()

    def _started(self) -> tuple[Connection, Any]:
        if self._child is None or not self._child.is_alive():
            self._end()
            context = _context()
            mine, theirs = context.Pipe(duplex=True)
            self._stop = context.Event()
            self._child = context.Process(
                target=_session_main,
                args=(theirs, self._stop),
                name="pushwise-session",
                daemon=True,
            )
            _start(self._child)
            theirs.close()
            self._connection = mine
        assert self._connection is not None
        return self._connection, self._stop

    def _end(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.send(("quit",))
            self._connection.close()
            self._connection = None
        if self._child is not None:
            _end(self._child)
            self._child = None


def _follow(
    child: Any,
    receiver: Connection,
    stop: Any,
    task: str,
    report: ReportFn,
    stop_requested: StopFn,
) -> Any:
    """Relay the child's messages until it ends; see run_in_worker."""
    stopping_since: float | None = None
    while True:
        if stopping_since is None and stop_requested():
            stop.set()
            stopping_since = time.monotonic()
        if stopping_since is not None and (
            time.monotonic() - stopping_since > STOP_GRACE_S
        ):
            raise Cancelled
        try:
            ready = receiver.poll(_POLL_S)
            message = receiver.recv() if ready else None
        except (EOFError, OSError):
            message = ("died",)
        if message is None:
            continue
        kind = message[0]
        if kind == "progress":
            if stopping_since is None:
                report(message[1], message[2])
        elif kind == "result":
            return message[1]
        elif kind == "cancelled":
            raise Cancelled
        elif kind == "error":
            raise message[1]
        elif stopping_since is not None:
            raise Cancelled  # died while stopping: that is what was asked
        else:
            raise _failure(task, kind, message[1:], child)


def _failure(
    task: str, kind: str, details: tuple[Any, ...], child: Any
) -> WorkerFailed:
    """What went wrong with the child, in plain words."""
    if kind == "died":
        child.join(2.0)
        code = child.exitcode
        if code in (-signal.SIGKILL, 137):
            kind = "memory"  # the system's out-of-memory killer uses SIGKILL
        else:
            return WorkerFailed(
                f"{_capital(task)} stopped unexpectedly (its process ended with "
                f"code {code}).",
                hint="Nothing was changed in the project. Try again; if it "
                "happens again, send the log file to support.",
            )
    if kind == "memory":
        return WorkerFailed(
            f"{_capital(task)} needed more memory than this computer has free.",
            hint="Nothing was changed in the project. Close other programs and "
            "try again, or work on a shorter period of history (an earlier "
            "as-of date, or import fewer months).",
        )
    text = details[0] if details else "an unexpected error"
    failure = WorkerFailed(
        f"{_capital(task)} stopped on an unexpected error ({text}).",
        hint="Nothing was changed in the project. Try again; if it happens "
        "again, send the log file to support.",
    )
    if len(details) > 1:  # for the log file, not the message
        failure.add_note(f"In the worker process:\n{details[1]}")
    return failure


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _end(child: Any) -> None:
    """Make sure the child is gone: terminated, then killed."""
    child.join(0.2)
    if child.is_alive():
        child.terminate()
        child.join(0.5)
    if child.is_alive():
        child.kill()
        child.join(1.0)


def _child_main(
    path: Path,
    fn: WorkerFn,
    args: tuple[Any, ...],
    environment: dict[str, str],
    sender: Connection,
    stop: Any,
) -> None:
    """A one-call child process: run fn on the project, send what came of it."""
    try:
        _adopt(environment)
        _send(sender, _run_one(path, fn, args, sender, stop, memory=None))
    finally:
        sender.close()


def _session_main(connection: Connection, stop: Any) -> None:
    """A session's child process: run each call it is sent, keeping memory."""
    memory: dict[str, Any] = {}
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return  # the window went away
        if message[0] == "quit":
            return
        _, path, fn, args, environment = message
        _adopt(environment)
        _send(connection, _run_one(path, fn, args, connection, stop, memory))


def _adopt(environment: dict[str, str]) -> None:
    """Take the caller's environment variables: a server's copy has those
    of the server's start (another test's folders, another user setting)."""
    threads = os.environ.get(_THREADS_VARIABLE)
    own = _set_by_imports()
    os.environ.clear()
    os.environ.update({**own, **environment})
    wanted = os.environ.get(_THREADS_VARIABLE)
    if wanted != threads and wanted is not None and wanted.isdigit():
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(wanted), user_api="openmp")


@functools.cache
def _set_by_imports() -> dict[str, str]:
    """The variables this process's imports set (scikit-learn's KMP_*, when
    the server loaded it), which a worker keeps as a fresh interpreter would;
    read before the first call's variables are taken."""
    return {
        name: value
        for name, value in os.environ.items()
        if _ENVIRONMENT_AT_START.get(name) != value
    }


def _run_one(
    path: Path | None,
    fn: WorkerFn,
    args: tuple[Any, ...],
    sender: Connection,
    stop: Any,
    memory: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """Run one call (with the project at path open, when given); its outcome."""
    from ml.store.project import Project

    last = 0.0

    def report(fraction: float, message: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < _PROGRESS_INTERVAL_S and fraction < 1.0:
            return
        last = now
        sender.send(("progress", float(fraction), str(message)))

    try:
        if isinstance(fn, str):
            module, _, name = fn.partition(":")
            fn = getattr(importlib.import_module(module), name)
            assert callable(fn)
        # The caller checked the file's blocks when it opened it.
        opened = (
            contextlib.nullcontext(None)
            if path is None
            else Project.open(path, check_blocks=False)
        )
        with opened as project:
            head = (project,) if memory is None else (memory, project)
            result = fn(*head, *args, report=report, stop_requested=stop.is_set)
        return ("result", result)
    except Cancelled:
        return ("cancelled",)
    except MemoryError:
        return ("memory",)
    except PushwiseError as error:
        return ("error", error)
    except BaseException as error:  # everything else is a crash, said plainly
        return ("crash", f"{type(error).__name__}: {error}", traceback.format_exc())


def _send(sender: Connection, outcome: tuple[Any, ...]) -> None:
    """Send a call's outcome; one that cannot be sent is said as such."""
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory",))
    except Exception as error:  # a result that cannot be pickled is a bug
        sender.send(("crash", f"the result could not be passed back: {error}"))
