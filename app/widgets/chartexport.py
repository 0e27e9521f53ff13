"""Saving a chart: a PNG picture, an SVG drawing, or its numbers as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from app.export import write_frame_csv

if TYPE_CHECKING:
    from ml.evaluation.charts import ChartData


def save_png(widget: QWidget, path: Path) -> None:
    """Save what the widget shows as a PNG picture."""
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(0, "the picture could not be written", str(path))


def save_svg(widget: QWidget, path: Path, title: str, description: str) -> None:
    """Draw the widget into an SVG file (Qt's QSvgGenerator: pyqtgraph's
    SVGExporter fails on the paths Qt 6 writes)."""
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(title or "Chart")
    generator.setDescription(description)
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(0, "the drawing could not be written", str(path))
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()


def save_csv(chart: ChartData, path: Path) -> None:
    """Write the chart's numbers (ChartData.to_frame(), dates as YYYY-MM-DD)."""
    frame = chart.to_frame()
    frame["x"] = [
        f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else v for v in frame["x"]
    ]
    write_frame_csv(frame, path)


def file_name(chart: ChartData | None, suffix: str) -> str:
    """A file name suggested for saving the chart, from its title."""
    title = chart.title if chart is not None else "chart"
    stem = "".join(c if c.isalnum() else "-" for c in title.split(":")[0].lower())
    return f"{stem.strip('-')[:40] or 'chart'}.{suffix}"
