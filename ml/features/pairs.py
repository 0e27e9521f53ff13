"""Customer x offering features of candidate pairs, as of a date."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.config import (
    COOCCURRENCE_SOURCE,
    DEFAULT_CONFIG,
    PAIR_FEATURES,
    RETURNED_AT,
    FeatureConfig,
)
from ml.features.copurchase import (
    History,
    Scores,
    association,
    cooccurrence_scores,
)
from ml.features.feedback import pair_feedback
from ml.features.groups import Groups, distinct, group_median, lookup
from ml.features.keys import PairKeys
from ml.features.timeline import MICROS_PER_DAY, AsOf, Past, as_timestamp, decay

C = Columns
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def pair_features(
    data: Interactions,
    as_of: AsOf,
    pairs: pd.DataFrame,
    cfg: FeatureConfig = DEFAULT_CONFIG,
    *,
    categories: pd.Series | None = None,
    cooccurrence_matrix: tuple[sp.csr_matrix, pd.Index] | None = None,
    with_cooccurrence: bool = True,
) -> pd.DataFrame:
    """Add customer x offering features, from data before as_of, to candidate pairs.

    pairs has customer_id and offering_id (any other columns are kept, in the
    same row order and index). Added, from the customer's history of the
    offering: purchase_count (distinct orders; a purchase without an order id
    counts once per day), decayed_frequency (those orders weighted
    0.5 ** (age_days / half_life_days)), days_since_last (fractional days
    since the last purchase; NaN if never), own_interval_days (median gap in
    days between the distinct days it was bought; NaN if bought on fewer than
    two days), due_ratio (days_since_last / own_interval_days),
    baskets_since_last (the customer's purchase days after the last one with
    this offering: 0 if it was in their latest purchase; NaN if never),
    returns_count,
    own_rating (mean 0..1; NaN if unrated), own_complaints (feedback rated at
    or below cfg.complaint_rating, or of a complaint kind), category_rating
    (mean rating the customer gave the offering's category, using
    `categories`, offering_id -> category; NaN if unknown), and from
    co-purchase: cooccurrence_score (max over the customer's past offerings A
    of P(offering | A); 0 if none), cooccurrence_sum (the sum over them) and
    cooccurrence_source (that A; missing if the score is 0).

    cooccurrence_matrix may pass in what cooccurrence(data, as_of) returned for
    the same data and as_of, to save computing it again. Without
    with_cooccurrence the co-purchase features are left missing (their cost
    grows with every candidate times the customer's history).
    """
    when = as_timestamp(as_of)
    keys = PairKeys.from_pairs(pairs)
    columns: dict[str, npt.NDArray[np.generic]] = {}
    columns.update(_purchase_features(data.purchases, when, keys, cfg))
    columns["returns_count"] = _returns_count(data.returns, when, keys)
    columns.update(pair_feedback(data.feedback, when, keys, cfg, categories))
    source = pd.Series(pd.NA, index=pairs.index, dtype=object)
    if with_cooccurrence:
        scores, source = _cooccurrence(data, when, pairs, cooccurrence_matrix)
        columns["cooccurrence_score"] = scores.best
        columns["cooccurrence_sum"] = scores.total
    else:
        columns["cooccurrence_score"] = np.full(len(pairs), np.nan)
        columns["cooccurrence_sum"] = np.full(len(pairs), np.nan)
    for name in ("purchase_count", "returns_count", "own_complaints"):
        columns[name] = columns[name].astype(np.int64)
    added = pd.DataFrame(
        {name: columns[name] for name in PAIR_FEATURES}, index=pairs.index
    )
    added[COOCCURRENCE_SOURCE] = source
    kept = pairs.drop(columns=[c for c in added.columns if c in pairs.columns])
    return pd.concat([kept, added], axis=1)


def cooccurrence_features(
    data: Interactions,
    as_of: AsOf,
    pairs: pd.DataFrame,
    *,
    cooccurrence_matrix: tuple[sp.csr_matrix, pd.Index] | None = None,
) -> pd.DataFrame:
    """pair_features' co-purchase columns alone (cooccurrence_score,
    cooccurrence_sum, cooccurrence_source), for pairs that need no other."""
    scores, source = _cooccurrence(
        data, as_timestamp(as_of), pairs, cooccurrence_matrix
    )
    return pd.DataFrame(
        {
            "cooccurrence_score": scores.best,
            "cooccurrence_sum": scores.total,
            COOCCURRENCE_SOURCE: source,
        },
        index=pairs.index,
    )


def _cooccurrence(
    data: Interactions,
    when: pd.Timestamp,
    pairs: pd.DataFrame,
    matrix_and_index: tuple[sp.csr_matrix, pd.Index] | None,
) -> tuple[Scores, pd.Series]:
    """Co-purchase scores of the pairs and the offering behind each best one."""
    if matrix_and_index is None:
        history = History.from_purchases(data.purchases, when)
        matrix = association(history)
    else:
        matrix, offerings = matrix_and_index
        if matrix.shape != (len(offerings), len(offerings)):
            raise ValueError(
                f"cooccurrence_matrix is {matrix.shape} for {len(offerings)} "
                "offerings; pass what cooccurrence(data, as_of) returned."
            )
        history = History.from_purchases(data.purchases, when, offerings)
    scores = cooccurrence_scores(history, matrix, pairs[C.CUSTOMER], pairs[C.OFFERING])
    return scores, _source_ids(history.offerings, scores.source, pairs)


def _source_ids(offerings: pd.Index, source: Ints, pairs: pd.DataFrame) -> pd.Series:
    """The offering id at each source position (missing where it is -1)."""
    ids = pd.Series(index=pairs.index, dtype=offerings.dtype)
    found = np.flatnonzero(source >= 0)
    ids.iloc[found] = offerings.take(source[found]).to_numpy()
    return ids


def _purchase_features(
    purchases: pd.DataFrame, as_of: pd.Timestamp, keys: PairKeys, cfg: FeatureConfig
) -> dict[str, Floats]:
    """Counts, decay, recency and the own repurchase interval of each pair."""
    past = Past.from_frame(purchases, C.ORDERED_AT, as_of)
    key = keys.of_rows(past)
    mine = key >= 0
    key, at = key[mine], past.at[mine]
    day = at // MICROS_PER_DAY
    if C.ORDER in purchases.columns:
        order = pd.factorize(purchases[C.ORDER])[0][past.keep][mine].astype(np.int64)
    else:
        order = np.full(len(key), -1, dtype=np.int64)
    # An occasion is an order; purchases without an order id make one per day.
    occasion = np.where(order >= 0, order, order.max(initial=-1) + 1 + day)

    occasions = Groups.of(key, occasion)
    occasion_key = occasions.first(key)
    occasion_at = occasions.min(at)
    per_pair = Groups.of_sorted(occasion_key)
    pair_keys = per_pair.first(occasion_key)
    ages = (past.as_of - occasion_at) / MICROS_PER_DAY
    count = per_pair.counts.astype(np.float64)
    decayed = per_pair.sum(decay(ages, cfg.half_life_days))
    last = per_pair.max(occasion_at)

    occasion_day = occasion_at // MICROS_PER_DAY
    distinct = Groups.of(occasion_key, occasion_day)
    day_key, day_number = distinct.first(occasion_key), distinct.first(occasion_day)
    same = day_key[1:] == day_key[:-1]
    gap_key, gap = day_key[1:][same], np.diff(day_number)[same]
    interval_keys, interval = group_median(gap_key, gap.astype(np.float64))

    wanted = keys.keys
    since_last = (past.as_of - last) / MICROS_PER_DAY
    days_since_last = lookup(pair_keys, since_last, wanted, np.nan)
    own_interval = lookup(interval_keys, interval, wanted, np.nan)
    last_day = lookup(pair_keys, last // MICROS_PER_DAY, wanted, np.nan)
    return {
        "purchase_count": lookup(pair_keys, count, wanted, 0.0),
        "decayed_frequency": lookup(pair_keys, decayed, wanted, 0.0),
        "days_since_last": days_since_last,
        "own_interval_days": own_interval,
        "due_ratio": days_since_last / own_interval,
        "baskets_since_last": _days_after(past, keys, last_day),
    }


def _days_after(past: Past, keys: PairKeys, last_day: Floats) -> Floats:
    """Per pair, the customer's distinct purchase days after last_day (NaN
    where last_day is)."""
    customer = past.codes(C.CUSTOMER, keys.customers)
    mine = customer >= 0
    day = past.days()[mine]
    first = int(day.min(initial=0))
    span = int(day.max(initial=0)) - first + 2
    # One number per (customer, day), ascending: customer * span + day.
    days = distinct(customer[mine] * span + (day - first))
    out = np.full(len(keys.keys), np.nan)
    known = ~np.isnan(last_day)
    owner = keys.customer[known]
    after = np.searchsorted(days, (owner + 1) * span, side="left")
    upto = np.searchsorted(
        days, owner * span + (last_day[known].astype(np.int64) - first), side="right"
    )
    out[known] = after - upto
    return out


def _returns_count(
    returns: pd.DataFrame, as_of: pd.Timestamp, keys: PairKeys
) -> Floats:
    """Return lines of each pair before as_of."""
    past = Past.from_frame(returns, RETURNED_AT, as_of)
    key = keys.of_rows(past)
    key = key[key >= 0]
    returned = Groups.of(key)
    return lookup(returned.first(key), returned.counts, keys.keys, 0.0)
