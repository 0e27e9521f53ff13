"""Time as numbers: the as-of date, rows strictly before it, ages and days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
AsOf = pd.Timestamp | datetime | date | np.datetime64 | str

MICROS_PER_DAY = 86_400_000_000
_NAT = np.iinfo(np.int64).min


def as_timestamp(as_of: AsOf) -> pd.Timestamp:
    """Turn an as-of date into a timezone-naive Timestamp, or raise ValueError."""
    when = pd.Timestamp(as_of)
    if pd.isna(when):
        raise ValueError(f"as_of must be a date, got {as_of!r}.")
    if when.tzinfo is not None:
        raise ValueError(
            f"as_of must be timezone-naive like the project's data, got {as_of!r}."
        )
    return when


def micros(values: pd.Series) -> Ints:
    """Timestamps as int64 microseconds since the epoch (NaT as the int64 minimum)."""
    return values.to_numpy(dtype="datetime64[us]").view(np.int64)


def as_micros(when: pd.Timestamp) -> int:
    """The first whole microsecond at or after `when` (rows before it are < when)."""
    stamp = np.array([when.to_datetime64()])
    end = int(stamp.astype("datetime64[us]").view(np.int64)[0])
    return end + 1 if np.datetime64(end, "us") < stamp[0] else end


def codes(values: pd.Series | pd.Index, index: pd.Index) -> Ints:
    """Position of each value in index (-1 where absent or missing)."""
    # Factorising first and looking up only the distinct values is much faster
    # than Index.get_indexer on every row of a long column of strings.
    code, distinct = pd.factorize(values)
    position = np.append(index.get_indexer(distinct), -1).astype(np.int64)
    return position[code]


@dataclass(frozen=True, slots=True)
class Past:
    """The rows of one frame strictly before as_of, with their times as numbers.

    frame: every row; keep: which rows are before as_of; at: the kept rows'
    times in microseconds; as_of: the as-of time in microseconds.
    """

    frame: pd.DataFrame
    keep: Bools
    at: Ints
    as_of: int

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, column: str, as_of: AsOf) -> Past:
        """Select the rows of frame whose `column` is a time strictly before as_of."""
        end = as_micros(as_timestamp(as_of))
        at = micros(frame[column])
        keep = (at < end) & (at != _NAT)
        return cls(frame, keep, at[keep], end)

    def __len__(self) -> int:
        return len(self.at)

    def rows(self) -> pd.DataFrame:
        """The kept rows (a copy, index kept)."""
        return self.frame.loc[self.keep]

    def codes(self, column: str, index: pd.Index) -> Ints:
        """Position in index of each kept row's value in column (-1: absent)."""
        return codes(self.frame[column], index)[self.keep]

    def factorize(self, column: str) -> tuple[Ints, pd.Index]:
        """Number the kept rows' distinct values of column, sorted (-1: missing)."""
        code, distinct = pd.factorize(self.frame[column], sort=True)
        code = code[self.keep].astype(np.int64)
        present = np.bincount(code[code >= 0], minlength=len(distinct)) > 0
        renumber = np.append(np.cumsum(present) - 1, -1)
        return renumber[code], pd.Index(distinct[present])

    def age_days(self) -> Floats:
        """Each kept row's age at as_of in (fractional) days."""
        return (self.as_of - self.at) / MICROS_PER_DAY

    def days(self) -> Ints:
        """Each kept row's calendar day, as whole days since the epoch."""
        return self.at // MICROS_PER_DAY

    def since(self, days: float) -> Bools:
        """Which kept rows fall within the last `days` days before as_of."""
        return self.at >= self.as_of - round(days * MICROS_PER_DAY)


def decay(age_days: Floats, half_life_days: float) -> Floats:
    """Weight of an event this many days old: one half per half-life."""
    return np.exp2(-age_days / half_life_days)
