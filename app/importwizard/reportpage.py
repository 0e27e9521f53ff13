"""ReportPage: where every row of the file ended up, and the rejected rows."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWizardPage,
)

from app.errors import show_error
from app.importwizard.labels import (
    DELIMITER_LABELS,
    KIND_LABELS,
    column_label,
    plain_note,
    text_kind,
)
from app.importwizard.previewmodel import fit_columns
from app.tables import DataFrameTableModel
from ml.columns import Kind
from ml.importing.report import REASON_TEXT, ImportReport
from ml.safecells import write_safe_csv
from ml.workflows.imports import ImportOutcome

SHOWN_COLUMNS = ("line", "column", "value", "reason", "message")
REJECT_LABELS = {
    "line": "Row",
    "column": "Column",
    "value": "Value",
    "reason": "Reason",
    "message": "Details",
}


class ReportPage(QWizardPage):
    """Counts by outcome and reason, the rejected rows, export, import another."""

    another_requested = Signal()  # "Import another file" was pressed
    rejects_exported = Signal(object)  # the Path written

    def __init__(self) -> None:
        super().__init__()
        self.outcome: ImportOutcome | None = None
        self.setTitle("Import finished")
        self.setSubTitle("Where every row of the file ended up.")
        self.summary_label = QLabel(wordWrap=True)
        self.details_label = QLabel(wordWrap=True)
        self.rejects_title = QLabel("<b>Rejected rows</b>")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter the rejected rows…")
        self.filter_edit.setToolTip("Show only rows containing these words")
        self.filter_edit.setClearButtonEnabled(True)
        self.model = DataFrameTableModel(labels=REJECT_LABELS, parent=self)
        self.filter_edit.textChanged.connect(self.model.set_filter_text)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip("Every row that was not imported, and why")
        self.export_button = QPushButton("&Export rejected rows…")
        self.export_button.setToolTip(
            "Save the rejected rows as a CSV file to fix them in a spreadsheet"
        )
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.another_button = QPushButton("Import &another file…")
        self.another_button.setToolTip("Start again with the next file")
        self.another_button.clicked.connect(self.another_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.another_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.rejects_title)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addStretch(0)  # takes the room when there is no table to show
        layout.addLayout(buttons)

    def show_outcome(self, outcome: ImportOutcome) -> None:
        """Show an import's report and rejected rows."""
        self.outcome = outcome
        report = outcome.report
        self.setTitle(
            "Already imported" if report.already_imported else "Import finished"
        )
        self.summary_label.setText(summary_html(report))
        self.details_label.setText(details_html(report))
        has_rejects = not outcome.rejects.empty
        for widget in (self.rejects_title, self.filter_edit, self.table):
            widget.setVisible(has_rejects)
        self.export_button.setEnabled(has_rejects)
        self.filter_edit.clear()
        self.model.set_frame(outcome.rejects, visible=SHOWN_COLUMNS)
        fit_columns(self.table)

    def export_rejects(self, path: Path) -> Path:
        """Write every rejected row to a CSV file that spreadsheets open safely."""
        if self.outcome is None:
            raise RuntimeError("no import to export")
        # With a byte-order mark Excel reads accented letters correctly.
        write_safe_csv(self.outcome.rejects, path, encoding="utf-8-sig")
        self.rejects_exported.emit(path)
        return path

    def _on_export_button_clicked(self) -> None:
        if self.outcome is None:
            return
        stem = Path(self.outcome.report.file).name.split(".")[0]
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Export the rejected rows",
            f"{stem}-rejected-rows.csv",
            "CSV files (*.csv)",
        )
        if not name:
            return
        try:
            self.export_rejects(Path(name))
        except OSError as error:
            show_error(self, error, "Cannot export", "The file was not written.")


def summary_html(report: ImportReport) -> str:
    """The headline counts of an import, in plain words."""
    file = _escape(report.file)
    if report.already_imported:
        return (
            f"<p><b>{file}</b> was imported before (import "
            f"#{report.previous_import_id}) with exactly the same content, so "
            "nothing was added.</p>"
        )
    what = KIND_LABELS[report.kind].split(" (")[0].lower()
    imported = f"<b>{report.rows_imported:,}</b> rows imported"
    if report.kind is Kind.ORDERS:
        imported = (
            f"<b>{report.rows_imported:,}</b> purchases and "
            f"<b>{report.rows_returns:,}</b> returns imported"
        )
    rejected = f"<b>{report.rows_rejected:,}</b> rows rejected"
    return (
        f"<p><b>{file}</b> was added to the project as {what}. "
        f"Of its {report.rows_read:,} rows, {imported}; {rejected}.</p>"
    )


def details_html(report: ImportReport) -> str:
    """Rejects by reason, how the file was read, and the reader's notes."""
    parts = []
    if report.reasons:
        items = "".join(
            f"<li>{count:,} × {_escape(REASON_TEXT.get(code, code))}</li>"
            for code, count in sorted(report.reasons.items(), key=lambda kv: -kv[1])
        )
        parts.append(f"<p>Rows not imported, by reason:</p><ul>{items}</ul>")
    info = report.read_info
    how = []
    if info.encoding:
        how.append(f"Read as {text_kind(info.encoding)}")
    if info.delimiter:
        separator = DELIMITER_LABELS.get(info.delimiter, info.delimiter)
        how.append(f"Values separated by {separator.lower()}")
    if info.sheet:
        how.append(f"Sheet '{info.sheet}'")
    formats = report.formats.items()
    how.extend(f"{column_label(name)}: {text}" for name, text in formats)
    if how:
        items = "".join(f"<li>{_escape(text)}</li>" for text in how)
        parts.append(f"<p>How the file was read:</p><ul>{items}</ul>")
    if info.notes:
        notes = "".join(f"<li>{_escape(plain_note(note))}</li>" for note in info.notes)
        parts.append(f"<p>Notes:</p><ul>{notes}</ul>")
    return "".join(parts)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
