"""What a chart draws: ChartData, a chart's numbers and words independent of
any drawing library.

The HTML report and the GUI draw the same ChartData, and "export CSV" writes
its to_frame(), so a chart and its numbers never disagree. The backtest's
charts are built in ml.backtest.charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

XValue = float | str | pd.Timestamp
KINDS = ("line", "scatter", "bar")
FRAME_COLUMNS = ("series", "x", "y", "lower", "upper")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line, set of dots or set of bars; lower/upper give a band or whiskers."""

    name: str
    x: tuple[XValue, ...]
    y: tuple[float, ...]
    lower: tuple[float, ...] | None = None
    upper: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        for bound in (self.lower, self.upper):
            if bound is not None and len(bound) != len(self.x):
                raise ValueError(f"series {self.name!r}: a bound's length differs")
        if len(self.y) != len(self.x):
            raise ValueError(f"series {self.name!r}: x and y lengths differ")


@dataclass(frozen=True, slots=True)
class ChartData:
    """A chart's numbers and words, independent of any drawing library.

    kind: "line", "scatter" or "bar" (x holds category names for bars).
    markers: (x, label) pairs for vertical marker lines, e.g. as-of dates.
    """

    title: str
    caption: str
    x_label: str
    y_label: str
    kind: str
    series: tuple[ChartSeries, ...]
    markers: tuple[tuple[XValue, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    def to_frame(self) -> pd.DataFrame:
        """The numbers behind the chart, one row per point: series, x, y,
        lower, upper (NaN where a series has no bound)."""
        frames = []
        for one in self.series:
            none = (math.nan,) * len(one.x)
            frames.append(
                pd.DataFrame(
                    {
                        "series": one.name,
                        "x": pd.Series(one.x, dtype=object),
                        "y": pd.Series(one.y, dtype="float64"),
                        "lower": pd.Series(one.lower or none, dtype="float64"),
                        "upper": pd.Series(one.upper or none, dtype="float64"),
                    }
                )
            )
        if not frames:
            return pd.DataFrame({name: [] for name in FRAME_COLUMNS})
        return pd.concat(frames, ignore_index=True)
