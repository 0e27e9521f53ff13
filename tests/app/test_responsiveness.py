"""The window never freezes: the GUI thread keeps ticking while a job runs."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer

from app.window import MainWindow

TICK_MS = 10
MAX_STALL_MS = 100


class StallMeter:
    """A timer on the GUI thread recording the largest gap between its ticks."""

    def __init__(self) -> None:
        self.largest_gap_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self.largest_gap_ms = max(self.largest_gap_ms, 1000 * (now - self._last))
        self._last = now
        self.ticks += 1


@pytest.mark.slow
def test_the_gui_thread_never_stalls_during_a_real_import(
    qtbot, window: MainWindow
) -> None:
    meter = StallMeter()
    meter.start()
    job = window.open_sample_project()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=120_000):
        pass
    meter.stop()
    assert job.done and window.state.info is not None
    assert window.state.info.orders_rows == 83_358
    assert meter.ticks > 10
    assert meter.largest_gap_ms < MAX_STALL_MS, (
        f"the GUI thread stalled for {meter.largest_gap_ms:.0f} ms"
    )
