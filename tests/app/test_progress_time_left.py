"""The progress panel says how long a job still needs, once that can be told."""

from __future__ import annotations

from app.jobs import Job
from app.widgets.progress import JobProgressPanel


class FakeClock:
    """A clock the test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _idle(report, stop_requested) -> None:
    return None


def test_the_panel_shows_the_time_left_once_it_can_be_told(qtbot) -> None:
    clock = FakeClock()
    panel = JobProgressPanel(clock=clock)
    qtbot.addWidget(panel)
    job = Job(_idle)  # never started: the test plays its signals
    panel.bind(job, "Training")
    label = panel.time_left_label
    clock.now += 5
    job.progressed.emit(0.02, "Training: 2 %")
    assert not label.isVisible()  # too early and too little done to tell
    clock.now += 55
    job.progressed.emit(0.2, "Training: 20 %")
    assert label.isVisible()
    assert label.text() == "about 4 minutes left"  # 80 % at 20 % a minute
    clock.now += 180
    job.progressed.emit(0.95, "Training: 95 %")
    assert label.text() == "less than a minute left"
    job.finished.emit()
    assert not label.isVisible() and not panel.isVisible()


def test_stopping_hides_the_time_left(qtbot) -> None:
    clock = FakeClock()
    panel = JobProgressPanel(clock=clock)
    qtbot.addWidget(panel)
    job = Job(_idle)
    panel.bind(job)
    clock.now += 60
    job.progressed.emit(0.5, "Half way")
    assert panel.time_left_label.text() == "about 1 minute left"
    panel.cancel_button.click()
    assert not panel.time_left_label.isVisible()
    job.progressed.emit(0.6, "Still going")
    assert not panel.time_left_label.isVisible()
