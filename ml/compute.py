"""Where the heavy steps run: in this process (the default), or on a Dask
cluster named by its scheduler's address.

The workflows enter ``on_cluster(project)`` around their work; the engine's
data-parallel steps (training windows, customer chunks of scoring, backtest
folds, the demand model's fit) then go through ``current().map``, which runs
them here one after the other, or on the cluster's workers with the same
inputs and the same chunk boundaries, so both give the same results. The
address comes from ``--scheduler`` (``scheduler_given``), else the
PUSHWISE_SCHEDULER environment variable, else the project's setting; with
none, everything runs here as it always did.

Dask and distributed are the optional ``cluster`` extra: they are imported
only once a cluster is asked for, never by the desktop bundle.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
)

from ml.errors import PushwiseError
from ml.progress import StopFn, check_cancel, never
from ml.store.settings import read_setting, write_setting

if TYPE_CHECKING:
    import duckdb
    from distributed import Client

    from ml.store.project import Project

R = TypeVar("R")
T = TypeVar("T")
P = ParamSpec("P")
SCHEDULER_ENV = "PUSHWISE_SCHEDULER"
SCHEDULER_SETTING = "cluster_scheduler"
INSTALL_HINT = "Install the cluster extra: pip install 'pushwise[cluster]'."
# How long to wait for the scheduler to answer, and for a first worker.
_CONNECT_S = 10.0
# How often a job on the cluster checks whether the user asked it to stop.
_POLL_S = 0.5
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://\S+$")


def _ignore(count: int) -> None:
    """A done callback that does nothing."""


class ClusterError(PushwiseError):
    """The cluster cannot be used: the extra is missing, the scheduler cannot
    be reached, or a worker was lost in the middle of a job."""


class Executor(Protocol):
    """Runs fn(*shared, item) for each item and returns the results in order."""

    @property
    def workers(self) -> int:
        """How many items run at the same time."""
        ...

    @property
    def remote(self) -> bool:
        """Whether the items run in other processes (progress reported inside
        fn is then not seen here)."""
        ...

    def share(self, value: T) -> T:
        """`value`, sent to the workers once for every map of this executor
        (for large inputs that do not change, such as the history)."""
        ...

    def map(
        self,
        fn: Callable[..., R],
        items: Sequence[Any],
        shared: Sequence[Any] = (),
        *,
        stop_requested: StopFn = never,
        done: Callable[[int], None] = _ignore,
    ) -> list[R]:
        """fn(*shared, item) for every item, in the order of the items;
        done(n) is called each time n items have finished."""
        ...


class LocalExecutor:
    """Everything in this process, one item after the other."""

    workers = 1
    remote = False

    def share(self, value: T) -> T:
        """The value itself: nothing to send."""
        return value

    def map(
        self,
        fn: Callable[..., R],
        items: Sequence[Any],
        shared: Sequence[Any] = (),
        *,
        stop_requested: StopFn = never,
        done: Callable[[int], None] = _ignore,
    ) -> list[R]:
        """fn(*shared, item) for every item, in order."""
        results = []
        for item in items:
            check_cancel(stop_requested)
            results.append(fn(*shared, item))
            done(len(results))
        return results


class DaskExecutor:
    """The items on a Dask cluster: the shared inputs sent to every worker
    once, one task per item, the results gathered in order."""

    remote = True

    def __init__(self, client: Client, address: str) -> None:
        self.client = client
        self.address = address
        # What share() sent, by the identity of the value (kept alive, so
        # that its id is not reused while the executor lives).
        self._sent: dict[int, tuple[Any, Any]] = {}

    def share(self, value: T) -> T:
        """A handle of `value` on the workers (sent the first time only),
        which map passes to the tasks as the value itself."""
        known = self._sent.get(id(value))
        if known is None:
            with _lost_cluster(self.address):
                future = self.client.scatter(value, broadcast=True, hash=False)  # type: ignore[no-untyped-call]
            known = self._sent[id(value)] = (value, future)
        return cast(T, known[1])

    @property
    def workers(self) -> int:
        """The cluster's workers (at least one)."""
        return max(len(self.client.scheduler_info(n_workers=-1)["workers"]), 1)

    def map(
        self,
        fn: Callable[..., R],
        items: Sequence[Any],
        shared: Sequence[Any] = (),
        *,
        stop_requested: StopFn = never,
        done: Callable[[int], None] = _ignore,
    ) -> list[R]:
        """fn(*shared, item) for every item on the workers; a lost worker or
        scheduler is a ClusterError, the task's own error is raised as it is."""
        from distributed import Future

        futures: list[Any] = []
        try:
            with _lost_cluster(self.address):
                # Keys of their own (hash=False): a value sent by an earlier
                # job may be in the middle of being released.
                sent = [
                    v
                    if isinstance(v, Future)
                    else self.client.scatter(v, broadcast=True, hash=False)  # type: ignore[no-untyped-call]
                    for v in shared
                ]
                futures = [
                    self.client.submit(_on_worker, fn, *sent, item, pure=False)
                    for item in items
                ]
                finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
                for future in futures:
                    future.add_done_callback(finished.put)
                for finished_count in range(1, len(futures) + 1):
                    while True:
                        check_cancel(stop_requested)
                        with contextlib.suppress(queue.Empty):
                            future = finished.get(timeout=_POLL_S)
                            break
                    if future.status != "finished":
                        future.result()  # raises the task's error here
                    done(finished_count)
                return list(self.client.gather(futures))  # type: ignore[no-untyped-call]
        finally:
            # A stopped or failed job leaves nothing running on the cluster.
            if futures:
                with contextlib.suppress(Exception):
                    self.client.cancel(futures)  # type: ignore[no-untyped-call]


_LOCAL = LocalExecutor()
_current: ContextVar[Executor] = ContextVar("pushwise_executor", default=_LOCAL)
_given: ContextVar[str | None] = ContextVar("pushwise_scheduler", default=None)


def current() -> Executor:
    """The executor of the workflow running now (local outside on_cluster)."""
    return _current.get()


@contextlib.contextmanager
def scheduler_given(address: str | None) -> Iterator[None]:
    """Within this block, the workflows use this scheduler (None: as the
    environment or the project says); --scheduler of the command line."""
    token = _given.set(None if address is None else check_address(address))
    try:
        yield
    finally:
        _given.reset(token)


def scheduler_for(project: Project | None) -> str | None:
    """The scheduler address a workflow on `project` uses: --scheduler, else
    PUSHWISE_SCHEDULER, else the project's setting; None: this computer."""
    given = _given.get()
    if given:
        return given
    env = os.environ.get(SCHEDULER_ENV, "").strip()
    if env:
        return check_address(env, where=SCHEDULER_ENV)
    return None if project is None else read_scheduler(project.con)


@contextlib.contextmanager
def on_cluster(project: Project | None) -> Iterator[Executor]:
    """The executor for a workflow on `project` (scheduler_for), current for
    the block; a workflow inside another one keeps the outer's."""
    if current().remote:
        yield current()
        return
    address = scheduler_for(project)
    if address is None:
        yield _LOCAL
        return
    with connect(address) as client:
        token = _current.set(DaskExecutor(client, address))
        try:
            yield _current.get()
        finally:
            _current.reset(token)


def uses_cluster(
    workflow: Callable[Concatenate[Project, P], R],
) -> Callable[Concatenate[Project, P], R]:
    """Run workflow(project, ...) within on_cluster(project)."""

    def run(project: Project, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with on_cluster(project):
            return workflow(project, *args, **kwargs)

    functools.update_wrapper(run, workflow)
    return run


@contextlib.contextmanager
def connect(address: str) -> Iterator[Client]:
    """A client of the scheduler at `address` with at least one worker;
    ClusterError saying what is wrong otherwise."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            f"a cluster ({address}) was asked for, but Dask is not installed "
            "on this computer.",
            hint=INSTALL_HINT,
        ) from None
    try:
        _check_listening(address)
        client = Client(  # type: ignore[no-untyped-call]
            address, timeout=_CONNECT_S, set_as_default=False, name="pushwise"
        )
    except (OSError, TimeoutError) as error:
        raise ClusterError(
            f"could not reach the cluster's scheduler at {address} ({error}).",
            hint="Check the address and that the cluster is running, or clear "
            "it to work on this computer.",
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=_CONNECT_S)
        except (OSError, TimeoutError):
            raise ClusterError(
                f"the cluster at {address} has no workers.",
                hint="Ask the cluster's administrators to start workers.",
            ) from None
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()  # type: ignore[no-untyped-call]


def _check_listening(address: str) -> None:
    """OSError at once when nothing listens at a tcp:// address (a refused
    connection), rather than after Dask's connection timeout."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not address.startswith("tcp://") or not port.isdigit():
        return  # other protocols: Dask's own connection says what is wrong
    with socket.create_connection((host.strip("[]"), int(port)), timeout=_CONNECT_S):
        pass


def describe_cluster(address: str) -> str:
    """One sentence on whether the scheduler at `address` answers and how
    many workers it has (the settings dialog's Test connection)."""
    address = check_address(address)
    with connect(address) as client:
        workers = client.scheduler_info(n_workers=-1)["workers"]
        threads = sum(int(worker.get("nthreads", 1)) for worker in workers.values())
        memory = sum(float(w.get("memory_limit", 0)) for w in workers.values())
    size = f", {memory / 1e9:,.0f} GB of memory" if memory else ""
    return (
        f"Reached the scheduler at {address}: {len(workers)} worker"
        f"{'s' if len(workers) != 1 else ''} with {threads} thread"
        f"{'s' if threads != 1 else ''}{size}."
    )


def check_address(address: str, *, where: str = "the cluster address") -> str:
    """The address stripped, or ClusterError when it is no scheduler address."""
    address = address.strip()
    if not _ADDRESS.match(address):
        raise ClusterError(
            f"{where} '{address}' is not a scheduler address.",
            hint="Write it as tcp://HOST:PORT (Dask's scheduler listens on "
            "port 8786 unless told otherwise).",
        )
    return address


def read_scheduler(con: duckdb.DuckDBPyConnection) -> str | None:
    """The cluster address saved in the project (None: this computer)."""
    text = read_setting(con, SCHEDULER_SETTING)
    value = None if text is None else json.loads(text)
    return value if isinstance(value, str) and value else None


def save_scheduler(con: duckdb.DuckDBPyConnection, address: str | None) -> None:
    """Save the cluster address in the project (None or "": this computer)."""
    value = check_address(address) if address and address.strip() else ""
    write_setting(con, SCHEDULER_SETTING, json.dumps(value))


def _on_worker(fn: Callable[..., R], *args: Any) -> R:
    """Run a task on a worker with one OpenMP and BLAS thread, as the engine
    runs here (a worker's threads are its cores' share already)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return fn(*args)


@contextlib.contextmanager
def _lost_cluster(address: str) -> Iterator[None]:
    """A worker that died or a scheduler that went away, as a ClusterError."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError
    from distributed.comm.core import CommClosedError

    try:
        yield
    except KilledWorker:
        raise ClusterError(
            f"the cluster at {address} lost a worker in the middle of the job, "
            "so the job stopped and nothing was saved.",
            hint="Try again; if it happens again, ask the cluster's "
            "administrators (a worker may be running out of memory).",
        ) from None
    except (CommClosedError, FutureCancelledError):
        raise ClusterError(
            f"the connection to the cluster at {address} was lost in the "
            "middle of the job, so the job stopped and nothing was saved.",
            hint="Try again once the cluster is back, or clear the cluster "
            "address to work on this computer.",
        ) from None
