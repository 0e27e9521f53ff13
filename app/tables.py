"""Table models: cells are formatted only when Qt asks for them.

``TableModelBase`` holds what every table shares (column labels, visible
columns, a text filter, sorting, cell formatting); ``DataFrameTableModel``
shows a pandas frame: sorting and filtering compute a row order that views
read through, so a million rows cost one integer array, not a copy.
``QueryTableModel`` (app/querytable.py) shows a stored table page by page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

Formatter = Callable[[Any], str]
Index = QModelIndex | QPersistentModelIndex
RAW_ROLE = Qt.ItemDataRole.UserRole  # the unformatted value of a cell
ROOT = QModelIndex()  # the parent of every row of a table
# Texts longer than this get a tooltip: a table may cut them with "…".
TOOLTIP_CHARS = 20


def is_missing(value: Any) -> bool:
    """Whether a cell value is empty (None, NaN, NaT, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_value(value: Any) -> str:
    """Format a cell for people: thousands separators, short dates, Yes/No."""
    if is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return format_value(pd.Timestamp(value))
    return str(value)


def money(value: Any) -> str:
    """Format an amount of money with two decimals (no currency symbol)."""
    return "" if is_missing(value) else f"{float(value):,.2f}"


def percent(value: Any) -> str:
    """Format a fraction 0..1 as a percentage."""
    return "" if is_missing(value) else f"{100 * float(value):.0f}%"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal | np.integer | np.floating) and (
        not isinstance(value, bool | np.bool_)
    )


class TableModelBase(QAbstractTableModel):
    """Labels, visible columns, text filter, sorting and formatting of a table.

    Subclasses hold the rows and implement total_rows, _raw, _refilter and
    _resort (DataFrameTableModel in memory, app.querytable over DuckDB). The
    hooks raise NotImplementedError here because Qt's metaclass and abc's do
    not mix: with both, the subclasses lose abc's bookkeeping and isinstance()
    on them fails.
    """

    rows_changed = Signal()  # the rows shown changed (data, filter or sort)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._visible: list[str] = []
        self._labels: dict[str, str] = {}
        self._tooltips: dict[str, str] = {}
        self._formats: dict[str, Formatter] = {}
        self._filter_text = ""
        self._sort: tuple[str, Qt.SortOrder] | None = None

    # -- columns ---------------------------------------------------------------

    def set_labels(
        self,
        labels: Mapping[str, str] | None = None,
        formats: Mapping[str, Formatter] | None = None,
        tooltips: Mapping[str, str] | None = None,
    ) -> None:
        """Column headings, per-column formatters and header tooltips."""
        self._labels.update(labels or {})
        self._formats.update(formats or {})
        self._tooltips.update(tooltips or {})
        if self._visible:
            self.headerDataChanged.emit(
                Qt.Orientation.Horizontal, 0, len(self._visible) - 1
            )

    def columns(self) -> list[str]:
        """Every column name, in order."""
        return list(self._columns)

    def visible_columns(self) -> list[str]:
        """The columns shown, in order."""
        return list(self._visible)

    def set_visible_columns(self, names: Iterable[str]) -> None:
        """Show only these columns (kept in the table's own order)."""
        wanted = set(names)
        visible = [name for name in self._columns if name in wanted]
        if visible == self._visible:
            return
        self.beginResetModel()
        self._visible = visible
        self.endResetModel()
        if self._filter_text:
            self._refilter()

    def label(self, name: str) -> str:
        """The heading of a column."""
        return self._labels.get(name) or name.replace("_", " ").capitalize()

    def column_name(self, section: int) -> str:
        """The name of the visible column at section."""
        return self._visible[section]

    # -- filter and sort -------------------------------------------------------

    @property
    def filter_text(self) -> str:
        """The text every shown row contains (each word, in any visible column)."""
        return self._filter_text

    def set_filter_text(self, text: str) -> None:
        """Show only rows containing each word of text (case-insensitive)."""
        text = " ".join(text.split())
        if text != self._filter_text:
            self._filter_text = text
            self._refilter()

    @property
    def sort_key(self) -> tuple[str, Qt.SortOrder] | None:
        """The sorted column and its order, if sorted."""
        return self._sort

    def sort(
        self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    ) -> None:
        """Sort by a visible column (Qt calls this when a header is clicked)."""
        if not 0 <= column < len(self._visible):
            return
        self._sort = (self._visible[column], order)
        self._resort()

    def total_rows(self) -> int:
        """Rows before filtering."""
        raise NotImplementedError

    # -- hooks for subclasses ----------------------------------------------------

    def _raw(self, row: int, name: str) -> Any:
        """The value of column `name` in shown row `row`, unformatted."""
        raise NotImplementedError

    def _refilter(self) -> None:
        """Apply the filter text to the rows (then sort and tell the views)."""
        raise NotImplementedError

    def _resort(self) -> None:
        """Apply the sort key to the shown rows (and tell the views)."""
        raise NotImplementedError

    # -- Qt ------------------------------------------------------------------------

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            RAW_ROLE,
        ):
            return None
        name = self._visible[index.column()]
        value = self._raw(index.row(), name)
        if role == RAW_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if _is_number(value):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        text = self._formats.get(name, format_value)(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > TOOLTIP_CHARS else None
        return text

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1:,}"
            return None
        if not 0 <= section < len(self._visible):
            return None
        name = self._visible[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.label(name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltips.get(name)
        return None


class DataFrameTableModel(TableModelBase):
    """A pandas frame as a table; sorting and filtering reorder row numbers only."""

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        labels: Mapping[str, str] | None = None,
        formats: Mapping[str, Formatter] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.set_labels(labels, formats)
        self._frame = pd.DataFrame()
        self._arrays: dict[str, Any] = {}
        self._rows: np.ndarray = np.arange(0)
        self._search: dict[str, pd.Series] = {}  # lower-case text per column
        if frame is not None:
            self.set_frame(frame)

    def set_frame(
        self, frame: pd.DataFrame, visible: Sequence[str] | None = None
    ) -> None:
        """Show a new frame, keeping the filter and, if possible, the sort.

        visible: the columns to show, in this order (the others follow it,
        hidden); None keeps the columns shown before.
        """
        self.beginResetModel()
        self._frame = frame.reset_index(drop=True)
        self._columns = [str(name) for name in self._frame.columns]
        self._frame.columns = self._columns
        self._arrays = {name: self._frame[name].array for name in self._columns}
        if visible is not None:
            present = set(self._columns)
            shown = list(dict.fromkeys(name for name in visible if name in present))
            self._columns = shown + [n for n in self._columns if n not in set(shown)]
            self._visible = shown
        else:
            kept = [name for name in self._visible if name in self._columns]
            self._visible = kept if kept else list(self._columns)
        self._search = {}
        if self._sort is not None and self._sort[0] not in self._columns:
            self._sort = None
        self._rows = self._ordered(self._matching())
        self.endResetModel()
        self.rows_changed.emit()

    def frame(self) -> pd.DataFrame:
        """The whole frame (every row and column, in its own order)."""
        return self._frame

    def shown_frame(self) -> pd.DataFrame:
        """The rows and columns as shown (filtered, sorted, visible columns)."""
        return self._frame.iloc[self._rows][self._visible].reset_index(drop=True)

    def row_values(self, row: int) -> pd.Series:
        """Every column of a shown row."""
        return self._frame.iloc[int(self._rows[row])]

    def total_rows(self) -> int:
        return len(self._frame)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _raw(self, row: int, name: str) -> Any:
        return self._arrays[name][self._rows[row]]

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rows = self._ordered(self._matching())
        self.endResetModel()
        self.rows_changed.emit()

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self._rows = self._ordered(self._rows)
        self.layoutChanged.emit()
        self.rows_changed.emit()

    def _matching(self) -> np.ndarray:
        if not self._filter_text or self._frame.empty:
            return np.arange(len(self._frame))
        mask = np.ones(len(self._frame), dtype=bool)
        for word in self._filter_text.lower().split():
            found = np.zeros(len(self._frame), dtype=bool)
            for name in self._visible:
                text = self._search_text(name)
                found |= text.str.contains(word, regex=False).to_numpy(bool)
            mask &= found
        return np.flatnonzero(mask)

    def _search_text(self, name: str) -> pd.Series:
        text = self._search.get(name)
        if text is None:
            values = self._frame[name]
            text = values.map(format_value, na_action="ignore").fillna("").str.lower()
            self._search[name] = text
        return text

    def _ordered(self, rows: np.ndarray) -> np.ndarray:
        if self._sort is None or len(rows) < 2:
            return rows
        name, order = self._sort
        values = self._frame[name].iloc[rows]
        ascending = order == Qt.SortOrder.AscendingOrder
        try:
            ranked = values.sort_values(
                ascending=ascending, kind="stable", na_position="last"
            )
        except TypeError:  # mixed types in one column: sort by their text
            ranked = values.astype(str).sort_values(ascending=ascending, kind="stable")
        return ranked.index.to_numpy(dtype=np.int64)
