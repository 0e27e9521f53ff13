"""What the demand model sees of an offering at a forecast origin: recent
uptake over several windows, weekly lags, trend, last year's same weeks,
price, ratings and age; and what happened next.

Origins are whole days relative to the forecaster's as_of (0 = as_of, -7 = a
week before); every feature at origin ``o`` uses only lines before ``o``.
There is no calendar feature (week of year) and no market-wide feature: with
a year or less of weekly origins they only name the origin, and the model
learnt that week's one-off market swing instead of anything that repeats.
Seasonality enters through last year's same weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.demand.windows import DayLines, FloatArray, IntArray, spread

C = Columns
WINDOWS = (7, 14, 28, 56, 91, 182, 364)
LAGS = 8  # weekly buyers, one feature per week back
TREND_WEEKS = 12
ACTIVE_WEEKS = 13
SEASON = 364
RUN_UP = 28  # last year's weeks just before the same season
RECENT = 91  # days for price and recent ratings
MAX_AGE = 182  # older offerings look alike whatever the origin

ORIGIN = "origin"
ROW = "row"  # the offering's position in DayLines.offerings
BASE = "base"  # the naive forecast: buyers of the last 28 days, scaled
TARGET = "y"  # a training row's actual buyers in the horizon
AGE = "age"
ACTIVE = "active_weeks"
REPEAT_RATIO = "repeat_ratio"
UNITS_PER_BUYER = "units_per_buyer"
UNITS_PER_WEEKLY_BUYER = "units_per_weekly_buyer"
LAST_YEAR_RISE = "last_year_rise"  # last year's horizon over its run-up, scaled


@dataclass(frozen=True, slots=True)
class FeedbackLines:
    """Ratings as day numbers per offering (from the feedback frame)."""

    offering: IntArray
    day: IntArray
    rating: FloatArray

    @classmethod
    def from_feedback(
        cls, feedback: pd.DataFrame, anchor: pd.Timestamp, offerings: pd.Index
    ) -> FeedbackLines:
        """Encode the rated feedback of the given offerings."""
        rated = feedback.loc[feedback[C.RATING].notna()]
        code = offerings.get_indexer(pd.Index(rated[C.OFFERING].astype(str)))
        rated = rated.loc[code >= 0]
        when = pd.to_datetime(rated[C.SUBMITTED_AT]) - anchor
        delta = when.to_numpy(dtype="timedelta64[us]")
        return cls(
            offering=code[code >= 0].astype(np.int64),
            day=(delta // np.timedelta64(1, "D")).astype(np.int64),
            rating=rated[C.RATING].to_numpy(dtype="float64"),
        )


def feature_table(
    lines: DayLines,
    origins: IntArray,
    horizon_days: int,
    *,
    data_start: int,
    feedback: FeedbackLines | None = None,
) -> pd.DataFrame:
    """One row per offering sold before each origin, with its features.

    ``data_start`` is the first day of data: windows reaching further back
    are NaN, as they would look like a dip. Columns: origin, row, then the
    features (BASE, AGE and ACTIVE among them).
    """
    origins = np.asarray(origins, dtype=np.int64)
    n = len(lines.offerings)
    first_day = np.full(n, np.inf)
    np.minimum.at(first_day, lines.offering, lines.day.astype(np.float64))
    grid = np.arange(origins.min() - 7 * (ACTIVE_WEEKS - 1), origins.max() + 1, 7)
    at = np.searchsorted(grid, origins)  # the origins' columns in the grid
    weekly = lines.distinct_buyers(grid, 7)
    columns: dict[str, FloatArray] = {}
    # The model forecasts buyers relative to the last 28 days' (plus one), so
    # the other windows and weeks come as rates relative to the same.
    last_28 = lines.distinct_buyers(origins, 28)
    columns["buyers_28"] = last_28
    for length in WINDOWS:
        if length != 28:
            seen = (origins - length >= data_start)[None, :] | (length < 28)
            rate = lines.distinct_buyers(origins, length) * (28 / length)
            columns[f"buyers_{length}"] = np.where(seen, rate / (last_28 + 1), np.nan)
    for lag in range(LAGS):
        columns[f"week_{lag + 1}"] = weekly[:, at - lag] * 4 / (last_28 + 1)
    recent = weekly[:, at[:, None] - np.arange(TREND_WEEKS)[::-1]]  # n x o x weeks
    columns["trend"] = _slope(recent) / (recent.mean(axis=2) + 1.0)
    columns[ACTIVE] = (weekly[:, at[:, None] - np.arange(ACTIVE_WEEKS)] > 0).sum(axis=2)
    columns["lines_28"] = lines.sums(origins, 28)
    anonymous = (lines.customer < 0).astype(np.float64)
    columns["anonymous_lines_28"] = lines.sums(origins, 28, anonymous)
    columns.update(_units(lines, origins, horizon_days, recent.sum(axis=2)))
    columns.update(_prices(lines, origins))
    columns.update(_last_year(lines, origins, horizon_days, data_start, first_day))
    columns[AGE] = np.minimum(origins[None, :] - first_day[:, None], MAX_AGE)
    columns["since_last"] = origins[None, :] - lines.last_day_before(origins)
    columns.update(_ratings(feedback, n, origins))
    columns[BASE] = last_28 * (horizon_days / 28)

    sold = first_day[:, None] < origins[None, :]
    row, column = np.nonzero(sold)
    table = pd.DataFrame({ORIGIN: origins[column], ROW: row})
    for name, values in columns.items():
        table[name] = np.broadcast_to(values, sold.shape)[row, column]
    return table


def targets(
    lines: DayLines, table: pd.DataFrame, start_days: int, length: int
) -> FloatArray:
    """Distinct buyers of each row's offering in [origin + start_days,
    origin + start_days + length)."""
    origins = np.unique(table[ORIGIN].to_numpy())
    counts = lines.distinct_buyers(origins + start_days + length, length)
    column = np.searchsorted(origins, table[ORIGIN].to_numpy())
    values: FloatArray = counts[table[ROW].to_numpy(), column]
    return values


def _slope(values: npt.NDArray[np.float64]) -> FloatArray:
    """Least-squares slope along the last axis (per week)."""
    weeks = values.shape[-1]
    x = np.arange(weeks) - (weeks - 1) / 2.0
    slope: FloatArray = (values * x).sum(axis=-1) / float((x**2).sum())
    return slope


def _units(
    lines: DayLines, origins: IntArray, horizon_days: int, weekly_total: FloatArray
) -> dict[str, FloatArray]:
    """How repeat buying turns horizon buyers into weekly ones, and units per
    buyer, over about the last 12 weeks (identified customers only)."""
    span = 7 * TREND_WEEKS
    windows = max(1, round(span / horizon_days))
    known = np.where(lines.customer >= 0, lines.quantity, 0.0)
    horizon_total = sum(
        lines.distinct_buyers(origins - j * horizon_days, horizon_days)
        for j in range(windows)
    )
    # Per day, so that spans of different lengths compare.
    per_day = horizon_total / (windows * horizon_days)
    with np.errstate(divide="ignore", invalid="ignore"):
        units_long = lines.sums(origins, windows * horizon_days, known)
        units_weeks = lines.sums(origins, span, known)
        return {
            REPEAT_RATIO: (weekly_total / span + 1.0 / span) / (per_day + 1.0 / span),
            UNITS_PER_BUYER: np.where(
                horizon_total > 0, units_long / horizon_total, np.nan
            ),
            UNITS_PER_WEEKLY_BUYER: np.where(
                weekly_total > 0, units_weeks / weekly_total, np.nan
            ),
        }


def _prices(lines: DayLines, origins: IntArray) -> dict[str, FloatArray]:
    """Average unit price over the recent weeks and its latest change."""
    units = lines.sums(origins, RECENT, lines.quantity)
    recent_units = lines.sums(origins, 28, lines.quantity)
    with np.errstate(divide="ignore", invalid="ignore"):
        amount = lines.sums(origins, RECENT, lines.amount)
        price = np.where(units > 0, amount / units, np.nan)
        recent = lines.sums(origins, 28, lines.amount) / recent_units
        change = np.where(recent_units > 0, recent / price, np.nan)
    return {
        "units_per_line": units / np.maximum(lines.sums(origins, RECENT), 1.0),
        "price": price,
        "price_change": change,
    }


def _last_year(
    lines: DayLines,
    origins: IntArray,
    horizon_days: int,
    data_start: int,
    first_day: FloatArray,
) -> dict[str, FloatArray]:
    """Buyers of the same weeks a year back and their rise over the weeks
    before them (as a naive forecast made then would have seen it); NaN
    where that year is not in the data."""
    same = lines.distinct_buyers(origins - SEASON + horizon_days, horizon_days)
    before = lines.distinct_buyers(origins - SEASON, RUN_UP)
    start = origins - SEASON - RUN_UP
    seen = (start >= data_start)[None, :] & (first_day[:, None] <= start[None, :])
    return {
        "last_year": np.where(seen, same, np.nan),
        LAST_YEAR_RISE: np.where(
            seen, (same + 1.0) / (before * horizon_days / RUN_UP + 1.0), np.nan
        ),
    }


def _ratings(
    feedback: FeedbackLines | None, n: int, origins: IntArray
) -> dict[str, FloatArray]:
    """Average rating before each origin, how many, and the recent average."""
    if feedback is None or len(feedback.day) == 0:
        empty = np.full((n, len(origins)), np.nan)
        return {"rating": empty, "ratings": empty, "rating_recent": empty}
    out: dict[str, FloatArray] = {}
    first = feedback.day + 1
    ones = np.ones(len(first))
    for name, last in (
        ("rating", np.full(len(first), np.iinfo(np.int64).max)),
        ("rating_recent", feedback.day + RECENT),
    ):
        total = spread(feedback.offering, first, last, feedback.rating, origins, n)
        count = spread(feedback.offering, first, last, ones, origins, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(count > 0, total / count, np.nan)
        if name == "rating":
            out["ratings"] = count
    return out
