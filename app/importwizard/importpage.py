"""ImportPage: the import running as a Job, with progress and Stop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.errors import log_exception
from app.importwizard.problem import ProblemBox
from app.jobs import Job
from app.state import AppState
from app.widgets.progress import TimeLeftLabel
from ml.errors import PushwiseError
from ml.workflows.imports import ImportOutcome, ImportRequest

_STEPS = 1000  # progress bar resolution


class ImportPage(QWizardPage):
    """Runs the import off the GUI thread; the project is unchanged unless it ends."""

    import_succeeded = Signal(object)  # the ImportOutcome
    import_cancelled = Signal()
    import_failed = Signal(object)  # the exception

    def __init__(self, state: AppState, request_fn: Callable[[], ImportRequest]):
        super().__init__()
        self.state = state
        self._request_fn = request_fn
        self.job: Job | None = None
        self.outcome: ImportOutcome | None = None
        self.setTitle("Importing")
        self.setSubTitle(
            "Pushwise checks every row and stores the good ones. Stopping leaves "
            "the project exactly as it was."
        )
        self.setCommitPage(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, _STEPS)
        self.status_label = QLabel(wordWrap=True)
        self.time_left_label = TimeLeftLabel()
        self.stop_button = QPushButton("&Stop the import")
        self.stop_button.setToolTip("Stop now; nothing from this file is kept")
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.retry_button = QPushButton("&Try again")
        self.retry_button.setToolTip("Start the import of this file again")
        self.retry_button.clicked.connect(self.start)
        self.problem_box = ProblemBox()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.time_left_label)
        layout.addLayout(buttons)
        layout.addWidget(self.problem_box)
        layout.addStretch(1)

    @property
    def running(self) -> bool:
        """Whether the import job is still running."""
        return self.job is not None and self.job.running

    def initializePage(self) -> None:
        # Started once the wizard has finished switching pages, so that the
        # Back button it enables stays disabled while the import runs.
        QTimer.singleShot(0, self.start)

    def isComplete(self) -> bool:
        return self.outcome is not None

    def start(self) -> None:
        """Start (or restart) the import of the file as settled on earlier pages."""
        self.outcome = None
        self.problem_box.hide()
        self.retry_button.hide()
        self.progress_bar.setValue(0)
        if not self.state.has_project:
            self._stopped(
                "No project is open.",
                "Close this window, open or create a project, then import again.",
            )
            return
        if self.state.busy:
            self._stopped(
                "Another task is using the project right now.",
                "Wait until it has finished (see the status bar), then press "
                "Try again.",
            )
            return
        request = self._request_fn()
        self.status_label.setText(f"Starting the import of {request.path.name}…")
        self.job = self.state.start_worker_job(
            "ml.workflows.imports:run_import",
            request,
            task=f"the import of {request.path.name}",
            name="import",
        )
        self.job.progressed.connect(self._on_job_progressed)
        self.job.succeeded.connect(self._on_job_succeeded)
        self.job.failed.connect(self._on_job_failed)
        self.job.cancelled.connect(self._on_job_cancelled)
        self.job.finished.connect(self.time_left_label.stop)
        self.time_left_label.start()
        self.stop_button.show()
        self.stop_button.setEnabled(True)
        self.completeChanged.emit()
        self._set_back_enabled(False)  # after completeChanged, which enables it

    def cancel(self) -> None:
        """Ask the running import to stop (it ends within about a second)."""
        if self.running and self.job is not None:
            self.job.cancel()
            self.stop_button.setEnabled(False)
            self.status_label.setText("Stopping…")
            self.time_left_label.stop()

    def _on_stop_button_clicked(self) -> None:
        self.cancel()

    def _on_job_progressed(self, fraction: float, message: str) -> None:
        if self.job is None or self.job.stop_requested():
            return  # "Stopping…" stays
        self.progress_bar.setValue(round(fraction * _STEPS))
        self.status_label.setText(message)
        self.time_left_label.set_fraction(fraction)

    def _on_job_succeeded(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        self.progress_bar.setValue(_STEPS)
        self.stop_button.hide()
        self.status_label.setText(f"Imported {outcome.report.file}.")
        self.completeChanged.emit()
        self.import_succeeded.emit(outcome)

    def _on_job_failed(self, error: BaseException) -> None:
        if not isinstance(error, PushwiseError):
            log_exception(error, "Import")
        self.problem_box.show_error(error)
        self._stopped("The import did not finish; the project was not changed.")
        self.import_failed.emit(error)

    def _on_job_cancelled(self) -> None:
        self._stopped(
            "The import was stopped. Nothing from this file was added to the project."
        )
        self.import_cancelled.emit()

    def _stopped(self, what: str, todo: str = "") -> None:
        self.status_label.setText(what if not todo else f"{what} {todo}")
        self.stop_button.hide()
        self.retry_button.show()
        self._set_back_enabled(True)
        self.completeChanged.emit()

    def _set_back_enabled(self, enabled: bool) -> None:
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(enabled)
