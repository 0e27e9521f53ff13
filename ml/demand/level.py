"""Where the market as a whole goes: the ratio of next-horizon buyers to the
naive forecast, summed over all offerings, and the ways to forecast it.

The demand model learns each offering's uptake relative to the market (its
targets are divided by the market ratio of their origin) and multiplies its
forecasts by a forecast of that ratio, one of LEVELS, chosen on validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.demand.features import BASE, ORIGIN, SEASON, TARGET

FLAT = "flat"  # the market stays at the level of the last 28 days
RECENT = "recent"  # it keeps its recent rise or fall against the naive
LAST_YEAR = "last year"  # it moves as it did over the same weeks last year
LEVELS = (FLAT, RECENT, LAST_YEAR)


def market_ratio(rows: pd.DataFrame) -> pd.Series:
    """The training rows' buyers in the horizon over their naive forecasts,
    summed per origin (index): the market's rise, for the offerings the model
    learns from (a young offering's fast start is no rise of the others')."""
    sums = rows.groupby(ORIGIN)[[TARGET, BASE]].sum()
    ratio: pd.Series = (sums[TARGET] + 1.0) / (sums[BASE] + 1.0)
    return ratio


def level_at(
    kind: str,
    origin: int,
    ratios: pd.Series,
    horizon_days: int,
    half_life_days: float,
) -> float:
    """The market ratio forecast at ``origin`` by method ``kind`` from the
    ratios known then (their horizon ended by ``origin``); NaN if unknown."""
    if kind == FLAT:
        return 1.0
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
