"""The colours every pyqtgraph plot takes from the window's light or dark palette."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette

# The events after which a plot must take its colours again.
PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)


def colour_plot(
    plot: pg.PlotWidget, palette: QPalette, axes: Sequence[str] = ("left", "bottom")
) -> None:
    """Paint the plot's background and its axes' lines and labels from palette."""
    text = palette.color(QPalette.ColorRole.Text)
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    for name in axes:
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
