"""Uptake as time series: weekly buyers and units per offering, window totals,
and the offerings the benchmark protocol evaluates.

Buyers are distinct identified customers; purchase lines without a customer
(anonymous demand) are never counted as buyers and are reported on their own.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from ml.columns import Columns
from ml.dataset import OfferingLevel, purchases_before

C = Columns
WEEK = pd.Timedelta(days=7)
DAY = pd.Timedelta(days=1)

BUYERS = "buyers"
UNITS = "units"
WEEK_START = "week_start"
ANONYMOUS_LINES = "anonymous_lines"
ANONYMOUS_UNITS = "anonymous_units"

REQUIRED = (C.CUSTOMER, C.OFFERING, C.ORDERED_AT, C.QUANTITY)


def check_purchases(purchases: pd.DataFrame) -> None:
    """Raise a clear error when a purchases frame lacks a needed column."""
    missing = [name for name in REQUIRED if name not in purchases.columns]
    if missing:
        raise ValueError(
            f"purchases frame has no column {', '.join(map(repr, missing))}; "
            "build it with ml.dataset.load_interactions(project).purchases."
        )
    if not pd.api.types.is_datetime64_any_dtype(purchases[C.ORDERED_AT]):
        raise TypeError(
            f"purchases[{C.ORDERED_AT!r}] holds {purchases[C.ORDERED_AT].dtype}, "
            "not timestamps; convert it with pd.to_datetime first."
        )


def check_days(days: int, name: str = "horizon_days") -> None:
    """Reject a number of days that is not a positive whole number."""
    if isinstance(days, bool) or not isinstance(days, int | np.integer):
        raise TypeError(f"{name} must be a whole number of days, got {days!r}")
    if days < 1:
        raise ValueError(f"{name} must be at least 1, got {days}")


def window_uptake(
    purchases: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Distinct buyers and their units per offering for start <= ordered_at < end."""
    check_purchases(purchases)
    at = purchases[C.ORDERED_AT]
    rows = purchases.loc[
        (at >= start) & (at < end) & purchases[C.CUSTOMER].notna(),
        [C.OFFERING, C.CUSTOMER, C.QUANTITY],
    ]
    grouped = rows.groupby(C.OFFERING, sort=True)
    out = pd.DataFrame(
        {
            BUYERS: grouped[C.CUSTOMER].nunique().astype("int64"),
            UNITS: grouped[C.QUANTITY].sum().astype("float64"),
        }
    )
    out.index.name = C.OFFERING
    return out


def horizon_actuals(
    purchases: pd.DataFrame, as_of: pd.Timestamp, horizon_days: int = 28
) -> pd.Series:
    """Distinct buyers per offering in [as_of, as_of + horizon_days)."""
    check_days(horizon_days)
    start = pd.Timestamp(as_of)
    uptake = window_uptake(purchases, start, start + horizon_days * DAY)
    return uptake[BUYERS]


def protocol_offerings(
    purchases: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    level: Literal["item", "category"] | OfferingLevel = "item",
    n: int = 500,
    identified_only: bool = False,
) -> list[str]:
    """The offerings BENCHMARK_PROTOCOL evaluates uptake on, biggest first.

    Items: the ``n`` offerings with the most purchase lines before ``as_of``
    (ties broken by offering id, so the list is reproducible). Categories
    (purchases built at ``OfferingLevel.CATEGORY``): every offering with a
    purchase before ``as_of``. ``identified_only`` counts only the lines of
    identified customers (the protocol counts every purchase line).
    """
    check_purchases(purchases)
    if level not in ("item", "category", OfferingLevel.OFFERING):
        raise ValueError(f"level must be 'item' or 'category', got {level!r}")
    before = purchases_before(purchases, pd.Timestamp(as_of))
    if identified_only:
        before = before[before[C.CUSTOMER].notna()]
    lines = before.groupby(C.OFFERING).size().rename("lines").reset_index()
    lines = lines.sort_values(
        ["lines", C.OFFERING], ascending=[False, True], kind="stable"
    )
    ids = [str(value) for value in lines[C.OFFERING]]
    return ids if level == "category" else ids[:n]


def weekly_series(
    purchases: pd.DataFrame, *, as_of: pd.Timestamp, weeks: int | None = None
) -> pd.DataFrame:
    """Weekly uptake per offering, the last full week ending at ``as_of``.

    Tidy rows: offering_id, week_start, buyers (distinct identified
    customers), units (their quantity), anonymous_lines and anonymous_units
    (lines without a customer). Weeks are [week_start, week_start + 7 days)
    with week_start = as_of - 7k. Only rows before ``as_of`` are used. Each
    offering with a purchase before ``as_of`` gets a row for every week from
    its first sale (zeros included, so gaps are visible) to the last week;
    ``weeks`` keeps only the most recent ones. A leading week that starts
    before the first day of data is dropped: it is only partly observed and
    would look like a dip in demand.
    """
    check_purchases(purchases)
    if weeks is not None and weeks < 1:
        raise ValueError(f"weeks must be at least 1 or None, got {weeks}")
    as_of = pd.Timestamp(as_of)
    before = purchases_before(purchases, as_of)
    if before.empty:
        return _empty_series()
    # Week 0 is the one ending at as_of; larger numbers are further back.
    age = (as_of - before[C.ORDERED_AT]).to_numpy(dtype="timedelta64[us]")
    back = (age // np.timedelta64(7, "D")).astype("int64")
    data_start = before[C.ORDERED_AT].min().normalize()
    oldest = int((as_of - data_start) // WEEK) - 1  # oldest fully observed week
    if weeks is not None:
        oldest = min(oldest, weeks - 1)
    if oldest < 0:
        return _empty_series()

    frame = pd.DataFrame(
        {
            C.OFFERING: before[C.OFFERING].to_numpy(),
            "back": back,
            C.CUSTOMER: before[C.CUSTOMER].to_numpy(),
            C.QUANTITY: before[C.QUANTITY].to_numpy(dtype="float64"),
        }
    )
    first = frame.groupby(C.OFFERING, sort=True)["back"].max().clip(upper=oldest)
    lengths = first.to_numpy() + 1
    offerings = np.repeat(first.index.to_numpy(), lengths)
    # For each offering, count down from its first week to week 0 (oldest first).
    ends = np.cumsum(lengths)
    position = np.arange(ends[-1]) - np.repeat(ends - lengths, lengths)
    dense = pd.DataFrame(
        {C.OFFERING: offerings, "back": np.repeat(lengths - 1, lengths) - position}
    )

    frame = frame[frame["back"] <= oldest]
    known = frame[C.CUSTOMER].notna()
    keys = [C.OFFERING, "back"]
    identified = frame[known].groupby(keys)
    anonymous = frame[~known].groupby(keys)[C.QUANTITY]
    totals = pd.DataFrame(
        {
            BUYERS: identified[C.CUSTOMER].nunique(),
            UNITS: identified[C.QUANTITY].sum(),
            ANONYMOUS_LINES: anonymous.size(),
            ANONYMOUS_UNITS: anonymous.sum(),
        }
    )
    out = dense.join(totals, on=keys).fillna(0)
    out[WEEK_START] = as_of - (out["back"].to_numpy() + 1) * WEEK
    out = out.astype(
        {
            BUYERS: "int64",
            UNITS: "float64",
            ANONYMOUS_LINES: "int64",
            ANONYMOUS_UNITS: "float64",
        }
    )
    columns = [C.OFFERING, WEEK_START, BUYERS, UNITS, ANONYMOUS_LINES, ANONYMOUS_UNITS]
    return out[columns].reset_index(drop=True)


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.OFFERING: pd.Series(dtype="str"),
            WEEK_START: pd.Series(dtype="datetime64[us]"),
            BUYERS: pd.Series(dtype="int64"),
            UNITS: pd.Series(dtype="float64"),
            ANONYMOUS_LINES: pd.Series(dtype="int64"),
            ANONYMOUS_UNITS: pd.Series(dtype="float64"),
        }
    )
