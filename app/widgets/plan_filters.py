"""PlanFiltersPanel: which pushes to show (segment, country, category, ...)."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ml.columns import Columns

C = Columns
ALL = "All"
TYPING_DELAY_MS = 300


class PlanFiltersPanel(QGroupBox):
    """Filters on the plan's table; filters_changed after any change."""

    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Show", parent)
        self.segment = self._combo("Show only customers of this segment.")
        self.country = self._combo("Show only customers in this country.")
        self.category = self._combo("Show only offerings of this category.")
        self.offering = QLineEdit()
        self.offering.setPlaceholderText("Offering name or code…")
        self.offering.setClearButtonEnabled(True)
        self.offering.setToolTip(
            "Show only offerings whose name or code contains this."
        )
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.filters_changed)
        self.offering.textChanged.connect(self._typing.start)
        self.min_percent = QSpinBox()
        self.min_percent.setRange(0, 100)
        self.min_percent.setSuffix(" %")
        self.min_percent.setKeyboardTracking(False)
        self.min_percent.setToolTip(
            "Show only pushes with at least this chance of being taken up "
            "(the others stay in the plan and in its export)."
        )
        self.min_percent.valueChanged.connect(self.filters_changed)
        self.new_only = QCheckBox("Only offerings new to the customer")
        self.new_only.setToolTip("Hide offerings the customer has bought before.")
        self.new_only.toggled.connect(self.filters_changed)
        form = QFormLayout(self)
        form.addRow("Segment", self.segment)
        form.addRow("Country", self.country)
        form.addRow("Category", self.category)
        form.addRow("Offering", self.offering)
        form.addRow("Chance at least", self.min_percent)
        form.addRow(self.new_only)

    def set_choices(self, table: pd.DataFrame) -> None:
        """Fill the drop-downs with the values the plan has (keeping choices)."""
        for combo, column in (
            (self.segment, C.SEGMENT),
            (self.country, C.COUNTRY),
            (self.category, C.CATEGORY),
        ):
            values = sorted(str(v) for v in table[column].dropna().unique())
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL, *values])
            combo.setCurrentIndex(max(0, combo.findText(current)))
            combo.setEnabled(bool(values))
            combo.blockSignals(False)

    def active(self) -> bool:
        """Whether any filter hides rows."""
        return (
            any(
                c.currentIndex() > 0
                for c in (self.segment, self.country, self.category)
            )
            or bool(self.offering.text().strip())
            or self.min_percent.value() > 0
            or self.new_only.isChecked()
        )

    def apply(self, table: pd.DataFrame) -> pd.DataFrame:
        """The rows of the table that pass every filter."""
        keep = pd.Series(True, index=table.index)
        for combo, column in (
            (self.segment, C.SEGMENT),
            (self.country, C.COUNTRY),
            (self.category, C.CATEGORY),
        ):
            if combo.currentIndex() > 0:
                keep &= table[column].astype("string") == combo.currentText()
        text = self.offering.text().strip().lower()
        if text:
            name = table["offering_name"].astype("string").str.lower()
            code = table[C.OFFERING].astype("string").str.lower()
            found = name.str.contains(text, regex=False) | code.str.contains(
                text, regex=False
            )
            keep &= found.fillna(False)
        if self.min_percent.value() > 0:
            keep &= table["probability"] >= self.min_percent.value() / 100
        if self.new_only.isChecked():
            keep &= ~table["bought_before"].astype(bool)
        return table[keep.to_numpy(dtype=bool)]

    def _combo(self, tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(ALL)
        combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self.filters_changed)
        return combo
