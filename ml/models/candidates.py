"""Stage 1 of the two-stage ranker: candidate offerings per customer, and the
feature table stage 2 scores them with, both as of one date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features import (
    PAIR_FEATURES,
    cooccurrence,
    customer_features,
    offering_features,
    pair_features,
)
from ml.models.base import select_rows
from ml.models.baselines import TifuKNNRecommender

C = Columns
Floats = npt.NDArray[np.float64]

# Customers are expanded this many at a time, so the dense customers x offerings
# blocks stay small (512 x 4,000 offerings: 16 MB).
_BATCH = 512
BOUGHT = "bought_before"
_SHARES = ("order_share", "decayed_share", "tifu_share")
MODEL_FEATURES: tuple[str, ...] = (
    *[name for name in PAIR_FEATURES if name != "own_complaints"],
    "tifu_score",
    "tifu_rank",
    "popularity_rank",
    "source_rank",
    "buyers_7d",
    "buyers_28d",
    "buyers_91d",
    "buyers_365d",
    "trend",
    "repeat_rate",
    "return_rate",
    "price",
    "first_sold_days",
    "customer_days_since_last",
    "customer_orders",
    "customer_monetary",
    "customer_tenure_days",
    "customer_breadth",
    *_SHARES,
)


@dataclass(frozen=True, slots=True)
class Origin:
    """What is known at one as-of date: TIFU-KNN (with its popularity), the
    co-purchase matrix and the offering and customer feature tables."""

    as_of: pd.Timestamp
    data: Interactions
    tifu: TifuKNNRecommender
    association: sp.csr_matrix
    association_index: pd.Index
    offerings: pd.DataFrame
    customers: pd.DataFrame

    @classmethod
    def at(
        cls, data: Interactions, as_of: pd.Timestamp, tifu: TifuKNNRecommender
    ) -> Origin:
        """Fit TIFU-KNN and compute the shared tables from rows before as_of."""
        tifu.fit(data.purchases, as_of)
        association, index = cooccurrence(data, as_of)
        customers = customer_features(data, as_of).add_prefix("customer_")
        return cls(
            as_of=as_of,
            data=data,
            tifu=tifu,
            association=association,
            association_index=index,
            offerings=offering_features(data, as_of),
            customers=customers,
        )

    def popularity_rank(self) -> Floats:
        """Each offering's place (0 = most buyers) in the last 28 days' popularity."""
        rank = np.empty(len(self.tifu.offerings_), dtype=np.float64)
        rank[self.tifu.popularity_order_] = np.arange(len(rank), dtype=np.float64)
        return rank


def candidates(
    origin: Origin,
    customers: Sequence[str],
    *,
    max_repeat: int,
    max_new: int,
    per_source: int,
) -> pd.DataFrame:
    """Candidate pairs for known customers: past offerings, then new ones.

    Past offerings are the customer's up to max_repeat best by TIFU-KNN score;
    new ones (never bought) are the union of the per_source best by TIFU-KNN,
    by co-purchase with the customer's past offerings (sum of P(B | A)) and by
    popularity over the last 28 days, up to max_new kept by their best rank in
    any source. Columns: customer_id, offering_id, bought_before, tifu_score,
    tifu_best (the customer's highest TIFU-KNN score),
    tifu_rank, popularity_rank, source_rank. Unknown customers get no rows.
    """
    tifu = origin.tifu
    rows = tifu._rows(customers)
    known = np.flatnonzero(rows >= 0)
    n_off = len(tifu.offerings_)
    positions = origin.association_index.get_indexer(pd.Index(tifu.offerings_))
    inside = positions >= 0
    popularity = origin.popularity_rank()
    ids = np.asarray(customers, dtype=object)
    assoc = origin.association[positions[inside]][:, positions[inside]]
    parts: list[pd.DataFrame] = []
    for start in range(0, len(known), _BATCH):
        batch = known[start : start + _BATCH]
        row = rows[batch]
        score = sp.csr_matrix(tifu._model_scores(row)).toarray()
        bought = select_rows(tifu.bought_, row).toarray() > 0
        cooc = np.zeros_like(score)
        history = sp.csr_matrix(bought[:, inside].astype(np.float32))
        cooc[:, inside] = (history @ assoc).toarray()
        tifu_rank = _ranks(score, n_off)
        sources = np.full(score.shape, np.inf)
        new = ~bought
        for values in (score, cooc):
            ranked = _ranks(np.where(new & (values > 0), values, -np.inf), per_source)
            sources = np.minimum(sources, ranked)
        ranked = _ranks(np.where(new, -popularity, -np.inf), per_source)
        sources = np.minimum(sources, ranked)
        repeat_rank = np.where(bought, tifu_rank, np.inf)
        keep = (_ranks(-repeat_rank, max_repeat) < np.inf) & bought
        keep |= (_ranks(-np.where(new, sources, np.inf), max_new) < np.inf) & new
        r, c = np.nonzero(keep)
        parts.append(
            pd.DataFrame(
                {
                    C.CUSTOMER: ids[batch[r]],
                    C.OFFERING: tifu.offerings_[c],
                    BOUGHT: bought[r, c],
                    "tifu_score": score[r, c],
                    "tifu_best": score.max(axis=1)[r],
                    "tifu_rank": tifu_rank[r, c],
                    "popularity_rank": popularity[c],
                    "source_rank": np.where(
                        bought[r, c], tifu_rank[r, c], sources[r, c]
                    ),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=[
                C.CUSTOMER,
                C.OFFERING,
                BOUGHT,
                "tifu_score",
                "tifu_best",
                "tifu_rank",
                "popularity_rank",
                "source_rank",
            ]
        )
    return pd.concat(parts, ignore_index=True)


def tifu_lookup(
    tifu: TifuKNNRecommender, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[Floats, Floats]:
    """TIFU-KNN score of (known customer row, offering column) pairs, and the
    customer's highest score, a block of customers at a time."""
    unique, inverse = np.unique(rows, return_inverse=True)
    score = np.zeros(len(rows))
    best = np.zeros(len(rows))
    for start in range(0, len(unique), _BATCH):
        block = unique[start : start + _BATCH]
        dense = sp.csr_matrix(tifu._model_scores(block)).toarray()
        mine = (inverse >= start) & (inverse < start + len(block))
        local = inverse[mine] - start
        score[mine] = dense[local, cols[mine]]
        best[mine] = dense.max(axis=1)[local]
    return score, best


def _ranks(values: Floats, top: int) -> Floats:
    """Per row, the rank (0 = largest) of the `top` largest cells above -inf;
    inf elsewhere."""
    n_rows, n_cols = values.shape
    ranks = np.full(values.shape, np.inf)
    top = min(top, n_cols)
    if top <= 0:
        return ranks
    if top < n_cols:
        best = np.argpartition(-values, top - 1, axis=1)[:, :top]
    else:
        best = np.broadcast_to(np.arange(n_cols), values.shape)
    chosen = np.take_along_axis(values, best, axis=1)
    order = np.argsort(-chosen, axis=1, kind="stable")
    best = np.take_along_axis(best, order, axis=1)
    chosen = np.take_along_axis(chosen, order, axis=1)
    place = np.broadcast_to(np.arange(top, dtype=np.float64), best.shape)
    rr = np.repeat(np.arange(n_rows), top).reshape(n_rows, top)
    valid = chosen > -np.inf
    ranks[rr[valid], best[valid]] = place[valid]
    return ranks


def feature_table(origin: Origin, pairs: pd.DataFrame) -> pd.DataFrame:
    """The stage-2 features (MODEL_FEATURES, in order) of candidate pairs."""
    table = pair_features(
        origin.data,
        origin.as_of,
        pairs[[C.CUSTOMER, C.OFFERING]],
        cooccurrence_matrix=(origin.association, origin.association_index),
    )
    offering = origin.offerings.reindex(pairs[C.OFFERING].to_numpy())
    customer = origin.customers.reindex(pairs[C.CUSTOMER].to_numpy())
    columns: dict[str, object] = {}
    for name in MODEL_FEATURES[: -len(_SHARES)]:
        if name in pairs.columns:
            columns[name] = pairs[name].to_numpy(dtype=np.float64)
        elif name in table.columns:
            columns[name] = table[name].to_numpy(dtype=np.float64)
        elif name in offering.columns:
            columns[name] = offering[name].to_numpy(dtype=np.float64)
        else:
            columns[name] = customer[name].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(columns, index=pairs.index)
    # Shares of the customer's own activity: how much of what they buy this is,
    # which trees cannot form from the counts alone.
    orders = frame["customer_orders"].where(frame["customer_orders"] > 0)
    frame["order_share"] = frame["purchase_count"] / orders
    frame["decayed_share"] = frame["decayed_frequency"] / orders
    best = pairs["tifu_best"]
    frame["tifu_share"] = pairs["tifu_score"] / best.where(best > 0)
    return frame.replace([np.inf, -np.inf], np.nan)
