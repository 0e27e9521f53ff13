"""Offering features as of a date: popularity, trend, repeats, ratings, price."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.config import DEFAULT_CONFIG, RETURNED_AT, FeatureConfig
from ml.features.feedback import offering_ratings
from ml.features.groups import Groups, group_median
from ml.features.timeline import MICROS_PER_DAY, AsOf, Past, as_timestamp

C = Columns
Floats = npt.NDArray[np.float64]


def offering_features(
    data: Interactions,
    as_of: AsOf,
    cfg: FeatureConfig = DEFAULT_CONFIG,
    *,
    offerings: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per offering, from data before as_of: popularity, trend, repeats, ratings, price.

    Index offering_id: every offering bought before as_of (sorted), or exactly
    `offerings` when given (those never bought get 0 buyers and NaN elsewhere).
    Columns: buyers_{w}d for each window w (distinct known customers who bought
    it in the w days before as_of), trend (buyers in the short trend window
    over buyers in the long one scaled to the short length; NaN if none),
    new_buyers (buyers whose first purchase of it falls in the short trend
    window) and new_buyer_share (their share of that window's buyers; NaN if
    none), repeat_rate (share of its buyers who bought it on two or more days),
    avg_rating and rating_trend (mean of the last rating_trend_days minus the
    mean before them), return_rate (returned over bought quantity; above 1
    when cancellations outweigh the sales the data holds), price
    (median of amount / quantity) and first_sold_days (days since its first
    sale).
    """
    when = as_timestamp(as_of)
    past = Past.from_frame(data.purchases, C.ORDERED_AT, when)
    offering, ids = past.factorize(C.OFFERING)
    customer = past.factorize(C.CUSTOMER)[0]
    n = len(ids)
    known = customer >= 0
    buyer_offering, buyer_days, buyer_first, buyer_last = _buyers(
        offering[known], customer[known], past.at[known]
    )
    frame = pd.DataFrame(index=pd.Index(ids, name=C.OFFERING))

    def buyers_within(days: int) -> Floats:
        recent = buyer_last >= past.as_of - days * MICROS_PER_DAY
        return np.bincount(buyer_offering[recent], minlength=n).astype(np.float64)

    for window in cfg.windows:
        frame[f"buyers_{window}d"] = buyers_within(window).astype(np.int64)
    short, long = cfg.trend_windows
    frame["trend"] = _ratio(buyers_within(short), buyers_within(long) * short / long)
    fresh = buyer_first >= past.as_of - short * MICROS_PER_DAY
    new_buyers = np.bincount(buyer_offering[fresh], minlength=n).astype(np.float64)
    frame["new_buyers"] = new_buyers.astype(np.int64)
    frame["new_buyer_share"] = _ratio(new_buyers, buyers_within(short))
    everyone = np.bincount(buyer_offering, minlength=n).astype(np.float64)
    repeaters = np.bincount(buyer_offering[buyer_days >= 2], minlength=n)
    frame["repeat_rate"] = _ratio(repeaters.astype(np.float64), everyone)
    ratings = offering_ratings(data.feedback, when, cfg).reindex(frame.index)
    frame["avg_rating"] = ratings["avg_rating"].to_numpy(dtype=np.float64)
    frame["rating_trend"] = ratings["rating_trend"].to_numpy(dtype=np.float64)
    quantity = data.purchases[C.QUANTITY].to_numpy(dtype=np.float64)[past.keep]
    bought = np.bincount(offering, weights=np.nan_to_num(quantity), minlength=n).astype(
        np.float64
    )
    frame["return_rate"] = _ratio(_returned(data.returns, when, ids), bought)
    frame["price"] = _median_price(data.purchases, past, offering, n)
    first_at = np.full(n, past.as_of, dtype=np.int64)
    if n:
        by_offering = Groups.of(offering)
        first_at[by_offering.first(offering)] = by_offering.min(past.at)
    frame["first_sold_days"] = (past.as_of - first_at) / MICROS_PER_DAY
    if offerings is not None:
        frame = _reindex(frame, offerings, cfg)
    return frame


def _buyers(
    offering: npt.NDArray[np.int64],
    customer: npt.NDArray[np.int64],
    at: npt.NDArray[np.int64],
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.intp],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
]:
    """One row per (offering, buyer): the offering, the buyer's distinct purchase
    days of it and the times of their first and last purchase of it."""
    day = at // MICROS_PER_DAY
    distinct = Groups.of(offering, customer, day)
    pair_offering = distinct.first(offering)
    pair_customer = distinct.first(customer)
    first_at = distinct.min(at)
    last_at = distinct.max(at)
    pairs = Groups.of_sorted(pair_offering, pair_customer)
    return (
        pairs.first(pair_offering),
        pairs.counts,
        pairs.min(first_at),
        pairs.max(last_at),
    )


def _ratio(numerator: Floats, denominator: Floats) -> Floats:
    """numerator / denominator, NaN where the denominator is 0."""
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _returned(returns: pd.DataFrame, as_of: pd.Timestamp, ids: pd.Index) -> Floats:
    """Quantity returned before as_of per offering (in the order of ids)."""
    past = Past.from_frame(returns, RETURNED_AT, as_of)
    offering = past.codes(C.OFFERING, ids)
    quantity = np.abs(returns[C.QUANTITY].to_numpy(dtype=np.float64)[past.keep])
    mine = offering >= 0
    weights = np.nan_to_num(quantity[mine])
    returned = np.bincount(offering[mine], weights=weights, minlength=len(ids))
    return returned.astype(np.float64)


def _median_price(
    purchases: pd.DataFrame, past: Past, offering: npt.NDArray[np.int64], n: int
) -> Floats:
    """Median unit price (amount / quantity) of each offering's purchase lines."""
    amount = purchases[C.AMOUNT].to_numpy(dtype=np.float64)[past.keep]
    quantity = purchases[C.QUANTITY].to_numpy(dtype=np.float64)[past.keep]
    priced = (quantity > 0) & ~np.isnan(amount)
    unit = amount[priced] / quantity[priced]
    keys, medians = group_median(offering[priced], unit)
    price = np.full(n, np.nan)
    price[keys] = medians
    return price


def _reindex(
    frame: pd.DataFrame, offerings: Iterable[str], cfg: FeatureConfig
) -> pd.DataFrame:
    """Exactly the given offerings; unknown ones have no buyers and NaN elsewhere."""
    index = pd.Index(list(offerings), name=C.OFFERING)
    out = frame.reindex(index)
    for name in (*(f"buyers_{window}d" for window in cfg.windows), "new_buyers"):
        out[name] = out[name].fillna(0).astype(np.int64)
    return out
