"""PreviewTableModel: preview rows, with the outcome of each row coloured."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from app.tables import DataFrameTableModel, Index, TableModelBase
from app.widgets.table import fit_columns as fit_table_columns
from ml.reading.model import LINE_COLUMN
from ml.workflows.imports import IMPORTED, OUTCOME

LINE = LINE_COLUMN  # the file's own row number, shown first
_REJECTED = QColor(192, 57, 43)
_RETURN = QColor(183, 121, 31)
MAX_COLUMN_WIDTH = 320  # long comments and names are cut, with a tooltip


class PreviewTableModel(DataFrameTableModel):
    """A small frame whose OUTCOME column is red for rejects, amber for returns."""

    def show(self, frame: pd.DataFrame, labels: dict[str, str]) -> None:
        """Show `frame` (its LINE column first) with these column headings."""
        self.set_labels({LINE: "Row", OUTCOME: "What happens", **labels})
        self.set_frame(frame, visible=list(frame.columns))

    def clear(self) -> None:
        """Show nothing."""
        self.set_frame(pd.DataFrame())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            if self.column_name(index.column()) != OUTCOME:
                return None
            value = self._raw(index.row(), OUTCOME)
            if isinstance(value, str) and value != IMPORTED:
                return QBrush(_REJECTED if value.startswith("rejected") else _RETURN)
            return None
        return super().data(index, role)


def fit_columns(table: QTableView) -> None:
    """Size columns to their first rows' text, none wider than MAX_COLUMN_WIDTH.

    A few rows are measured, whatever the table holds: the report of a large
    file can list hundreds of thousands of rejected rows.
    """
    model = table.model()
    if isinstance(model, TableModelBase):
        fit_table_columns(table, model, MAX_COLUMN_WIDTH)
