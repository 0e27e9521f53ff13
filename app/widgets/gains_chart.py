"""GainsChart: expected uptake against list size for one offering."""

from __future__ import annotations

import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.widgets.plotcolours import PALETTE_EVENTS, colour_plot

CURVE_COLOUR = QColor(70, 130, 200)
CHOSEN_COLOUR = QColor(230, 120, 30)


class GainsChart(QWidget):
    """The gains curve (PushPlan.gains_curve); drag the line to pick a list size."""

    size_picked = Signal(int)  # the list size the user dragged the line to

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.curve_frame = pd.DataFrame({"list_size": [], "expected_uptake": []})
        self.caption = QLabel(
            "How many customers are expected to take the offering up if you "
            "contact the best N of them. Where the curve flattens, more contacts "
            "add little. Drag the orange line to choose the list size."
        )
        self.caption.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(140)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "Customers contacted (best first)")
        item.setLabel("left", "Expected uptake")
        self.curve = pg.PlotDataItem([], [])
        item.addItem(self.curve)
        self.line = pg.InfiniteLine(angle=90, movable=True)
        self.line.setToolTip("Drag to choose how many customers to contact.")
        item.addItem(self.line)
        self.line.sigPositionChangeFinished.connect(self._on_line_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self._apply_palette()

    def set_curve(self, frame: pd.DataFrame, size: int) -> None:
        """Draw a gains curve (list_size, expected_uptake) and the chosen size."""
        self.curve_frame = frame.reset_index(drop=True)
        x = [0.0, *frame["list_size"].astype(float)]
        y = [0.0, *frame["expected_uptake"].astype(float)]
        self.curve.setData(x, y)
        top = max(1.0, x[-1])
        self.line.setBounds((0, top))
        item = self.plot.getPlotItem()
        item.setXRange(0, top, padding=0.02)
        item.setYRange(0, max(0.1, y[-1]) * 1.05, padding=0)
        self.set_size(size)

    def set_size(self, size: int) -> None:
        """Move the list-size line (without emitting size_picked)."""
        self.line.blockSignals(True)
        self.line.setValue(float(size))
        self.line.blockSignals(False)

    def uptake_at(self, size: int) -> float:
        """Expected uptake when contacting the best `size` customers."""
        if size <= 0 or self.curve_frame.empty:
            return 0.0
        row = min(size, len(self.curve_frame)) - 1
        return float(self.curve_frame["expected_uptake"].iloc[row])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in PALETTE_EVENTS:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        colour_plot(self.plot, self.palette())
        self.curve.setPen(pg.mkPen(CURVE_COLOUR, width=2))
        self.line.setPen(pg.mkPen(CHOSEN_COLOUR, width=2))

    def _on_line_moved(self) -> None:
        self.size_picked.emit(max(1, round(self.line.value())))
