"""`pushwise-gui --self-test OUT_DIR`: drive the window through its workflow.

Opens the sample project through the GUI's own workers, visits every page and
saves a PNG screenshot of each into OUT_DIR. Training and backtests join in as
their pages arrive.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.errors import log_exception
from app.window import MainWindow

TIMEOUT_S = 300


def run_self_test(window: MainWindow, out_dir: Path) -> int:
    """Run the self-test; 0 if every step worked, 1 otherwise."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        window.state.close_project()
        settle()
        save(window, out_dir / "00-start.png")
        job = window.open_sample_project()
        if job is not None:
            outcome: list[str] = []
            job.succeeded.connect(lambda _result: outcome.append("ok"))
            wait(lambda: job.done)
            if outcome != ["ok"]:
                return 1
        data_page = window.pages["data"]
        wait(lambda: getattr(data_page, "content", None) is not None)
        for number, key in enumerate(window.pages, start=1):
            window.show_page(key)
            settle()
            save(window, out_dir / f"{number:02d}-{key}.png")
    except BaseException as error:  # the exit code says it; the log says why
        log_exception(error, "Self-test failed")
        return 1
    return 0


def settle(seconds: float = 0.5) -> None:
    """Let the window lay itself out and paint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def wait(condition, timeout_s: float = TIMEOUT_S) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop until condition() holds; TimeoutError after timeout_s."""
    end = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the self-test waited too long")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def save(window: MainWindow, path: Path) -> None:
    """Save a screenshot of the window."""
    QApplication.processEvents()
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
