"""WeeklyActivityChart: orders per week as bars, revenue per week as a line."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.tables import money
from app.widgets.plotcolours import PALETTE_EVENTS, colour_plot

WEEK_S = 7 * 24 * 3600
ORDERS_COLOUR = QColor(70, 130, 200)
REVENUE_COLOUR = QColor(230, 120, 30)


class WeeklyActivityChart(QWidget):
    """Two scales on one chart: orders (left, bars) and revenue (right, line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.caption = QLabel(
            "Orders (blue bars, left scale) and revenue (orange line, right scale) "
            "per week. Point at a week to read its numbers."
        )
        self.caption.setWordWrap(True)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(120)
        self.plot.setToolTip("Weekly orders and revenue")
        item = self.plot.getPlotItem()
        item.setLabel("left", "Orders")
        item.setLabel("right", "Revenue")
        item.showAxis("right")
        self.revenue_box = pg.ViewBox()
        self.revenue_box.setMouseEnabled(x=False, y=False)
        item.scene().addItem(self.revenue_box)
        self.revenue_box.setZValue(item.zValue() + 10)  # the line over the bars
        item.getAxis("right").linkToView(self.revenue_box)
        self.revenue_box.setXLink(item)
        item.vb.sigResized.connect(self._sync_boxes)
        self.bars = pg.BarGraphItem(x=[], height=[], width=WEEK_S * 0.8)
        item.addItem(self.bars)
        self.line = pg.PlotDataItem([], [])
        self.revenue_box.addItem(self.line)
        self._mouse = pg.SignalProxy(
            item.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        self._apply_palette()

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Draw a weekly frame (ml.store.overview.weekly_activity)."""
        self.frame = frame.reset_index(drop=True)
        if frame.empty:
            self.bars.setOpts(x=[], height=[])
            self.line.setData([], [])
            self.readout.setText("No orders yet.")
            return
        x = self._seconds(frame["week_start"]) + WEEK_S / 2
        self.bars.setOpts(x=x, height=frame["orders"].to_numpy(float))
        self.line.setData(x, frame["revenue"].to_numpy(float))
        item = self.plot.getPlotItem()
        item.setXRange(x[0] - WEEK_S, x[-1] + WEEK_S, padding=0)
        item.setYRange(0, max(1.0, float(frame["orders"].max())) * 1.1, padding=0)
        self.revenue_box.setYRange(
            0, max(1.0, float(frame["revenue"].max())) * 1.1, padding=0
        )
        self.readout.setText(" ")
        self._sync_boxes()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in PALETTE_EVENTS:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        colour_plot(self.plot, self.palette(), ("left", "bottom", "right"))
        bar_colour = QColor(ORDERS_COLOUR)
        bar_colour.setAlpha(170)
        self.bars.setOpts(brush=pg.mkBrush(bar_colour), pen=pg.mkPen(None))
        self.line.setPen(pg.mkPen(REVENUE_COLOUR, width=2))
        self.plot.getPlotItem().getAxis("left").setTextPen(pg.mkPen(ORDERS_COLOUR))
        self.plot.getPlotItem().getAxis("right").setTextPen(pg.mkPen(REVENUE_COLOUR))

    def _sync_boxes(self) -> None:
        item = self.plot.getPlotItem()
        self.revenue_box.setGeometry(item.vb.sceneBoundingRect())
        self.revenue_box.linkedViewChanged(item.vb, self.revenue_box.XAxis)

    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        if self.frame.empty:
            return
        item = self.plot.getPlotItem()
        position = event[0]
        if not item.vb.sceneBoundingRect().contains(position):
            return
        seconds = item.vb.mapSceneToView(position).x()
        starts = self._seconds(self.frame["week_start"])
        row = int(np.searchsorted(starts, seconds, side="right")) - 1
        if not 0 <= row < len(self.frame):
            return
        week = self.frame.iloc[row]
        self.readout.setText(
            f"Week of {week['week_start']:%d %b %Y}: {int(week['orders']):,} orders, "
            f"revenue {money(week['revenue'])}, "
            f"{int(week['customers']):,} customers"
        )

    @staticmethod
    def _seconds(values: pd.Series) -> np.ndarray:
        # DateAxisItem reads seconds since the epoch (UTC); week starts are naive.
        epoch = datetime(1970, 1, 1)
        return np.array(
            [(pd.Timestamp(v).to_pydatetime() - epoch).total_seconds() for v in values]
        )
