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
    cosine,
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
# Item-item cosine shrinkage, as the item-kNN baseline's.
_SHRINK = 10.0
# tifu_rank is known down to this place (NaN below), whatever the list sizes.
_TIFU_DEPTH = 200
# Up to this many offerings x offerings cells (about 5,000 offerings, 100 MB
# each as float32) the co-purchase and similarity matrices are kept dense:
# a sparse history times a dense matrix is several times faster.
_DENSE_CELLS = 25_000_000
BOUGHT = "bought_before"
LABEL = "taken_up"
ACTIVE = "active_in_window"
# Where candidates come from: scores of never-bought offerings per customer.
SOURCES = ("tifu", "cooccurrence", "similarity", "popularity")
_SHARES = ("order_share", "decayed_share", "tifu_share")
_CANDIDATE_COLUMNS = (
    C.CUSTOMER,
    C.OFFERING,
    BOUGHT,
    "tifu_score",
    "tifu_best",
    "tifu_rank",
    "similarity_score",
    "popularity_rank",
    "source_rank",
    "new_rank",
)
MODEL_FEATURES: tuple[str, ...] = (
    *[name for name in PAIR_FEATURES if name != "own_complaints"],
    "tifu_score",
    "tifu_rank",
    "similarity_score",
    "popularity_rank",
    "source_rank",
    "buyers_7d",
    "buyers_28d",
    "buyers_91d",
    "buyers_365d",
    "trend",
    "new_buyers",
    "new_buyer_share",
    "repeat_rate",
    "return_rate",
    "price",
    "first_sold_days",
    "customer_days_since_last",
    "customer_orders",
    "customer_monetary",
    "customer_tenure_days",
    "customer_breadth",
    "customer_recent_orders",
    "customer_order_gap_days",
    "customer_order_due_ratio",
    "customer_basket_size",
    *_SHARES,
)


@dataclass(frozen=True, slots=True)
class Origin:
    """What is known at one as-of date: TIFU-KNN (with its popularity), the
    co-purchase matrices and the offering and customer feature tables.

    association and association_index: P(B | A) as cooccurrence returns it
    (for pair_features); copurchase and similarity: P(B | A) and the item-item
    cosine over TIFU-KNN's offerings_ (for the candidate sources).
    """

    as_of: pd.Timestamp
    data: Interactions
    tifu: TifuKNNRecommender
    association: sp.csr_matrix
    association_index: pd.Index
    copurchase: sp.csr_matrix | npt.NDArray[np.float32]
    similarity: sp.csr_matrix | npt.NDArray[np.float32]
    offerings: pd.DataFrame
    customers: pd.DataFrame

    @classmethod
    def at(
        cls, data: Interactions, as_of: pd.Timestamp, tifu: TifuKNNRecommender
    ) -> Origin:
        """Fit TIFU-KNN and compute the shared tables from rows before as_of."""
        tifu.fit(data.purchases, as_of)
        association, index = cooccurrence(data, as_of)
        # Both follow the offerings bought before as_of, sorted; align anyway.
        position = index.get_indexer(pd.Index(tifu.offerings_))
        n = len(tifu.offerings_)
        align = sp.csr_matrix(
            (
                np.ones(int((position >= 0).sum())),
                (position[position >= 0], np.flatnonzero(position >= 0)),
            ),
            shape=(len(index), n),
        )
        copurchase = sp.csr_matrix(align.T @ association @ align, dtype=np.float32)
        buyers = np.asarray(tifu.bought_.sum(axis=0)).ravel()
        similarity = cosine(copurchase, buyers, _SHRINK)
        customers = customer_features(data, as_of).add_prefix("customer_")
        dense = n * n <= _DENSE_CELLS
        return cls(
            as_of=as_of,
            data=data,
            tifu=tifu,
            association=association,
            association_index=index,
            copurchase=copurchase.toarray() if dense else copurchase,
            similarity=similarity.toarray() if dense else similarity,
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
    new ones (never bought) are the union of the per_source best of each of
    SOURCES: TIFU-KNN, co-purchase with the customer's past offerings (sum of
    P(B | A)), item-item cosine similarity to them (sum) and popularity over
    the last 28 days; up to max_new are kept by their best rank in any source
    (ties: the higher TIFU-KNN score), so a shorter list is the head of a
    longer one. Columns: customer_id, offering_id, bought_before, tifu_score,
    tifu_best (the customer's highest TIFU-KNN score), tifu_rank (NaN below
    the customer's best 200), similarity_score, popularity_rank, source_rank
    and new_rank (place among the new candidates; NaN for past offerings).
    Unknown customers get no rows.
    """
    tifu = origin.tifu
    rows = tifu.rows(customers)
    known = np.flatnonzero(rows >= 0)
    popularity = origin.popularity_rank()
    order = tifu.popularity_order_
    ids = np.asarray(customers, dtype=object)
    parts: list[pd.DataFrame] = []
    for start in range(0, len(known), _BATCH):
        batch = known[start : start + _BATCH]
        row = rows[batch]
        score = tifu.row_scores(row).toarray()
        history = select_rows(tifu.bought_, row)
        bought = history.toarray() > 0
        history = sp.csr_matrix(history, dtype=np.float32)
        cooc = _dense(history @ origin.copurchase)
        similar = _dense(history @ origin.similarity)
        tifu_rank = _ranks(score, _TIFU_DEPTH)
        new = ~bought
        sources = np.full(score.shape, np.inf)
        for values in (score, cooc, similar):
            ranked = _ranks(np.where(new & (values > 0), values, -np.inf), per_source)
            np.minimum(sources, ranked, out=sources)
        np.minimum(sources, _popular_ranks(new, order, per_source), out=sources)
        keep = _ranks(np.where(bought, score, -np.inf), max_repeat) < np.inf
        # Scores are < 1 of the best, so they order within a source rank only.
        best = np.maximum(score.max(axis=1, keepdims=True), 1e-12)
        new_rank = _ranks(np.where(new, 0.5 * score / best - sources, -np.inf), max_new)
        keep |= new_rank < np.inf
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
                    "similarity_score": similar[r, c],
                    "popularity_rank": popularity[c],
                    "source_rank": np.where(
                        bought[r, c], tifu_rank[r, c], sources[r, c]
                    ),
                    "new_rank": np.where(bought[r, c], np.nan, new_rank[r, c]),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(_CANDIDATE_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def pair_scores(
    origin: Origin, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> pd.DataFrame:
    """tifu_score, tifu_best (the customer's highest) and similarity_score of
    (known customer row, offering column) pairs, a block of customers at a time."""
    tifu = origin.tifu
    unique, inverse = np.unique(rows, return_inverse=True)
    out = np.zeros((3, len(rows)))
    for start in range(0, len(unique), _BATCH):
        block = unique[start : start + _BATCH]
        score = tifu.row_scores(block).toarray()
        history = sp.csr_matrix(select_rows(tifu.bought_, block), dtype=np.float32)
        mine = (inverse >= start) & (inverse < start + len(block))
        local = inverse[mine] - start
        out[0, mine] = score[local, cols[mine]]
        out[1, mine] = score.max(axis=1)[local]
        out[2, mine] = _dense(history @ origin.similarity)[local, cols[mine]]
    return pd.DataFrame(
        {"tifu_score": out[0], "tifu_best": out[1], "similarity_score": out[2]}
    )


def _dense(product: sp.spmatrix | npt.NDArray[np.float32]) -> Floats:
    """A matrix product as a dense array."""
    if sp.issparse(product):
        return np.asarray(product.toarray(), dtype=np.float64)  # type: ignore[union-attr]
    return np.asarray(product, dtype=np.float64)


def _popular_ranks(
    new: npt.NDArray[np.bool_], order: npt.NDArray[np.intp], top: int
) -> Floats:
    """Per row, the place (0 = most popular) of the `top` most popular cells
    that are new, popularity following `order`; inf elsewhere."""
    ordered = new[:, order]
    place = np.cumsum(ordered, axis=1, dtype=np.int64) - 1
    ranks = np.full(new.shape, np.inf)
    ranks[:, order] = np.where(ordered & (place < top), place, np.inf)
    return ranks


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


def examples(
    data: Interactions,
    origin: pd.Timestamp,
    horizon: pd.Timedelta,
    *,
    active_only: bool,
    max_repeat: int,
    max_new: int,
    per_source: int,
) -> pd.DataFrame:
    """Labelled candidate pairs as of origin: customer_id, offering_id, the
    MODEL_FEATURES (single precision), bought_before, taken_up (1 if bought in
    [origin, origin + horizon)), active_in_window (the customer bought
    anything then) and new_rank.

    Candidates are those of every customer with a purchase before origin, or
    (active_only) of those who also bought in the window.
    """
    state = Origin.at(data, origin, TifuKNNRecommender())
    purchases = data.purchases
    window = purchases.loc[
        (purchases[C.ORDERED_AT] >= origin)
        & (purchases[C.ORDERED_AT] < origin + horizon)
        & purchases[C.CUSTOMER].notna()
    ]
    customers = state.tifu.customers_
    active = window[C.CUSTOMER].unique()
    if active_only:
        customers = np.intersect1d(customers, active)
    pairs = candidates(
        state,
        list(customers),
        max_repeat=max_repeat,
        max_new=max_new,
        per_source=per_source,
    )
    taken = pd.MultiIndex.from_frame(window[[C.CUSTOMER, C.OFFERING]].astype(object))
    label = pd.MultiIndex.from_frame(
        pairs[[C.CUSTOMER, C.OFFERING]].astype(object)
    ).isin(taken)
    # Single precision halves the memory of many windows; the trees' bins
    # lose nothing (scoring converts the same way).
    table = feature_table(state, pairs).astype(np.float32)
    table.insert(0, C.OFFERING, pairs[C.OFFERING].to_numpy())
    table.insert(0, C.CUSTOMER, pairs[C.CUSTOMER].to_numpy())
    table[BOUGHT] = pairs[BOUGHT].to_numpy()
    table[LABEL] = label.astype(np.int64)
    table[ACTIVE] = pairs[C.CUSTOMER].isin(active).to_numpy()
    table["new_rank"] = pairs["new_rank"].to_numpy(dtype=np.float32)
    return table
