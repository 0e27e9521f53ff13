"""ChartView: draws any ml.evaluation.charts.ChartData with pyqtgraph.

Lines (with the interval as a shaded band), scatter plots and bar charts
(drawn across, so long names stay readable), vertical marker lines (e.g.
as-of dates), a legend, a hover read-out, the chart's one-sentence caption
under it, and export as PNG, SVG and the numbers as CSV.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.widgets.chartexport import file_name, save_csv, save_png, save_svg
from app.widgets.plotcolours import PALETTE_EVENTS, colour_plot

if TYPE_CHECKING:
    from ml.evaluation.charts import ChartData, ChartSeries

# Pushwise first in every chart: the same strong blue everywhere.
COLOURS = (
    QColor(31, 119, 180),
    QColor(230, 120, 30),
    QColor(44, 160, 44),
    QColor(148, 103, 189),
    QColor(214, 39, 40),
    QColor(140, 86, 75),
    QColor(227, 119, 194),
)
# Series that are references rather than results: dashed grey.
REFERENCES = ("Perfectly calibrated", "Random order")
ACTUAL = "Actual"
HOVER_PIXELS = 30.0


class _BottomAxis(pg.DateAxisItem):  # type: ignore[misc]
    """A bottom axis showing plain numbers or dates (replacing axes crashes).

    Dates get one row of labels ("18 Sep", or "Sep 2011" on long ranges) at
    whole days, weeks or months from a Monday, as many as fit without touching.
    """

    dates = False

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Any:
        if not self.dates:
            return pg.AxisItem.tickValues(self, minVal, maxVal, size)
        span_days = max(maxVal - minVal, 1.0) / _DAY
        fit = max(2, int(size / _DATE_LABEL_PIXELS))
        step = next((s for s in _DATE_STEPS if span_days / s <= fit), _DATE_STEPS[-1])
        first = np.ceil((minVal - _MONDAY) / (step * _DAY))
        last = np.floor((maxVal - _MONDAY) / (step * _DAY))
        values = [_MONDAY + k * step * _DAY for k in np.arange(first, last + 1)]
        return [(step * _DAY, values)]

    def tickStrings(self, values: Any, scale: float, spacing: float) -> Any:
        if not self.dates:
            return pg.AxisItem.tickStrings(self, values, scale, spacing)
        days = [datetime.fromtimestamp(v, tz=UTC) for v in values]
        if spacing >= 91 * _DAY:
            return [f"{day:%b %Y}" for day in days]
        return [f"{day.day} {day:%b}" for day in days]

    def generateDrawSpecs(self, p: Any) -> Any:
        return pg.AxisItem.generateDrawSpecs(self, p)


_DAY = 86_400.0
_MONDAY = 4 * _DAY  # 5 January 1970, the first Monday of the epoch
_DATE_STEPS = (1, 7, 14, 28, 91, 182, 364)  # days between date labels
_DATE_LABEL_PIXELS = 70


class ChartView(QWidget):
    """One chart: title, plot with legend, hover read-out, caption, export buttons."""

    exported = Signal(Path)  # a file was written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: ChartData | None = None
        self._points: list[tuple[str, np.ndarray, np.ndarray, list[str]]] = []
        self._dates = False
        self._categories: list[str] = []
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.bottom_axis = _BottomAxis(utcOffset=0)
        self.plot = pg.PlotWidget(axisItems={"bottom": self.bottom_axis})
        self.legend = self.plot.getPlotItem().addLegend(offset=(10, 10))
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(180)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setToolTip("Point at the chart to read its numbers here.")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.picture_button = QPushButton("Save picture…")
        self.picture_button.setToolTip(
            "Save the chart as a PNG picture, or as SVG for documents and slides."
        )
        self.picture_button.clicked.connect(self._on_picture_button_clicked)
        self.numbers_button = QPushButton("Save numbers…")
        self.numbers_button.setToolTip(
            "Save the numbers behind this chart as a CSV file for a spreadsheet."
        )
        self.numbers_button.clicked.connect(self._on_numbers_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.readout, 1)
        buttons.addWidget(self.picture_button)
        buttons.addWidget(self.numbers_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.plot, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.caption)
        self._mouse = pg.SignalProxy(
            self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )
        self.set_chart(None)

    # -- drawing ------------------------------------------------------------------

    def set_chart(self, chart: ChartData | None, empty_text: str = "") -> None:
        """Draw chart (or clear the view, saying empty_text)."""
        self.chart = chart
        self._points = []
        self._categories = []
        item = self.plot.getPlotItem()
        item.clear()
        self.legend.clear()
        self.legend.show()
        self.legend.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(10, 10))
        has_numbers = chart is not None and any(len(s.x) for s in chart.series)
        self.picture_button.setEnabled(has_numbers)
        self.numbers_button.setEnabled(has_numbers)
        self.readout.setText(" ")
        if chart is None:
            self.title_label.setText(empty_text)
            self.caption.setText("")
            return
        self.title_label.setText(chart.title)
        self.caption.setText(chart.caption)
        self._dates = _has_dates(chart)
        self.bottom_axis.dates = self._dates
        self.bottom_axis.picture = None
        self._apply_palette()
        item.enableAutoRange()
        if chart.kind == "bar":
            self._draw_bars(chart)
        else:
            self._draw_xy(chart)

    def _draw_xy(self, chart: ChartData) -> None:
        item = self.plot.getPlotItem()
        item.setLabel("bottom", chart.x_label)
        item.setLabel("left", chart.y_label)
        item.getAxis("left").setTicks(None)
        item.getAxis("left").setWidth(None)
        for index, series in enumerate(chart.series):
            x = self._numbers(series.x)
            y = np.asarray(series.y, dtype=float)
            colour = self._colour(series.name, index)
            if chart.kind == "scatter":
                curve = pg.ScatterPlotItem(
                    x,
                    y,
                    size=7,
                    brush=pg.mkBrush(colour),
                    pen=pg.mkPen(None),
                    name=series.name,
                )
            else:
                curve = pg.PlotDataItem(
                    x,
                    y,
                    pen=self._pen(series.name, colour),
                    connect="finite",
                    name=series.name,
                    symbol="o"
                    if len(x) <= 12 and series.name not in REFERENCES
                    else None,
                    symbolSize=5,
                    symbolBrush=pg.mkBrush(colour),
                    symbolPen=pg.mkPen(None),
                )
            item.addItem(curve)
            if series.lower is not None and series.upper is not None:
                self._draw_band(x, series, colour)
            self._points.append((series.name, x, y, self._bounds_text(series)))
        if chart.kind == "scatter":
            self._draw_diagonal(chart)
        for at, label in chart.markers:
            line = pg.InfiniteLine(
                pos=float(self._numbers((at,))[0]),
                angle=90,
                pen=pg.mkPen(self._text_colour(), width=1, style=Qt.PenStyle.DashLine),
                label=label,
                labelOpts={"position": 0.04, "color": self._text_colour()},
            )
            item.addItem(line, ignoreBounds=True)

    def _draw_band(self, x: np.ndarray, series: ChartSeries, colour: QColor) -> None:
        lower = np.asarray(series.lower, dtype=float)
        upper = np.asarray(series.upper, dtype=float)
        keep = np.isfinite(x) & np.isfinite(lower) & np.isfinite(upper)
        if keep.sum() < 2:
            return
        low = pg.PlotCurveItem(x[keep], lower[keep], pen=pg.mkPen(None))
        high = pg.PlotCurveItem(x[keep], upper[keep], pen=pg.mkPen(None))
        fill = QColor(colour)
        fill.setAlpha(60)
        band = pg.FillBetweenItem(low, high, brush=pg.mkBrush(fill))
        item = self.plot.getPlotItem()
        item.addItem(low)
        item.addItem(high)
        item.addItem(band)
        # A legend sample of the fill (a FillBetweenItem in the legend crashes).
        sample = pg.PlotDataItem(pen=pg.mkPen(None), fillLevel=0, fillBrush=fill)
        self.legend.addItem(sample, f"{series.name}: likely range")

    def _draw_diagonal(self, chart: ChartData) -> None:
        values = [
            v for _, x, y, _ in self._points for v in (*x, *y) if math.isfinite(v)
        ]
        top = max(values, default=1.0) or 1.0
        line = pg.PlotDataItem(
            [0.0, top],
            [0.0, top],
            pen=pg.mkPen(QColor(128, 128, 128), width=1, style=Qt.PenStyle.DashLine),
            name="Exact forecast",
        )
        self.plot.getPlotItem().addItem(line)

    def _draw_bars(self, chart: ChartData) -> None:
        item = self.plot.getPlotItem()
        item.setLabel("bottom", chart.y_label)
        item.setLabel("left", chart.x_label)
        names: list[str] = []
        for series in chart.series:
            names.extend(str(x) for x in series.x if str(x) not in names)
        self._categories = names
        count = max(len(names), 1)
        position = {name: count - 1 - i for i, name in enumerate(names)}  # first on top
        height = 0.8 / max(len(chart.series), 1)
        for index, series in enumerate(chart.series):
            colour = self._colour(series.name, index)
            offset = 0.4 - height * (index + 0.5)
            y = np.array([position[str(x)] + offset for x in series.x], dtype=float)
            width = np.nan_to_num(np.asarray(series.y, dtype=float))
            bars = pg.BarGraphItem(
                x0=np.zeros(len(y)),
                y=y,
                height=height * 0.9,
                width=width,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(None),
                name=series.name,
            )
            item.addItem(bars)
            if series.lower is not None and series.upper is not None:
                lower = np.asarray(series.lower, dtype=float)
                upper = np.asarray(series.upper, dtype=float)
                whiskers = pg.ErrorBarItem(
                    x=width,
                    y=y,
                    left=np.nan_to_num(width - lower),
                    right=np.nan_to_num(upper - width),
                    beam=height * 0.4,
                    pen=pg.mkPen(self._text_colour()),
                )
                item.addItem(whiskers)
            self._points.append((series.name, width, y, [str(x) for x in series.x]))
        if len(chart.series) <= 1:
            self.legend.hide()
        else:
            # Room on the right for the legend, clear of the longest bar.
            self.legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 10))
            ends = [v for _, x, _, _ in self._points for v in x if math.isfinite(v)]
            uppers = [
                v for one in chart.series for v in (one.upper or ()) if math.isfinite(v)
            ]
            top = max([*ends, *uppers], default=1.0) or 1.0
            item.setXRange(0, top * 1.35, padding=0)
        axis = item.getAxis("left")
        axis.setTicks([[(position[n], n) for n in names]])
        # Names are long: make room for the longest (pyqtgraph would clip them).
        metrics = self.fontMetrics()
        longest = max((metrics.horizontalAdvance(n) for n in names), default=0)
        axis.setWidth(longest + metrics.height() + 16)

    # -- export -------------------------------------------------------------------

    def export_png(self, path: Path) -> Path:
        """Save the chart with its title and caption as a PNG picture."""
        save_png(self, Path(path))
        self.exported.emit(Path(path))
        return Path(path)

    def export_svg(self, path: Path) -> Path:
        """Save the chart with its title and caption as an SVG drawing."""
        chart = self.chart
        save_svg(
            self,
            Path(path),
            chart.title if chart else "",
            chart.caption if chart else "",
        )
        self.exported.emit(Path(path))
        return Path(path)

    def export_csv(self, path: Path) -> Path:
        """Save the numbers behind the chart (ChartData.to_frame()) as CSV."""
        if self.chart is None:
            raise ValueError("there is no chart to export")
        save_csv(self.chart, Path(path))
        self.exported.emit(Path(path))
        return Path(path)

    def _on_picture_button_clicked(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Save the chart as a picture",
            file_name(self.chart, "png"),
            "PNG picture (*.png);;SVG drawing (*.svg)",
        )
        if not path:
            return
        try:
            if path.lower().endswith(".svg") or (
                "SVG" in chosen and not path.lower().endswith(".png")
            ):
                self.export_svg(Path(path))
            else:
                self.export_png(Path(path))
        except Exception as error:
            show_error(self, error, context="Saving a chart picture")

    def _on_numbers_button_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the chart's numbers",
            file_name(self.chart, "csv"),
            "CSV file (*.csv)",
        )
        if not path:
            return
        try:
            self.export_csv(Path(path))
        except Exception as error:
            show_error(self, error, context="Saving a chart's numbers")

    # -- hover --------------------------------------------------------------------

    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        if not self._points or self.chart is None:
            return
        item = self.plot.getPlotItem()
        position = event[0]
        if not item.vb.sceneBoundingRect().contains(position):
            return
        best: tuple[float, str] | None = None
        for name, x, y, extra in self._points:
            for i in range(len(x)):
                if not (math.isfinite(x[i]) and math.isfinite(y[i])):
                    continue
                scene = item.vb.mapViewToScene(QPointF(float(x[i]), float(y[i])))
                distance = math.hypot(
                    scene.x() - position.x(), scene.y() - position.y()
                )
                if self.chart.kind == "bar":
                    distance = abs(scene.y() - position.y())
                if best is None or distance < best[0]:
                    best = (distance, self._describe(name, x[i], y[i], extra, i))
        if best is not None and best[0] <= HOVER_PIXELS:
            self.readout.setText(best[1])

    def _describe(self, name: str, x: float, y: float, extra: list[str], i: int) -> str:
        chart = self.chart
        assert chart is not None
        if chart.kind == "bar":
            text = f"{extra[i]}, {name}: {chart.y_label} {_number(x)}"
            return text
        shown_x = f"{pd.Timestamp(x, unit='s'):%d %b %Y}" if self._dates else _number(x)
        text = f"{name}: {chart.x_label} {shown_x}, {chart.y_label} {_number(y)}"
        if extra and extra[i]:
            text += f" ({extra[i]})"
        return text

    @staticmethod
    def _bounds_text(series: ChartSeries) -> list[str]:
        if series.lower is None or series.upper is None:
            return []
        return [
            f"likely {_number(lo)} to {_number(hi)}"
            if math.isfinite(lo) and math.isfinite(hi)
            else ""
            for lo, hi in zip(series.lower, series.upper, strict=True)
        ]

    # -- looks --------------------------------------------------------------------

    def _numbers(self, values: tuple[Any, ...]) -> np.ndarray:
        if self._dates:
            return np.array(
                [pd.Timestamp(v).tz_localize(None).timestamp() for v in values],
                dtype=float,
            )
        return np.array([float(v) for v in values], dtype=float)

    def _colour(self, name: str, index: int) -> QColor:
        """Actual in the text colour, references grey, Pushwise always blue."""
        if name == ACTUAL:
            return self._text_colour()
        if name in REFERENCES:
            return QColor(128, 128, 128)
        if name == "Pushwise":
            return COLOURS[0]
        assert self.chart is not None
        others = [
            s.name
            for s in self.chart.series
            if s.name not in (ACTUAL, "Pushwise", *REFERENCES)
        ]
        rank = others.index(name) if name in others else index
        if not any(s.name == "Pushwise" for s in self.chart.series):
            return COLOURS[rank % len(COLOURS)]
        return COLOURS[1 + rank % (len(COLOURS) - 1)]

    def _pen(self, name: str, colour: QColor) -> Any:
        if name in REFERENCES:
            return pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine)
        return pg.mkPen(colour, width=3 if name in ("Pushwise", ACTUAL) else 2)

    def _text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in PALETTE_EVENTS:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        colour_plot(self.plot, palette)
        self.legend.setLabelTextColor(palette.color(QPalette.ColorRole.Text))
        behind = QColor(palette.color(QPalette.ColorRole.Base))
        behind.setAlpha(210)
        self.legend.setBrush(pg.mkBrush(behind))


def _has_dates(chart: ChartData) -> bool:
    return any(
        isinstance(value, pd.Timestamp)
        for series in chart.series
        for value in series.x[:1]
    )


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "unknown"
    if abs(value) >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"
