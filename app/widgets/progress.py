"""JobProgressPanel: a progress bar, a status message and Cancel, bound to a Job."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from app.jobs import Job


class JobProgressPanel(QWidget):
    """Shows the progress of one job at a time; hidden when no job runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
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
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip(
            "Stop this task. Your project is left exactly as it was before it started."
        )
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message_label)
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
        self.show()

    def _on_job_progressed(self, fraction: float, message: str) -> None:
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 1000)
        self.bar.setValue(round(1000 * min(max(fraction, 0.0), 1.0)))
        if message and self.cancel_button.isEnabled():
            self.message_label.setText(message)

    def _on_job_finished(self) -> None:
        if self.job is not None:
            self.job.progressed.disconnect(self._on_job_progressed)
            self.job.finished.disconnect(self._on_job_finished)
        self.job = None
        self.hide()

    def _on_cancel_button_clicked(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Stopping…")
            self.message_label.setText("Stopping…")
