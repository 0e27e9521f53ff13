"""Where the market as a whole goes: the ratio of next-horizon buyers to the
naive forecast, summed over all offerings, and the ways to forecast it.

The demand model learns each offering's uptake relative to the market (its
targets are divided by the market ratio of their origin) and multiplies its
forecasts by a forecast of that ratio, one of LEVELS, chosen on validation.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.demand.features import BASE, ORIGIN, SEASON, TARGET
from ml.demand.totals import TREND_WEEKS, trend_factors
from ml.demand.windows import DayLines

FLAT = "flat"  # the market stays at the level of the last 28 days
RECENT = "recent"  # it keeps its recent rise or fall against the naive
LAST_YEAR = "last year"  # it moves as it did over the same weeks last year
TREND = "trend"  # it keeps growing as its weekly buyers did over 13 weeks
LEVELS = (FLAT, RECENT, LAST_YEAR, TREND)


def market_ratio(rows: pd.DataFrame) -> pd.Series:
    """The training rows' buyers in the horizon over their naive forecasts,
    summed per origin (index): the market's rise, for the offerings the model
    learns from (a young offering's fast start is no rise of the others')."""
    sums = rows.groupby(ORIGIN)[[TARGET, BASE]].sum()
    ratio: pd.Series = (sums[TARGET] + 1.0) / (sums[BASE] + 1.0)
    return ratio


def trend_paths(
    lines: DayLines, origins: npt.NDArray[np.int64], horizon_days: int
) -> dict[int, npt.NDArray[np.float64]]:
    """Each week of the horizon after each origin against the last four weeks,
    for the weekly buyers of all offerings, if the growth of the last 13
    weeks over the 13 before held (ml/demand/totals.py's trend); origins
    without 26 weeks of data before them are left out."""
    span = 7 * np.arange(2 * TREND_WEEKS)[::-1]
    ends = np.unique(origins[:, None] - span[None, :])
    weekly = lines.distinct_buyers(ends, 7).sum(axis=0)
    steps = -(-horizon_days // 7)
    start = int(lines.day.min(initial=0))
    out = {}
    for origin in origins:
        columns = np.searchsorted(ends, origin - span)
        factors = trend_factors(weekly[None, columns], steps)
        if factors is not None and origin - 7 * 2 * TREND_WEEKS >= start:
            out[int(origin)] = factors[0]
    return out


def trend_levels(
    lines: DayLines, origins: npt.NDArray[np.int64], horizon_days: int
) -> pd.Series:
    """The market ratio the trend expects at each origin (index): the mean of
    its path over the horizon (trend_paths); NaN where it has none."""
    paths = trend_paths(lines, origins, horizon_days)
    means = {
        int(o): paths[int(o)].mean() if int(o) in paths else np.nan for o in origins
    }
    return pd.Series(means, dtype="float64")


def level_at(
    kind: str,
    origin: int,
    ratios: pd.Series,
    horizon_days: int,
    half_life_days: float,
    trends: pd.Series | None = None,
) -> float:
    """The market ratio forecast at ``origin`` by method ``kind`` from the
    ratios known then (their horizon ended by ``origin``) or, for TREND,
    from ``trends`` (trend_levels); NaN if unknown."""
    if kind == FLAT:
        return 1.0
    if kind == TREND:
        return np.nan if trends is None else float(trends.get(origin, np.nan))
    if kind == LAST_YEAR:
        return float(ratios.get(origin - SEASON, np.nan))
    if kind != RECENT:
        raise ValueError(f"unknown market level {kind!r}; use one of {LEVELS}")
    known = ratios.loc[ratios.index.to_numpy() + horizon_days <= origin].dropna()
    if known.empty:
        return np.nan
    age = origin - known.index.to_numpy()
    weights = 0.5 ** (age / half_life_days)
    return float(np.exp(np.sum(weights * np.log(known.to_numpy())) / weights.sum()))
