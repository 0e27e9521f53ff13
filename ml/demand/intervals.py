"""Empirical forecast intervals: how far off the same method was before, for
forecasts of a similar size.

Errors are measured as log1p(actual) - log1p(predicted), so an interval is
multiplicative for big offerings and still sensible at zero. Forecasts are
grouped by size (0-1, 1-2, 2-4, 4-8, ... buyers); a group with too few past
errors is merged into the next smaller one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def size_group(predicted: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Group of each forecast: 0 below 1 buyer, then g for 2**(g-1) <= x < 2**g."""
    values = np.asarray(predicted, dtype="float64")
    groups = np.floor(np.log2(np.maximum(values, 1.0))) + 1
    return np.where(values < 1.0, 0, groups).astype("int64")


@dataclass(frozen=True, slots=True)
class EmpiricalInterval:
    """Lower and upper error quantiles per forecast-size group.

    ``floors`` holds each group's smallest size group (ascending); a forecast
    uses the last group whose floor is at or below its own size group.
    """

    level: float
    floors: tuple[int, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    errors: int

    @classmethod
    def from_errors(
        cls,
        predicted: npt.ArrayLike,
        actual: npt.ArrayLike,
        *,
        level: float = 0.8,
        min_group_size: int = 30,
    ) -> EmpiricalInterval:
        """Learn the interval from past forecasts and what really happened."""
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be between 0 and 1, got {level}")
        if min_group_size < 1:
            raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
        pred = np.asarray(predicted, dtype="float64")
        act = np.asarray(actual, dtype="float64")
        if pred.shape != act.shape:
            raise ValueError("predicted and actual must have the same length")
        if pred.size == 0:
            return cls(level, (), (), (), 0)
        errors = np.log1p(act) - np.log1p(pred)
        groups = size_group(pred)
        present, counts = np.unique(groups, return_counts=True)
        # Merge from the top down: a small group joins the next smaller one.
        floors: list[int] = []
        pending = 0
        for group, count in zip(present[::-1], counts[::-1], strict=True):
            pending += int(count)
            if pending >= min_group_size:
                floors.append(int(group))
                pending = 0
        if pending or not floors:
            if floors:
                floors.pop()  # the smallest sizes join the last full group
            floors.append(int(present[0]))
        floors.sort()
        member = np.searchsorted(floors, groups, side="right") - 1
        quantiles = [(1.0 - level) / 2.0, (1.0 + level) / 2.0]
        low: list[float] = []
        high: list[float] = []
        for index in range(len(floors)):
            lo, hi = np.quantile(errors[member == index], quantiles)
            low.append(float(lo))
            high.append(float(hi))
        return cls(level, tuple(floors), tuple(low), tuple(high), int(pred.size))

    def bounds(self, predicted: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Lower and upper bounds around forecasts (NaN when nothing was learnt)."""
        pred = np.asarray(predicted, dtype="float64")
        if not self.floors:
            nan = np.full(pred.shape, np.nan)
            return nan, nan.copy()
        member = np.searchsorted(self.floors, size_group(pred), side="right") - 1
        member = np.maximum(member, 0)
        base = np.log1p(pred)
        lower = np.expm1(base + np.asarray(self.low)[member])
        upper = np.expm1(base + np.asarray(self.high)[member])
        # Not forced to contain the forecast: a method that always under-forecasts
        # gets an interval above its forecast, which is what the user should see.
        return np.maximum(lower, 0.0), upper
