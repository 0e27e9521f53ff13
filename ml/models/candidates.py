"""Stage 1 of the two-stage ranker: what is known as of one date (Origin) and
the candidate offerings per customer it gives (ml.models.examples turns them
into stage 2's feature tables)."""

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
    cooccurrence,
    cosine,
    customer_features,
    offering_features,
)
from ml.features.topk import (
    Cells,
    row_blocks,
    row_max,
    top_cells,
    top_of,
    values_at,
)
from ml.models.base import select_rows
from ml.models.baselines import TifuKNNRecommender

C = Columns
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# Customers are expanded a batch at a time: at most this many, and about as
# many as keep the batch's co-purchase cells (history x neighbour lists)
# under _BATCH_CELLS, so memory stays bounded whatever the catalogue.
_BATCH = 512
_BATCH_CELLS = 4_000_000
# Item-item cosine shrinkage, as the item-kNN baseline's.
_SHRINK = 10.0
# tifu_rank is known down to this place (NaN below), whatever the list sizes.
_TIFU_DEPTH = 200
BOUGHT = "bought_before"
# Where candidates come from: scores of never-bought offerings per customer.
SOURCES = ("tifu", "cooccurrence", "similarity", "popularity")
_CANDIDATE_COLUMNS = (
    C.CUSTOMER,
    C.OFFERING,
    BOUGHT,
    "tifu_score",
    "tifu_best",
    "tifu_rank",
    "similarity_score",
    "cooccurrence_sum",
    "popularity_rank",
    "source_rank",
    "new_rank",
)


@dataclass(frozen=True, slots=True)
class Origin:
    """What is known at one as-of date: TIFU-KNN (with its popularity), the
    co-purchase matrices and the offering and customer feature tables.

    association and association_index: P(B | A) as cooccurrence returns it
    (for pair_features); copurchase and similarity: P(B | A) and the item-item
    cosine over TIFU-KNN's offerings_ (for the candidate sources). All three
    keep a bounded number of neighbours per offering (sparse). data is the
    history before as_of (None in a saved ranker until given back).
    """

    as_of: pd.Timestamp
    data: Interactions | None
    tifu: TifuKNNRecommender
    association: sp.csr_matrix
    association_index: pd.Index
    copurchase: sp.csr_matrix
    similarity: sp.csr_matrix
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
        copurchase.sort_indices()
        buyers = np.asarray(tifu.bought_.sum(axis=0)).ravel()
        similarity = cosine(copurchase, buyers, _SHRINK)
        similarity.sort_indices()
        customers = customer_features(data, as_of).add_prefix("customer_")
        return cls(
            as_of=as_of,
            data=data,
            tifu=tifu,
            association=association,
            association_index=index,
            copurchase=copurchase,
            similarity=similarity,
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
    the customer's best 200), similarity_score, cooccurrence_sum (sum of
    P(B | A) over the customer's past offerings A), popularity_rank,
    source_rank and new_rank (place among the new candidates; NaN for past
    offerings).
    Unknown customers get no rows.
    """
    tifu = origin.tifu
    rows = tifu.rows(customers)
    known = np.flatnonzero(rows >= 0)
    ids = np.asarray(customers, dtype=object)
    # A customer's co-purchase cells are about their past offerings times
    # the neighbours each offering keeps.
    history_sizes = np.diff(tifu.bought_.indptr)[rows[known]]
    neighbours = max(1, int(np.diff(origin.copurchase.indptr).max(initial=1)))
    parts: list[pd.DataFrame] = []
    for block in row_blocks(history_sizes * neighbours, _BATCH_CELLS):
        for start in range(block.start, block.stop, _BATCH):
            batch = known[start : min(start + _BATCH, block.stop)]
            table = _batch_candidates(
                origin,
                rows[batch],
                max_repeat=max_repeat,
                max_new=max_new,
                per_source=per_source,
            )
            table.insert(0, C.CUSTOMER, ids[batch[table.pop("row").to_numpy()]])
            parts.append(table)
    if not parts:
        return pd.DataFrame(columns=list(_CANDIDATE_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(_CANDIDATE_COLUMNS)]


def _batch_candidates(
    origin: Origin,
    rows: npt.NDArray[np.intp],
    *,
    max_repeat: int,
    max_new: int,
    per_source: int,
) -> pd.DataFrame:
    """candidates() for one batch of known customer rows, all sparse: only the
    cells some source scores are ever touched."""
    tifu = origin.tifu
    shape = (len(rows), len(tifu.offerings_))
    score = sp.csr_matrix(tifu.row_scores(rows))
    score.sort_indices()
    history = sp.csr_matrix(select_rows(tifu.bought_, rows), dtype=np.float32)
    similar = sp.csr_matrix(history @ origin.similarity)
    similar.sort_indices()
    cooc = sp.csr_matrix(history @ origin.copurchase)
    best = row_max(score)
    tifu_ranks = top_cells(score, _TIFU_DEPTH).to_csr(shape, ranks=True)
    found = [
        top_cells(_not_bought(values, history), per_source)
        for values in (score, cooc, similar)
    ]
    found.append(_popular_cells(history, tifu.popularity_order_, per_source))
    new_row, new_col, source = _best_place(found, shape[1])
    # Scores are < 1 of the best, so they order within a source rank only.
    priority = (
        0.5 * values_at(score, new_row, new_col) / np.maximum(best[new_row], 1e-12)
    )
    new = top_of(new_row, new_col, priority - source, max_new)
    new_source = _lookup(new_row, new_col, source, new.row, new.col, shape[1])
    past_row = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(history.indptr))
    past_col = history.indices.astype(np.int64)
    repeat = top_of(
        past_row, past_col, values_at(score, past_row, past_col), max_repeat
    )
    row = np.concatenate([repeat.row, new.row])
    col = np.concatenate([repeat.col, new.col])
    bought = np.r_[np.ones(len(repeat), dtype=bool), np.zeros(len(new), dtype=bool)]
    tifu_rank = values_at(tifu_ranks, row, col) - 1.0
    tifu_rank[tifu_rank < 0] = np.nan
    order = np.lexsort((col, row))
    table = pd.DataFrame(
        {
            "row": row,
            C.OFFERING: tifu.offerings_[col],
            BOUGHT: bought,
            "tifu_score": values_at(score, row, col),
            "tifu_best": best[row],
            "tifu_rank": tifu_rank,
            "similarity_score": values_at(similar, row, col),
            "cooccurrence_sum": values_at(cooc, row, col),
            "popularity_rank": origin.popularity_rank()[col],
            "source_rank": np.where(
                bought, tifu_rank, np.r_[np.full(len(repeat), np.nan), new_source]
            ),
            "new_rank": np.r_[np.full(len(repeat), np.nan), new.place],
        }
    )
    return table.iloc[order].reset_index(drop=True)


def _not_bought(values: sp.csr_matrix, history: sp.csr_matrix) -> sp.csr_matrix:
    """values without the cells of offerings the customer bought."""
    return sp.csr_matrix(values - values.multiply(history > 0))


def _popular_cells(
    history: sp.csr_matrix, order: npt.NDArray[np.intp], top: int
) -> Cells:
    """Per row, the `top` most popular offerings (popularity following `order`)
    the customer never bought, place 0 = most popular."""
    # However many of the most popular a customer bought, the first
    # top + (their purchases) hold `top` they did not.
    depth = min(len(order), top + int(np.diff(history.indptr).max(initial=0)))
    head = np.asarray(order[:depth])
    new = history[:, head].toarray() == 0
    place = np.cumsum(new, axis=1, dtype=np.int64) - 1
    row, j = np.nonzero(new & (place < top))
    return Cells(
        row.astype(np.int64),
        head[j].astype(np.int64),
        -place[row, j].astype(np.float64),
        place[row, j],
    )


def _best_place(found: list[Cells], n_cols: int) -> tuple[Ints, Ints, Floats]:
    """The cells any source found, each with its best place in any source."""
    row = np.concatenate([cells.row for cells in found])
    col = np.concatenate([cells.col for cells in found])
    place = np.concatenate([cells.place for cells in found]).astype(np.float64)
    key = row * n_cols + col
    order = np.lexsort((place, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(key) else order
    return row[first], col[first], place[first]


def _lookup(
    row: Ints, col: Ints, value: Floats, want_row: Ints, want_col: Ints, n_cols: int
) -> Floats:
    """value at each wanted (row, col), from cells given without repeats."""
    key = row * n_cols + col
    order = np.argsort(key, kind="stable")
    where = np.searchsorted(key[order], want_row * n_cols + want_col)
    return value[order[where]]


def pair_scores(
    origin: Origin, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> pd.DataFrame:
    """tifu_score, tifu_best (the customer's highest), similarity_score and
    cooccurrence_sum of (known customer row, offering column) pairs, a block
    of customers at a time."""
    tifu = origin.tifu
    unique, inverse = np.unique(rows, return_inverse=True)
    out = np.zeros((4, len(rows)))
    for start in range(0, len(unique), _BATCH):
        block = unique[start : start + _BATCH]
        score = sp.csr_matrix(tifu.row_scores(block))
        history = sp.csr_matrix(select_rows(tifu.bought_, block), dtype=np.float32)
        similar = sp.csr_matrix(history @ origin.similarity)
        cooc = sp.csr_matrix(history @ origin.copurchase)
        mine = np.flatnonzero((inverse >= start) & (inverse < start + len(block)))
        local = (inverse[mine] - start).astype(np.int64)
        wanted = cols[mine].astype(np.int64)
        out[0, mine] = values_at(score, local, wanted)
        out[1, mine] = row_max(score)[local]
        out[2, mine] = values_at(similar, local, wanted)
        out[3, mine] = values_at(cooc, local, wanted)
    return pd.DataFrame(
        {
            "tifu_score": out[0],
            "tifu_best": out[1],
            "similarity_score": out[2],
            "cooccurrence_sum": out[3],
        }
    )
