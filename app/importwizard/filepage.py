"""FilePage: which file to import and what it holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from app.importwizard.draft import ImportDraft
from app.importwizard.labels import KIND_LABELS
from app.importwizard.problem import ProblemBox
from ml.columns import Kind
from ml.store.project import Project
from ml.workflows.imports import looks_like_order_headers

FILE_FILTER = (
    "Data files (*.csv *.tsv *.txt *.gz *.zip *.xlsx *.xlsm *.xls *.parquet);;"
    "All files (*)"
)
_FORMATS = {
    "csv": "a text (CSV) file",
    "xlsx": "an Excel workbook",
    "xls": "an old-style Excel workbook (.xls)",
    "parquet": "a Parquet file",
}


class FilePage(QWizardPage):
    """Choose the file (or take a dropped one) and confirm its kind."""

    def __init__(
        self, draft: ImportDraft, project_fn: Callable[[], Project | None]
    ) -> None:
        super().__init__()
        self.draft = draft
        self._project_fn = project_fn  # () -> the GUI thread's Project or None
        self.setTitle("Choose a file to import")
        self.setSubTitle(
            "An export from your CRM or shop: orders, customer feedback, your "
            "offerings or your customers, as CSV, Excel or Parquet."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choose a file, or drop one on the window")
        self.path_edit.setToolTip(
            "The file to import. Press Enter after typing a path."
        )
        self.path_edit.editingFinished.connect(self._on_path_edit_editing_finished)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setToolTip("Choose the file in a file dialog")
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.kind_combo = QComboBox()
        self.kind_combo.setToolTip(
            "What the file holds. Pushwise guesses it from the columns; change it "
            "if the guess is wrong."
        )
        for kind, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setEnabled(False)
        self.kind_combo.activated.connect(self._on_kind_combo_activated)
        self.related_label = QLabel("none", wordWrap=True)
        self.add_related_button = QPushButton("&Add related file…")
        self.add_related_button.setToolTip(
            "Order headers or customers exported as separate files: each order "
            "line gets their columns, joined by the column they share (such as "
            "the order id or the customer id)."
        )
        self.add_related_button.setEnabled(False)
        self.add_related_button.clicked.connect(self._on_add_related_button_clicked)
        self.clear_related_button = QPushButton("&Remove")
        self.clear_related_button.setToolTip("Import the file on its own")
        self.clear_related_button.setEnabled(False)
        self.clear_related_button.clicked.connect(self.draft.clear_related)
        self.summary_label = QLabel(wordWrap=True)
        self.queue_label = QLabel(wordWrap=True)
        self.problem_box = ProblemBox()

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path_edit)
        kind_label = QLabel("It &holds:")
        kind_label.setBuddy(self.kind_combo)
        related_row = QHBoxLayout()
        related_row.addWidget(self.related_label, 1)
        related_row.addWidget(self.add_related_button)
        related_row.addWidget(self.clear_related_button)
        related_label = QLabel("Joined &with:")
        related_label.setBuddy(self.add_related_button)
        form = QFormLayout()
        form.addRow(file_label, row)
        form.addRow(kind_label, self.kind_combo)
        form.addRow(related_label, related_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problem_box)
        layout.addStretch(1)
        layout.addWidget(self.queue_label)
        draft.read_changed.connect(self._on_draft_read_changed)

    def choose(self, path: Path) -> None:
        """Read `path` as the file to import (what Browse and a drop do)."""
        self.path_edit.setText(str(path))
        self.draft.set_file(path, self._project_fn())

    def set_queue(self, waiting: list[Path]) -> None:
        """Name the dropped files still waiting after this one."""
        names = ", ".join(p.name for p in waiting)
        self.queue_label.setText(
            f"Waiting to be imported next: {names}" if names else ""
        )

    def isComplete(self) -> bool:
        return self.draft.ready

    def _on_browse_button_clicked(self) -> None:
        start = str(self.draft.path.parent) if self.draft.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a file to import", start, FILE_FILTER
        )
        if name:
            self.choose(Path(name))

    def _on_add_related_button_clicked(self) -> None:
        start = str(self.draft.path.parent) if self.draft.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the order headers or customers to join", start, FILE_FILTER
        )
        if name:
            # Read whole once (kept for later previews): a busy cursor meanwhile.
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.draft.add_related(Path(name))
            finally:
                QGuiApplication.restoreOverrideCursor()

    def _on_path_edit_editing_finished(self) -> None:
        text = self.path_edit.text().strip()
        path = Path(text) if text else None
        if path != self.draft.path:
            self.draft.set_file(path, self._project_fn())

    def _on_kind_combo_activated(self, index: int) -> None:
        self.draft.set_kind(Kind(self.kind_combo.itemData(index)))

    def _on_draft_read_changed(self) -> None:
        draft = self.draft
        proposal = draft.proposal
        self.kind_combo.setEnabled(proposal is not None)
        if proposal is not None:
            for i in range(self.kind_combo.count()):
                kind = Kind(self.kind_combo.itemData(i))  # Qt hands back a str
                label = KIND_LABELS[kind]
                if kind is proposal.detected_kind:
                    label += "  — detected"
                self.kind_combo.setItemText(i, label)
            current = proposal.mapping.kind
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(current))
        related = ", ".join(path.name for path in draft.related)
        self.related_label.setText(related or "none")
        self.add_related_button.setEnabled(draft.path is not None)
        self.clear_related_button.setEnabled(bool(draft.related))
        self.summary_label.setText(_summary(draft))
        self.problem_box.show_error(draft.error)
        self.completeChanged.emit()


def _summary(draft: ImportDraft) -> str:
    raw = draft.raw
    if raw is None:
        return ""
    info = raw.info
    how = _FORMATS.get(info.format, "a file")
    if info.sheet:
        how += f", sheet '{info.sheet}'"
    columns = len(raw.headers)
    if draft.joins:
        joins = "\n".join(join.sentence() for join in draft.joins)
        return (
            f"The order lines are in {info.file}.\n{joins}\nPress Next to check "
            "how the joined rows are read."
        )
    text = f"{info.file} is {how} with {columns} columns. "
    mapping = draft.mapping
    if mapping is not None and looks_like_order_headers(
        mapping, mapping.missing_required()
    ):
        text += (
            "It looks like order headers: one row per order, without products. "
            "Add the file of its order lines with 'Add related file…': Pushwise "
            "joins them by the order id. "
        )
    return text + "Press Next to check how its rows are read."
