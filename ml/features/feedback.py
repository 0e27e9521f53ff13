"""Ratings and complaints: a customer's own, per category, and per offering."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.features.categories import category_codes
from ml.features.config import FeatureConfig
from ml.features.groups import Groups, lookup
from ml.features.keys import PairKeys
from ml.features.timeline import AsOf, Past

C = Columns
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def past_feedback(feedback: pd.DataFrame, as_of: AsOf) -> Past:
    """The feedback submitted strictly before as_of."""
    return Past.from_frame(feedback, C.SUBMITTED_AT, as_of)


def complaints(rows: pd.DataFrame, cfg: FeatureConfig) -> npt.NDArray[np.bool_]:
    """Which feedback rows are complaints: a low rating, or a complaint kind."""
    low = (rows[C.RATING].to_numpy(dtype=np.float64) <= cfg.complaint_rating).astype(
        bool
    )
    if C.FEEDBACK_KIND not in rows.columns:
        return low
    kind = rows[C.FEEDBACK_KIND].astype("string").str.lower()
    said = kind.str.contains("complain", regex=False).fillna(False)
    return low | said.to_numpy(dtype=bool)


def _mean_by_key(keys: Ints, ratings: Floats) -> tuple[Ints, Floats]:
    """Mean rating per key over the rows with a key and a rating."""
    rated = (keys >= 0) & ~np.isnan(ratings)
    groups = Groups.of(keys[rated])
    return groups.first(keys[rated]), groups.sum(ratings[rated]) / groups.counts


def pair_feedback(
    feedback: pd.DataFrame,
    as_of: AsOf,
    keys: PairKeys,
    cfg: FeatureConfig,
    categories: pd.Series | None,
) -> dict[str, Floats]:
    """own_rating, own_complaints and category_rating of each candidate pair."""
    past = past_feedback(feedback, as_of)
    rows = past.rows()
    ratings = rows[C.RATING].to_numpy(dtype=np.float64)
    key = keys.of_rows(past)
    rated_keys, means = _mean_by_key(key, ratings)
    complained_keys = key[(key >= 0) & complaints(rows, cfg)]
    complained = Groups.of(complained_keys)
    out = {
        "own_rating": lookup(rated_keys, means, keys.keys, np.nan),
        "own_complaints": lookup(
            complained.first(complained_keys), complained.counts, keys.keys, 0.0
        ),
        "category_rating": np.full(len(keys.keys), np.nan),
    }
    if categories is not None and len(rows):
        out["category_rating"] = _category_rating(past, rows, keys, categories)
    return out


def _category_rating(
    past: Past, rows: pd.DataFrame, keys: PairKeys, categories: pd.Series
) -> Floats:
    """Mean rating each pair's customer gave the offerings of its category."""
    ratings = rows[C.RATING].to_numpy(dtype=np.float64)
    category, n = category_codes(categories, rows[C.OFFERING])
    customer = past.codes(C.CUSTOMER, keys.customers)
    given = np.where((customer >= 0) & (category >= 0), customer * n + category, -1)
    rated_keys, means = _mean_by_key(given, ratings)
    of_offering = np.append(category_codes(categories, keys.offerings)[0], -1)
    pair_category = of_offering[keys.offering]
    wanted = np.where(
        (keys.customer >= 0) & (pair_category >= 0),
        keys.customer * n + pair_category,
        -1,
    )
    return lookup(rated_keys, means, wanted, np.nan)


def offering_ratings(
    feedback: pd.DataFrame, as_of: AsOf, cfg: FeatureConfig
) -> pd.DataFrame:
    """avg_rating and rating_trend (recent mean minus earlier mean) per offering."""
    past = past_feedback(feedback, as_of)
    rows = past.rows()
    ratings = rows[C.RATING].to_numpy(dtype=np.float64)
    rated = ~np.isnan(ratings) & rows[C.OFFERING].notna().to_numpy()
    frame = pd.DataFrame(
        {
            C.OFFERING: rows[C.OFFERING].to_numpy()[rated],
            C.RATING: ratings[rated],
            "recent": past.since(cfg.rating_trend_days)[rated],
        }
    )
    means = frame.groupby([C.OFFERING, "recent"])[C.RATING].mean().unstack()
    means = means.reindex(columns=[False, True])
    overall = frame.groupby(C.OFFERING)[C.RATING].mean()
    return pd.DataFrame(
        {"avg_rating": overall, "rating_trend": means[True] - means[False]}
    )


def customer_ratings(feedback: pd.DataFrame, as_of: AsOf) -> pd.Series:
    """Mean rating each customer gave before as_of."""
    rows = past_feedback(feedback, as_of).rows()
    rows = rows.loc[rows[C.CUSTOMER].notna() & rows[C.RATING].notna()]
    return rows.groupby(C.CUSTOMER)[C.RATING].mean().rename("avg_rating_given")
