"""Uptake in many time windows at once: distinct buyers and sums per offering
in windows [end - length, end) for a whole grid of window ends.

Times are whole days relative to an anchor (the forecaster's as_of): a line at
``anchor + d days + a few hours`` is on day ``d``, so a window of days
[a, b) holds exactly the lines ordered in [anchor + a days, anchor + b days).
Counting by difference arrays over the grid of ends keeps the cost
proportional to the number of lines, not to offerings x days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns

C = Columns
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
NO_CUSTOMER = -1


@dataclass(frozen=True, slots=True)
class DayLines:
    """Purchase lines as integer codes and day numbers, sorted by offering,
    customer and day. ``customer`` is NO_CUSTOMER for anonymous lines."""

    offerings: pd.Index
    offering: IntArray
    customer: IntArray
    day: IntArray
    quantity: FloatArray
    amount: FloatArray

    @classmethod
    def from_purchases(
        cls, purchases: pd.DataFrame, anchor: pd.Timestamp, offerings: pd.Index
    ) -> DayLines:
        """Encode the purchase lines of the given offerings (others are dropped)."""
        code = offerings.get_indexer(pd.Index(purchases[C.OFFERING].astype(str)))
        keep = code >= 0
        rows = purchases.loc[keep]
        delta = (rows[C.ORDERED_AT] - anchor).to_numpy(dtype="timedelta64[us]")
        day = (delta // np.timedelta64(1, "D")).astype(np.int64)
        customers = rows[C.CUSTOMER]
        customer = pd.factorize(customers)[0].astype(np.int64)  # NaN -> -1
        amount = (
            rows[C.AMOUNT].to_numpy(dtype="float64")
            if C.AMOUNT in rows.columns
            else np.full(len(rows), np.nan)
        )
        offering = code[keep].astype(np.int64)
        order = np.lexsort((day, customer, offering))
        return cls(
            offerings=offerings,
            offering=offering[order],
            customer=customer[order],
            day=day[order],
            quantity=rows[C.QUANTITY].to_numpy(dtype="float64")[order],
            amount=amount[order],
        )

    def distinct_buyers(self, ends: IntArray, length: int) -> FloatArray:
        """Distinct identified customers per offering (rows) in [end - length,
        end) for each end (columns)."""
        known = self.customer != NO_CUSTOMER
        offering = self.offering[known]
        customer = self.customer[known]
        day = self.day[known]
        # A customer counts in a window when their latest purchase before its
        # end lies inside it: ends in [day + 1, min(day + length, next day)].
        same = (offering[1:] == offering[:-1]) & (customer[1:] == customer[:-1])
        following = np.full(len(day), np.iinfo(np.int64).max)
        following[:-1][same] = day[1:][same]
        last = np.minimum(day + length, following)
        ones = np.ones(len(day))
        return spread(offering, day + 1, last, ones, ends, len(self.offerings))

    def sums(
        self, ends: IntArray, length: int, values: FloatArray | None = None
    ) -> FloatArray:
        """Sum of ``values`` (default: one per line) per offering in each
        window [end - length, end)."""
        weights = np.ones(len(self.day)) if values is None else values
        return spread(
            self.offering,
            self.day + 1,
            self.day + length,
            weights,
            ends,
            len(self.offerings),
        )

    def last_day_before(self, ends: IntArray) -> FloatArray:
        """Day of each offering's latest line before each end (NaN if none)."""
        # (offering, day) as one sortable number: offering * width + day - low.
        low = int(min(self.day.min(initial=0), ends.min(initial=0)))
        width = int(max(self.day.max(initial=0), ends.max(initial=0))) - low + 2
        keys = np.sort(self.offering * width + (self.day - low))
        n = len(self.offerings)
        offering = np.repeat(np.arange(n), len(ends))
        wanted = offering * width + (np.tile(ends, n) - low)
        position = np.searchsorted(keys, wanted, side="left") - 1  # last before
        found = position >= 0
        found[found] = keys[position[found]] // width == offering[found]
        out = np.full(n * len(ends), np.nan)
        out[found] = keys[position[found]] % width + low
        return out.reshape(n, len(ends))


def spread(
    row: IntArray,
    first: IntArray,
    last: IntArray,
    weights: FloatArray,
    ends: IntArray,
    rows: int,
) -> FloatArray:
    """Add each weight to every end in [first, last] (ends sorted ascending)."""
    columns = len(ends)
    low = np.searchsorted(ends, first, side="left")
    high = np.searchsorted(ends, last, side="right")
    hit = low < high
    width = columns + 1
    diff = np.bincount(
        np.concatenate([row[hit] * width + low[hit], row[hit] * width + high[hit]]),
        weights=np.concatenate([weights[hit], -weights[hit]]),
        minlength=rows * width,
    ).reshape(rows, width)
    counts: FloatArray = np.cumsum(diff, axis=1, dtype=np.float64)[:, :columns]
    return counts
