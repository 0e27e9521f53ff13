"""Workers on Linux are copies of a server process that loaded the engine
once: they still run with the caller's environment of the moment (the
user's folders, the thread count), and a server that was killed is started
again."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ml.progress import ReportFn, StopFn
from ml.store.project import Project
from ml.store.signing import config_dir
from ml.workerprocess import PRELOAD, WorkerSession, run_in_worker, start_server

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the server runs on Linux only"
)


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """An empty project."""
    path = tmp_path / "empty.pushwise"
    with Project.create(path):
        pass
    return path


def _server_pid() -> int | None:
    from multiprocessing import forkserver  # Unix only

    pid: int | None = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    return pid


def _kill_server() -> int:
    """Kill the running server (started if need be) as a crash would; its pid."""
    start_server()
    pid = _server_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    return pid


def _wait_until_ended(pid: int) -> None:
    """Wait until the killed server is a zombie (left for multiprocessing to
    reap: it checks with waitpid whether the server still runs)."""
    stat = Path(f"/proc/{pid}/stat")
    for _ in range(200):
        if stat.read_text().split(")")[-1].split()[0] == "Z":
            return
        time.sleep(0.01)
    raise TimeoutError


# What the worker runs (module-level: found again by the worker).


def what_it_sees(
    project: Project, *, report: ReportFn, stop_requested: StopFn
) -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    return {
        "config": str(config_dir()),
        "data": os.environ.get("PUSHWISE_DATA_DIR"),
        "openmp": [
            pool["num_threads"]
            for pool in threadpool_info()
            if pool["user_api"] == "openmp"
        ],
        "loaded": [name for name in PRELOAD if name in sys.modules],
        "server": os.getppid(),
    }


def what_the_session_sees(
    memory: dict[str, Any], project: None, *, report: ReportFn, stop_requested: StopFn
) -> tuple[str, int]:
    memory["calls"] = memory.get("calls", 0) + 1
    return str(config_dir()), memory["calls"]


def test_the_worker_has_the_callers_folders_not_the_servers(
    empty: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUSHWISE_CONFIG_DIR", str(tmp_path / "at-start"))
    monkeypatch.setenv("PUSHWISE_DATA_DIR", str(tmp_path / "data-at-start"))
    _wait_until_ended(_kill_server())
    start_server()  # as the window does: with the folders of that moment
    monkeypatch.setenv("PUSHWISE_CONFIG_DIR", str(tmp_path / "now"))
    monkeypatch.delenv("PUSHWISE_DATA_DIR")
    seen = run_in_worker(empty, what_it_sees)
    assert seen["config"] == str(tmp_path / "now")
    assert seen["data"] is None
    assert seen["server"] == _server_pid()  # a copy of the server's
    assert seen["loaded"] == list(PRELOAD)  # with the engine loaded already


def test_the_worker_uses_the_callers_thread_count(
    empty: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    _wait_until_ended(_kill_server())
    start_server()
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    seen = run_in_worker(empty, what_it_sees)
    assert seen["openmp"] and set(seen["openmp"]) == {1}


def test_a_session_takes_the_callers_folders_at_each_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = WorkerSession()
    try:
        monkeypatch.setenv("PUSHWISE_CONFIG_DIR", str(tmp_path / "first"))
        assert session.call(what_the_session_sees) == (str(tmp_path / "first"), 1)
        monkeypatch.setenv("PUSHWISE_CONFIG_DIR", str(tmp_path / "second"))
        assert session.call(what_the_session_sees) == (str(tmp_path / "second"), 2)
    finally:
        session.close()


@pytest.mark.parametrize("settled", [True, False], ids=["ended", "ending"])
def test_a_killed_server_is_started_again(empty: Path, settled: bool) -> None:
    killed = _kill_server()
    if settled:
        _wait_until_ended(killed)
    seen = run_in_worker(empty, what_it_sees)
    assert seen["server"] == _server_pid() != killed
    assert seen["config"] == str(config_dir())
