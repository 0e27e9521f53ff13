"""ProjectSettingsDialog: what belongs to the project rather than to this
computer; for now, the Dask cluster its heavy work runs on."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.jobs import Job
from app.state import AppState

# describe_cluster loads Dask only when a connection is tested.
from ml.compute import (
    ClusterError,
    check_address,
    describe_cluster,
    read_scheduler,
    save_scheduler,
)
from ml.errors import PushwiseError


class ProjectSettingsDialog(QDialog):
    """The cluster address (empty: this computer), a Test connection that
    runs as a job, and Save, which writes it into the project."""

    connection_checked = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self.state = state
        self.job: Job | None = None
        self.address_edit = QLineEdit()
        self.address_edit.setPlaceholderText("empty: this computer")
        self.address_edit.setToolTip(
            "The address of your data team's Dask scheduler, such as "
            "tcp://analytics-01:8786"
        )
        reader = state.reader
        self.address_edit.setText((read_scheduler(reader) if reader else None) or "")
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.result_label = QLabel(wordWrap=True)
        explain = QLabel(
            "With a cluster address, training, planning, forecasts and checks "
            "on past weeks send their heavy work to that Dask cluster, with the "
            "same results as on this computer. Leave it empty to work on this "
            "computer. The command line's --scheduler and the "
            "PUSHWISE_SCHEDULER variable take precedence over it.",
            wordWrap=True,
        )
        row = QHBoxLayout()
        row.addWidget(self.address_edit, 1)
        row.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow("&Cluster address:", row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        if reader is None:
            self.result_label.setText(
                "A job is using the project: the settings can be saved once it ends."
            )
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

    def accept(self) -> None:
        """Save the address in the project (a bad one is said, not saved)."""
        reader = self.state.reader
        if reader is None:
            return
        try:
            save_scheduler(reader, self.address_edit.text())
        except PushwiseError as error:
            self.result_label.setText(error.message)
            return
        super().accept()

    def done(self, result: int) -> None:
        """Close; a connection test still running is cancelled."""
        if self.job is not None:
            self.job.cancel()
        super().done(result)

    def _on_test_button_clicked(self) -> None:
        text = self.address_edit.text().strip()
        if not text:
            self.result_label.setText("No address: the work runs on this computer.")
            return
        try:
            address = check_address(text)
        except ClusterError as error:
            self.result_label.setText(error.message)
            return
        self.test_button.setEnabled(False)
        self.result_label.setText(f"Reaching {address}…")
        self.job = self.state.start_job(
            lambda report, stop: describe_cluster(address), slot="cluster_check"
        )
        self.job.succeeded.connect(self._on_job_succeeded)
        self.job.failed.connect(self._on_job_failed)

    def _on_job_succeeded(self, sentence: str) -> None:
        self._show(sentence)

    def _on_job_failed(self, error: BaseException) -> None:
        self._show(error.message if isinstance(error, PushwiseError) else str(error))

    def _show(self, text: str) -> None:
        self.job = None
        self.test_button.setEnabled(True)
        self.result_label.setText(text)
        self.connection_checked.emit(text)
