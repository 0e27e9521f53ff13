"""Group-by on integer columns with numpy: sorted groups, sums, extremes, medians."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Positions = npt.NDArray[np.intp]
Values = npt.NDArray[np.generic]
T = TypeVar("T", bound=np.generic)


@dataclass(frozen=True, slots=True)
class Groups:
    """Rows sorted so that the rows of each group are contiguous.

    order: the sort permutation of the original rows; starts and counts: where
    each group begins in sorted order and how many rows it has. Groups come in
    ascending order of their key columns.
    """

    order: Positions
    starts: Positions
    counts: Positions

    @classmethod
    def of(cls, *by: Ints, then: tuple[Values, ...] = ()) -> Groups:
        """Group rows with equal values in every `by` column.

        Rows are sorted by the `by` columns, first column first, and within a
        group by the `then` columns.
        """
        columns = (*by, *then)
        if len(columns) == 1:
            order = np.argsort(columns[0], kind="stable").astype(np.intp)
        else:
            order = np.lexsort(columns[::-1]).astype(np.intp)
        return cls._from_order(order, by)

    @classmethod
    def of_sorted(cls, *by: Ints) -> Groups:
        """Group rows by columns they are already sorted by."""
        return cls._from_order(np.arange(len(by[0]), dtype=np.intp), by)

    @classmethod
    def _from_order(cls, order: Positions, by: tuple[Ints, ...]) -> Groups:
        n = len(order)
        boundary = np.zeros(n, dtype=bool)
        boundary[:1] = True
        for column in by:
            ordered = column[order]
            boundary[1:] |= ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(boundary).astype(np.intp)
        counts = np.diff(np.append(starts, n)).astype(np.intp)
        return cls(order, starts, counts)

    def __len__(self) -> int:
        return len(self.starts)

    def first(self, values: npt.NDArray[T]) -> npt.NDArray[T]:
        """Each group's value in its first row (in sorted order)."""
        return values[self.order[self.starts]]

    def sum(self, values: Values) -> Floats:
        """Sum of values per group."""
        if not len(self.starts):
            return np.zeros(0)
        ordered = values[self.order]
        return np.add.reduceat(ordered, self.starts, dtype=np.float64)

    def max(self, values: npt.NDArray[T]) -> npt.NDArray[T]:
        """Maximum of values per group."""
        if not len(self.starts):
            return values[:0]
        out: npt.NDArray[T] = np.maximum.reduceat(values[self.order], self.starts)
        return out

    def min(self, values: npt.NDArray[T]) -> npt.NDArray[T]:
        """Minimum of values per group."""
        if not len(self.starts):
            return values[:0]
        out: npt.NDArray[T] = np.minimum.reduceat(values[self.order], self.starts)
        return out


def group_median(keys: Ints, values: Floats) -> tuple[Ints, Floats]:
    """Median of values per key: the keys (ascending) and their medians."""
    groups = Groups.of(keys, then=(values,))
    ordered = values[groups.order].astype(np.float64)
    low = groups.starts + (groups.counts - 1) // 2
    high = groups.starts + groups.counts // 2
    return groups.first(keys), (ordered[low] + ordered[high]) / 2


def lookup(keys: Ints, values: Values, wanted: Ints, fill: float) -> Floats:
    """Values for the wanted keys (keys ascending and unique); fill where absent."""
    out = np.full(len(wanted), fill, dtype=np.float64)
    if not len(keys):
        return out
    position = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    found = keys[position] == wanted
    out[found] = values[position[found]]
    return out


def distinct(values: Ints) -> Ints:
    """The sorted distinct values of an integer array (np.unique's result).

    NumPy 2's np.unique hashes integers when asked for the values alone, and
    on millions of distinct values that is about 20 times slower than
    sorting them.
    """
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]
