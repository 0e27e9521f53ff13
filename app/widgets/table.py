"""TablePanel: a table view with a filter box, a column chooser and a row count."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.querytable import QueryTableModel
from app.tables import TableModelBase

FILTER_DELAY_MS = 300  # wait for a pause in typing before filtering
SIZING_ROWS = 50  # rows measured to fit a column's width
MAX_WIDTH_EM = 18  # the widest a column is made, in widths of "M"


def fit_columns(
    view: QTableView, model: TableModelBase, max_width: int | None = None
) -> None:
    """Fit a view's columns to their heading and first SIZING_ROWS rows.

    Measured here on a few rows' text: Qt's own fitting asks the model for
    every role of hundreds of cells, which stalls the window. No column gets
    wider than max_width pixels (default MAX_WIDTH_EM widths of "M").
    """
    metrics = view.fontMetrics()
    bold = view.horizontalHeader().fontMetrics()
    em = metrics.horizontalAdvance("M")
    widest = max_width if max_width is not None else MAX_WIDTH_EM * em
    rows = range(min(SIZING_ROWS, model.rowCount()))
    for section, name in enumerate(model.visible_columns()):
        texts = [model.index(row, section).data() or "" for row in rows]
        text = max((metrics.horizontalAdvance(str(t)) for t in texts), default=0)
        # The heading needs room for the sort arrow; a cell for its margins.
        heading = bold.horizontalAdvance(model.label(name)) + 3 * em
        # Long texts (names, reasons) are cut with "…" and shown whole in
        # their tooltip, so that the columns after them stay in view.
        view.setColumnWidth(section, min(max(heading, text + 2 * em), widest))


class TablePanel(QWidget):
    """Any table model with a filter box, column selection and a row count."""

    columns_changed = Signal(list)  # the visible column names, after a user choice

    def __init__(
        self, model: TableModelBase, noun: str = "rows", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.noun = noun
        self._sized_for: list[str] | None = None  # columns when last sized
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter: type words to look for…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip(
            "Show only the rows that contain every word you type, in any column."
        )
        self.filter_edit.setAccessibleName(f"Filter {noun}")
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.columns_button = QToolButton()
        self.columns_button.setText("Columns")
        self.columns_button.setToolTip("Choose which columns to show.")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self.columns_button)
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        self.columns_button.setMenu(self.columns_menu)
        self.count_label = QLabel()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        # Sorting is the model's (it may sort in the background), so the view's
        # own sorting stays off and a header click asks the model directly.
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort)
        header.setToolTip("Click a heading to sort; right-click to choose columns.")
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu_requested)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.columns_button)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        model.rows_changed.connect(self._on_model_rows_changed)
        model.modelReset.connect(self._on_model_reset)
        if isinstance(model, QueryTableModel):
            model.loading_changed.connect(self._update_count)
        self._update_count()

    def apply_filter(self) -> None:
        """Filter now with the text in the box (without waiting for a pause)."""
        self._filter_timer.stop()
        self.model.set_filter_text(self.filter_edit.text())

    def set_visible_columns(self, names: list[str]) -> None:
        """Show only these columns."""
        self.model.set_visible_columns(names)
        self._size_columns()

    def _on_sort(self, section: int, order: Qt.SortOrder) -> None:
        if section >= 0:
            self.model.sort(section, order)

    def _on_model_rows_changed(self) -> None:
        self._update_count()
        self._size_columns()
        key = self.model.sort_key
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        if key is not None and key[0] in self.model.visible_columns():
            header.setSortIndicator(self.model.visible_columns().index(key[0]), key[1])
        else:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _size_columns(self) -> None:
        """Fit columns to their heading and first rows (once per column choice)."""
        columns = self.model.visible_columns()
        if self._sized_for == columns or self.model.rowCount() == 0:
            return
        self._sized_for = columns
        fit_columns(self.view, self.model)

    def _noun(self, count: int) -> str:
        # "1 order line", "2 order lines"; "1 feedback entry", "3 feedback entries"
        if count != 1:
            return self.noun
        if self.noun.endswith("ies"):
            return self.noun[:-3] + "y"
        return self.noun[:-1] if self.noun.endswith("s") else self.noun

    def _on_model_reset(self) -> None:
        self._update_count()
        self._size_columns()

    def _update_count(self, *_args: object) -> None:
        shown, total = self.model.rowCount(), self.model.total_rows()
        text = f"{total:,} {self._noun(total)}"
        if self.model.filter_text:
            text = f"{shown:,} of {total:,} {self._noun(total)}"
        if isinstance(self.model, QueryTableModel) and self.model.loading:
            text += " · working…"
        self.count_label.setText(text)

    def _fill_columns_menu(self, menu: QMenu | None = None) -> None:
        menu = menu or self.columns_menu
        menu.clear()
        visible = set(self.model.visible_columns())
        for name in self.model.columns():
            action = QAction(self.model.label(name), menu)
            action.setCheckable(True)
            action.setChecked(name in visible)
            action.setEnabled(not (name in visible and len(visible) == 1))
            action.toggled.connect(
                lambda checked, name=name: self._on_column_toggled(name, checked)
            )
            menu.addAction(action)
        menu.addSeparator()
        show_all = menu.addAction("Show all columns")
        show_all.triggered.connect(lambda: self._choose(self.model.columns()))

    def _on_column_toggled(self, name: str, checked: bool) -> None:
        names = set(self.model.visible_columns())
        if checked:
            names.add(name)
        else:
            names.discard(name)
        self._choose([column for column in self.model.columns() if column in names])

    def _choose(self, names: list[str]) -> None:
        self.set_visible_columns(names)
        self.columns_changed.emit(self.model.visible_columns())

    def _on_header_menu_requested(self, position: QPoint) -> None:
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        menu.popup(self.view.horizontalHeader().mapToGlobal(position))
