"""Draw a ChartData as a self-contained SVG (for the HTML report; no plotting
library, no Qt): lines with interval bands, scatters and bars, with axes,
ticks, a legend and vertical markers such as the as-of dates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

import numpy as np
import pandas as pd

from ml.evaluation.charts import ChartData, ChartSeries

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 48
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class _Axis:
    low: float
    high: float
    start: float
    end: float

    def at(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def chart_svg(chart: ChartData, *, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The chart as an SVG element (a string to embed in HTML)."""
    categorical = chart.kind == "bar" or _is_text(chart.series)
    dates = not categorical and _is_dates(chart.series)
    categories = _categories(chart.series) if categorical else []
    xs = [_x_values(s.x, dates, categories) for s in chart.series]
    marker_xs = [_number(x, dates) for x, _ in chart.markers] if not categorical else []
    x_low, x_high = _range([*xs, np.array(marker_xs)], pad=0.5 if categorical else 0)
    y_values = [np.asarray(s.y, dtype=float) for s in chart.series]
    y_values += [np.asarray(b, dtype=float) for s in chart.series for b in _bands(s)]
    y_low, y_high = _range(y_values, pad=0)
    y_ticks = _nice_ticks(min(y_low, 0.0) if y_low >= 0 else y_low, y_high)
    x_axis = _Axis(x_low, x_high, LEFT, width - RIGHT)
    y_axis = _Axis(y_ticks[0], y_ticks[-1], height - BOTTOM, TOP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(chart.title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(chart.title)}</title>",
    ]
    parts += _y_axis(y_axis, y_ticks, width, chart.y_label)
    parts += _x_axis(x_axis, y_axis, x_low, x_high, dates, categories, chart.x_label)
    parts += _markers(chart, marker_xs, x_axis, y_axis)
    for index, (series, x) in enumerate(zip(chart.series, xs, strict=True)):
        colour = PALETTE[index % len(PALETTE)]
        parts += _draw(chart.kind, series, x, x_axis, y_axis, colour, index, chart)
    parts += _legend(chart.series, width)
    parts.append("</svg>")
    return "\n".join(parts)


def _draw(
    kind: str,
    series: ChartSeries,
    x: np.ndarray,
    x_axis: _Axis,
    y_axis: _Axis,
    colour: str,
    index: int,
    chart: ChartData,
) -> list[str]:
    y = np.asarray(series.y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if kind == "bar":
        groups = max(len(chart.series), 1)
        slot = (x_axis.at(1) - x_axis.at(0)) * 0.8
        bar = slot / groups
        zero = y_axis.at(max(y_axis.low, 0.0))
        return [
            f'<rect x="{x_axis.at(xi) - slot / 2 + index * bar:.1f}" '
            f'y="{min(y_axis.at(yi), zero):.1f}" width="{bar:.1f}" '
            f'height="{abs(zero - y_axis.at(yi)):.1f}" fill="{colour}">'
            f"<title>{escape(series.name)}: {_format(yi)}</title></rect>"
            for xi, yi in zip(x[keep], y[keep], strict=True)
        ]
    if kind == "scatter":
        return [
            f'<circle cx="{x_axis.at(xi):.1f}" cy="{y_axis.at(yi):.1f}" r="3" '
            f'fill="{colour}" fill-opacity="0.6"><title>{escape(series.name)}: '
            f"{_format(xi)}, {_format(yi)}</title></circle>"
            for xi, yi in zip(x[keep], y[keep], strict=True)
        ]
    parts: list[str] = []
    if series.lower is not None and series.upper is not None:
        lower = np.asarray(series.lower, dtype=float)
        upper = np.asarray(series.upper, dtype=float)
        band = keep & np.isfinite(lower) & np.isfinite(upper)
        if band.any():
            top = [
                f"{x_axis.at(a):.1f},{y_axis.at(b):.1f}"
                for a, b in zip(x[band], upper[band], strict=True)
            ]
            bottom = [
                f"{x_axis.at(a):.1f},{y_axis.at(b):.1f}"
                for a, b in zip(x[band], lower[band], strict=True)
            ]
            parts.append(
                f'<polygon points="{" ".join(top + bottom[::-1])}" fill="{colour}" '
                f'fill-opacity="0.18" stroke="none"/>'
            )
    points = " ".join(
        f"{x_axis.at(a):.1f},{y_axis.at(b):.1f}"
        for a, b in zip(x[keep], y[keep], strict=True)
    )
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
        f"<title>{escape(series.name)}</title></polyline>"
    )
    return parts


def _y_axis(axis: _Axis, ticks: Sequence[float], width: int, label: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = axis.at(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_format(tick)}</text>'
        )
    middle = (axis.start + axis.end) / 2
    parts.append(
        f'<text transform="translate(14,{middle:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    return parts


def _x_axis(
    axis: _Axis,
    y_axis: _Axis,
    low: float,
    high: float,
    dates: bool,
    categories: Sequence[str],
    label: str,
) -> list[str]:
    base = y_axis.start
    parts = [
        f'<line x1="{axis.start}" x2="{axis.end}" y1="{base}" y2="{base}" '
        f'stroke="#888"/>'
    ]
    if categories:
        ticks = [(float(i), name) for i, name in enumerate(categories)]
    else:
        ticks = [(t, _tick_label(t, dates)) for t in _nice_ticks(low, high, count=6)]
    for value, text in ticks:
        if low <= value <= high:
            x = axis.at(value)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}" '
                f'stroke="#888"/><text x="{x:.1f}" y="{base + 16}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    parts.append(
        f'<text x="{(axis.start + axis.end) / 2:.1f}" y="{base + 36}" '
        f'text-anchor="middle">{escape(label)}</text>'
    )
    return parts


def _markers(
    chart: ChartData, xs: Sequence[float], axis: _Axis, y_axis: _Axis
) -> list[str]:
    parts = []
    for (_, label), value in zip(chart.markers, xs, strict=True):
        x = axis.at(value)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_axis.end}" y2="{y_axis.start}" '
            f'stroke="#555" stroke-dasharray="4 3"/><text x="{x + 3:.1f}" '
            f'y="{y_axis.end + 10}" fill="#555">{escape(label)}</text>'
        )
    return parts


def _legend(series: Sequence[ChartSeries], width: int) -> list[str]:
    parts = []
    x = LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="22">{escape(item.name)}</text>'
        )
        x += 28 + 7 * len(item.name)
        if x > width - 80:
            break
    return parts


def _bands(series: ChartSeries) -> list[Sequence[float]]:
    return [b for b in (series.lower, series.upper) if b is not None]


def _is_dates(series: Sequence[ChartSeries]) -> bool:
    return any(
        isinstance(v, (datetime, date, np.datetime64, pd.Timestamp))
        for s in series
        for v in s.x[:1]
    )


def _is_text(series: Sequence[ChartSeries]) -> bool:
    return any(isinstance(v, str) for s in series for v in s.x[:1])


def _categories(series: Sequence[ChartSeries]) -> list[str]:
    seen: dict[str, None] = {}
    for s in series:
        seen.update((str(v), None) for v in s.x)
    return list(seen)


def _x_values(
    values: Sequence[object], dates: bool, categories: list[str]
) -> np.ndarray:
    if categories:
        index = {name: i for i, name in enumerate(categories)}
        return np.array([index[str(v)] for v in values], dtype=float)
    return np.array([_number(v, dates) for v in values], dtype=float)


def _number(value: object, dates: bool) -> float:
    if dates:
        return pd.Timestamp(value).timestamp() / SECONDS_PER_DAY  # type: ignore[arg-type]
    return float(value)  # type: ignore[arg-type]


def _tick_label(value: float, dates: bool) -> str:
    if dates:
        return f"{pd.Timestamp(value * SECONDS_PER_DAY, unit='s'):%Y-%m-%d}"
    return _format(value)


def _range(arrays: Sequence[np.ndarray], *, pad: float) -> tuple[float, float]:
    finite = [a[np.isfinite(a)] for a in arrays if a.size]
    values = np.concatenate(finite) if finite else np.array([])
    if values.size == 0:
        return 0.0 - pad, 1.0 + pad
    low, high = float(values.min()), float(values.max())
    if low == high:
        high = low + 1.0
    return low - pad, high + pad


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-12:
        ticks.append(ticks[-1] + step)
    return ticks


def _format(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{int(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")
