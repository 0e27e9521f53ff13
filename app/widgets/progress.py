"""JobProgressPanel: a progress bar, a status message, the time left and Cancel,
bound to a Job; TimeLeftLabel: the time left alone, for other progress bars."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from app.jobs import Job
from app.timeleft import TimeLeftEstimate, time_left_text

Clock = Callable[[], float]
_REFRESH_MS = 1000  # the estimate is re-made this often between reports


class TimeLeftLabel(QLabel):
    """'about 3 minutes left' while a job runs; hidden while it cannot be told."""

    def __init__(
        self, parent: QWidget | None = None, clock: Clock = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._estimate: TimeLeftEstimate | None = None
        self._fraction = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(_REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setToolTip("Worked out from how fast the task has gone so far")
        palette = self.palette()  # lighter than the message it goes with
        palette.setColor(
            QPalette.ColorRole.WindowText,
            palette.color(QPalette.ColorRole.PlaceholderText),
        )
        self.setPalette(palette)
        self.hide()

    def start(self, fraction: float = 0.0) -> None:
        """Estimate from now on, the job being this far along."""
        self._fraction = fraction
        self._estimate = TimeLeftEstimate(fraction, now=self._clock())
        self._timer.start()
        self._refresh()

    def set_fraction(self, fraction: float) -> None:
        """The job reported progress."""
        self._fraction = fraction
        self._refresh()

    def stop(self) -> None:
        """The job ended: show nothing."""
        self._estimate = None
        self._timer.stop()
        self.clear()
        self.hide()

    def _on_timer_timeout(self) -> None:
        # Without new reports the estimate still moves (up when a step is slow).
        self._refresh()

    def _refresh(self) -> None:
        if self._estimate is None:
            return
        seconds = self._estimate.update(self._fraction, now=self._clock())
        text = time_left_text(seconds)
        self.setText(text)
        self.setVisible(bool(text))


class JobProgressPanel(QWidget):
    """Shows the progress of one job at a time; hidden when no job runs."""

    def __init__(
        self, parent: QWidget | None = None, clock: Clock = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.message_label = QLabel()
        self.message_label.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(self.fontMetrics().horizontalAdvance("M") * 14)
        self.bar.setAccessibleName("Progress")
        self.time_left_label = TimeLeftLabel(clock=clock)
        self.time_left_label.setContentsMargins(12, 0, 6, 0)  # apart from the message
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip(
            "Stop this task. Your project is left exactly as it was before it started."
        )
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message_label)
        layout.addWidget(self.time_left_label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def bind(self, job: Job, message: str = "Working…") -> None:
        """Follow job until it ends; a job bound earlier is no longer shown."""
        if self.job is not None:
            self.job.progressed.disconnect(self._on_job_progressed)
            self.job.finished.disconnect(self._on_job_finished)
        self.job = job
        self.message_label.setText(message)
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        job.progressed.connect(self._on_job_progressed)
        job.finished.connect(self._on_job_finished)
        self.time_left_label.start(job.fraction)
        self.show()

    def _on_job_progressed(self, fraction: float, message: str) -> None:
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1000)
        self.bar.setValue(round(1000 * min(max(fraction, 0.0), 1.0)))
        if self.cancel_button.isEnabled():  # not while it is stopping
            if message:
                self.message_label.setText(message)
            self.time_left_label.set_fraction(fraction)

    def _on_job_finished(self) -> None:
        if self.job is not None:
            self.job.progressed.disconnect(self._on_job_progressed)
            self.job.finished.disconnect(self._on_job_finished)
        self.job = None
        self.time_left_label.stop()
        self.hide()

    def _on_cancel_button_clicked(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")
            self.message_label.setText("Stopping…")
            self.time_left_label.stop()
