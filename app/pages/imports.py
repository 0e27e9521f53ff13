"""ImportHistoryPanel: every import of the project, with its report and rejects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.export import write_frame_csv
from app.importwizard.labels import plain_note, text_kind
from app.jobs import Job, JobFn
from app.tables import DataFrameTableModel
from app.widgets.table import TablePanel
from ml.progress import ReportFn, StopFn
from ml.store.importlog import ImportRecord, rejects

StartJob = Callable[[JobFn], Job]  # runs a function off the GUI thread

KIND_NAMES = {
    "orders": "Orders",
    "feedback": "Feedback",
    "offerings": "Offerings",
    "customers": "Customers",
    "contacts": "Contacts",
}
HISTORY_LABELS = {
    "import_id": "Import",
    "file_name": "File",
    "kind": "Holds",
    "imported_at": "Imported on",
    "rows_read": "Rows read",
    "rows_imported": "Imported",
    "rows_returns": "Returns",
    "rows_rejected": "Rejected",
}
REJECT_LABELS = {
    "line": "File line",
    "column_name": "Column",
    "value": "Value",
    "message": "Why it was rejected",
    "reason_code": "Reason code",
}


def report_text(record: ImportRecord) -> str:
    """The import's report in plain words."""
    from ml.importing.report import REASON_TEXT  # pulls in the mapping code

    kind = KIND_NAMES.get(record.kind, record.kind).lower()
    lines = [
        f"{record.file_name}, imported on {record.imported_at:%d %b %Y at %H:%M} "
        f"as {kind}.",
        f"Read {record.rows_read:,} rows: imported {record.rows_imported:,}"
        + (f", {record.rows_returns:,} returns" if record.kind == "orders" else "")
        + f", rejected {record.rows_rejected:,}.",
    ]
    for code, count in sorted(record.reasons.items(), key=lambda item: -item[1]):
        lines.append(f"  • {count:,} rows: {REASON_TEXT.get(code, code)}")
    read = record.read_info
    how = []
    if read.get("encoding"):
        how.append(f"as {text_kind(read['encoding'])}")
    if read.get("delimiter"):
        names = {"\t": "tabs", ",": "commas", ";": "semicolons", "|": "pipes"}
        sign = names.get(read["delimiter"], f"'{read['delimiter']}'")
        how.append(f"with the columns separated by {sign}")
    if read.get("sheet"):
        how.append(f"from the sheet '{read['sheet']}'")
    if how:
        lines.append("Read " + ", ".join(how) + ".")
    lines.extend(f"Note: {plain_note(note)}" for note in record.notes)
    return "\n".join(lines)


class ImportHistoryPanel(QWidget):
    """The list of imports; the chosen import's report and rejected rows below.

    start_job runs the reading of an import's rejected rows (up to millions)
    off the GUI thread; without it they are read on the spot.
    """

    def __init__(
        self, parent: QWidget | None = None, start_job: StartJob | None = None
    ) -> None:
        super().__init__(parent)
        self._con: duckdb.DuckDBPyConnection | None = None
        self._records: list[ImportRecord] = []
        self._prefetched: dict[int, pd.DataFrame] = {}
        self._start_job = start_job
        self.rejects_job: Job | None = None
        self.history_model = DataFrameTableModel(labels=HISTORY_LABELS)
        self.history = TablePanel(self.history_model, noun="imports")
        self.history.view.selectionModel().selectionChanged.connect(
            self._on_history_selection_changed
        )
        self.report_label = QLabel("Choose an import above to see its report.")
        self.report_label.setTextFormat(Qt.TextFormat.PlainText)
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.rejects_model = DataFrameTableModel(labels=REJECT_LABELS)
        self.rejects = TablePanel(self.rejects_model, noun="rejected rows")
        self.export_button = QPushButton("Export rejected rows…")
        self.export_button.setToolTip(
            "Save this import's rejected rows as a CSV file, for example to fix "
            "them in the source system."
        )
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        report = QWidget()
        report_layout = QVBoxLayout(report)
        report_layout.setContentsMargins(0, 0, 0, 0)
        report_layout.addWidget(self.report_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        report_layout.addWidget(self.rejects, 1)
        report_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.history)
        splitter.addWidget(report)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def set_connection(self, con: duckdb.DuckDBPyConnection | None) -> None:
        """Read rejected rows through con from now on (None: a worker process
        has the file; the rows already read are still shown)."""
        self._con = con

    def set_records(
        self,
        con: duckdb.DuckDBPyConnection | None,
        records: list[ImportRecord],
        prefetched: dict[int, pd.DataFrame] | None = None,
    ) -> None:
        """Show these imports (newest first) and select the newest.

        prefetched: rejected rows already read, by import id.
        """
        self._con = con
        self._prefetched = dict(prefetched or {})
        self._records = sorted(records, key=lambda r: r.import_id, reverse=True)
        frame = pd.DataFrame(
            [
                {
                    "import_id": r.import_id,
                    "file_name": r.file_name,
                    "kind": KIND_NAMES.get(r.kind, r.kind),
                    "imported_at": r.imported_at,
                    "rows_read": r.rows_read,
                    "rows_imported": r.rows_imported,
                    "rows_returns": r.rows_returns,
                    "rows_rejected": r.rows_rejected,
                }
                for r in self._records
            ],
            columns=list(HISTORY_LABELS),
        )
        self.history_model.set_frame(frame)
        if self._records:
            self.history.view.selectRow(0)
        else:
            self._show(None)

    def selected_record(self) -> ImportRecord | None:
        """The import whose report is shown."""
        rows = self.history.view.selectionModel().selectedRows()
        if not rows:
            return None
        import_id = self.history_model.row_values(rows[0].row())["import_id"]
        return next((r for r in self._records if r.import_id == import_id), None)

    def _on_history_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        self._show(self.selected_record())

    def _show(self, record: ImportRecord | None) -> None:
        if record is None:
            self.report_label.setText(
                "No imports yet. Use File > Import… or drop a file on the window."
                if not self._records
                else "Choose an import above to see its report."
            )
            self.rejects_model.set_frame(pd.DataFrame(columns=list(REJECT_LABELS)))
            self.export_button.setEnabled(False)
            return
        self.report_label.setText(report_text(record))
        frame = self._prefetched.get(record.import_id)
        if frame is None and self._con is not None and record.rows_rejected:
            if self._start_job is not None:
                self._read_rejects(self._con, record.import_id)
                return
            frame = rejects(self._con, record.import_id)
        self._show_rejects(pd.DataFrame() if frame is None else frame)

    def _show_rejects(self, frame: pd.DataFrame) -> None:
        frame = frame.reindex(columns=list(REJECT_LABELS))
        self.rejects_model.set_frame(
            frame, visible=["line", "column_name", "value", "message"]
        )
        self.export_button.setEnabled(not frame.empty)

    def _read_rejects(self, con: duckdb.DuckDBPyConnection, import_id: int) -> None:
        """Read an import's rejected rows in a job; shown if still chosen."""
        assert self._start_job is not None
        self._show_rejects(pd.DataFrame())
        self.rejects.count_label.setText("Reading the rejected rows…")
        cursor = con.cursor()

        def read(report: ReportFn, stop_requested: StopFn) -> pd.DataFrame:
            try:
                return rejects(cursor, import_id)
            finally:
                cursor.close()

        def done(frame: pd.DataFrame) -> None:
            if self._con is not con:
                return  # another project is shown now
            self._prefetched[import_id] = frame
            record = self.selected_record()
            if record is not None and record.import_id == import_id:
                self._show_rejects(frame)

        def failed(error: BaseException) -> None:
            if self._con is con:  # not a project closed meanwhile
                show_error(self, error, context="The rejected rows could not be read.")

        job = self._start_job(read)
        job.succeeded.connect(done)
        job.failed.connect(failed)
        self.rejects_job = job

    def _on_export_button_clicked(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        suggested = f"{Path(record.file_name).name.split('.')[0]}-rejected-rows.csv"
        name, _ = QFileDialog.getSaveFileName(
            self, "Export rejected rows", suggested, "CSV files (*.csv)"
        )
        if not name:
            return
        frame = self.rejects_model.frame()
        frame = frame.rename(columns=REJECT_LABELS)
        try:
            write_frame_csv(frame, Path(name))
        except OSError as error:
            show_error(self, error, context="The rejected rows could not be saved.")
