"""Co-purchase: P(B | A) between offerings, and each candidate's best "because"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.timeline import AsOf, Past, codes
from ml.features.topk import CellLookup, places, row_blocks, top_of

C = Columns
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# The association matrix is looked up as a dense array when it has at most this
# many cells (100 MB as float32; about 5,000 offerings): a gather from a dense
# array is several times faster than sampling a sparse one. Bigger catalogues
# are sampled sparsely.
_DENSE_CELLS = 25_000_000
# Candidates are scored a block at a time, each block expanding to at most about
# this many (past offering, candidate) cells, so memory stays bounded (~50 MB).
_BLOCK_CELLS = 500_000
# Co-purchase counts each customer's most recently bought offerings only, and
# each offering keeps its strongest partners only: together they bound the
# work by customers x RECENT_OFFERINGS**2 and the matrix by offerings x
# NEIGHBOURS, where an all-pairs count grows with the square of every
# customer's history (a weekly grocery shopper buys hundreds of products a
# year; a gift shop's customers a few dozen, so the caps rarely bite there).
RECENT_OFFERINGS = 200
NEIGHBOURS = 100
# The co-purchase counts are made this many (buyer x offering) steps at a time.
_WORK_PER_BLOCK = 2_000_000


@dataclass(frozen=True, slots=True)
class History:
    """Which offerings each known customer bought before as_of (binary, sparse).

    matrix: customers x offerings, 1.0 where the customer bought the offering;
    customers and offerings: the row and column ids.
    """

    matrix: sp.csr_matrix
    customers: pd.Index
    offerings: pd.Index

    @classmethod
    def from_purchases(
        cls,
        purchases: pd.DataFrame,
        as_of: AsOf,
        offerings: pd.Index | None = None,
        *,
        recent: int | None = None,
    ) -> History:
        """Build the history from purchases before as_of (anonymous rows left out).

        With `offerings`, the columns are exactly those ids (others dropped);
        otherwise every offering bought before as_of, sorted. With `recent`,
        each customer keeps only the `recent` offerings they bought last.
        """
        past = Past.from_frame(purchases, C.ORDERED_AT, as_of)
        customer, customers = past.factorize(C.CUSTOMER)
        if offerings is None:
            offering, offerings = past.factorize(C.OFFERING)
        else:
            offering = past.codes(C.OFFERING, offerings)
        known = (customer >= 0) & (offering >= 0)
        customer, offering = customer[known], offering[known]
        if recent is not None:
            keep = _most_recent(customer, offering, past.at[known], recent)
            customer, offering = customer[keep], offering[keep]
        matrix = sp.csr_matrix(
            (np.ones(len(customer), dtype=np.float32), (customer, offering)),
            shape=(len(customers), len(offerings)),
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return cls(matrix, pd.Index(customers), pd.Index(offerings))


def _most_recent(customer: Ints, offering: Ints, at: Ints, recent: int) -> Ints:
    """Rows of each customer's `recent` most recently bought offerings (one row
    per customer and offering: its last purchase)."""
    if not len(customer):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((-at, offering, customer))
    pair = customer[order] * (int(offering.max(initial=0)) + 1) + offering[order]
    last = order[np.r_[True, pair[1:] != pair[:-1]]]
    newest = last[np.lexsort((-at[last], customer[last]))]
    return newest[places(customer[newest]) < recent]


def association(history: History, keep: int | None = NEIGHBOURS) -> sp.csr_matrix:
    """P(B | A) = buyers of both / buyers of A, offerings x offerings, zero
    diagonal; each row A keeps its `keep` largest (all with None), and a row
    with more than `keep` partners only those bought by two customers or more.

    Counted a block of rows at a time, so no all-pairs table ever exists.
    """
    matrix = sp.csr_matrix(history.matrix, dtype=np.float32)
    by_offering = matrix.T.tocsr()
    buyers = np.asarray(matrix.sum(axis=0), dtype=np.float64).ravel()
    # Row A's product touches every offering of every buyer of A.
    work = by_offering @ np.diff(matrix.indptr).astype(np.float64)
    rows, cols, values = [], [], []
    for block in row_blocks(work, _WORK_PER_BLOCK):
        both = sp.csr_matrix(by_offering[block] @ matrix)
        row = np.repeat(
            np.arange(block.start, block.stop, dtype=np.int64), np.diff(both.indptr)
        )
        col = both.indices.astype(np.int64)
        count = both.data
        wanted = row != col
        if keep is not None:
            # A pair bought by one customer only is no evidence of a link, and
            # in a long row its share ties with every other such pair's, so
            # it could only be kept by column order: long rows keep the pairs
            # bought by two or more (short rows keep all, as they are).
            row_cells = np.diff(both.indptr)[row - block.start]
            wanted &= (count >= 2) | (row_cells <= keep + 1)
        row, col = row[wanted], col[wanted]
        share = count[wanted].astype(np.float64) / buyers[row]
        if keep is not None:
            cells = top_of(row, col, share, keep)
            row, col, share = cells.row, cells.col, cells.value
        rows.append(row)
        cols.append(col)
        values.append(share.astype(np.float32))
    n = matrix.shape[1]
    if not rows:
        return sp.csr_matrix((n, n), dtype=np.float32)
    out = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )
    out.sort_indices()
    return out


def cosine(
    association_matrix: sp.csr_matrix, buyers: Floats, shrink: float
) -> sp.csr_matrix:
    """Item-item cosine similarity from P(B | A) and the buyers of each offering:
    buyers of both / (sqrt(buyers of A * buyers of B) + shrink), zero diagonal."""
    both = sp.csr_matrix(association_matrix, dtype=np.float32, copy=True)
    row = np.repeat(np.arange(both.shape[0]), np.diff(both.indptr))
    both.data *= buyers[row].astype(np.float32)
    root = np.sqrt(buyers)
    both.data /= (root[row] * root[both.indices] + shrink).astype(np.float32)
    return both


def cooccurrence(data: Interactions, as_of: AsOf) -> tuple[sp.csr_matrix, pd.Index]:
    """Item-item P(B | A) from customers' purchases before as_of, and its ids.

    Entry [A, B] is the share of A's buyers who also bought B (at any time
    before as_of, not necessarily together), over each customer's
    RECENT_OFFERINGS latest offerings; each row keeps its NEIGHBOURS largest
    entries and the diagonal is zero. Rows and
    columns follow the returned index: every offering bought before as_of,
    sorted (anonymous purchases add offerings but never buyers).
    """
    history = History.from_purchases(data.purchases, as_of, recent=RECENT_OFFERINGS)
    return association(history), history.offerings


@dataclass(frozen=True, slots=True)
class Scores:
    """Per candidate pair: the best P(B | A) over the customer's past offerings A,
    the sum over them, and the argmax A's position (-1 if no score)."""

    best: Floats
    total: Floats
    source: Ints


def cooccurrence_scores(
    history: History,
    matrix: sp.csr_matrix,
    customers: pd.Series,
    offerings: pd.Series,
) -> Scores:
    """Score candidate (customer, offering) rows from the customers' histories.

    matrix is the association over history.offerings. Ties between past
    offerings go to the first in the offering index. Pairs whose customer has
    no history, or whose offering nobody bought, score 0 with no source.
    """
    rows = codes(customers, history.customers)
    cols = codes(offerings, history.offerings)
    n = len(rows)
    best = np.zeros(n)
    total = np.zeros(n)
    source = np.full(n, -1, dtype=np.int64)
    indptr, indices = history.matrix.indptr, history.matrix.indices
    sizes = np.diff(indptr)
    pairs = np.flatnonzero((rows >= 0) & (cols >= 0))
    pairs = pairs[sizes[rows[pairs]] > 0]
    read = _cell_reader(matrix)
    for block in row_blocks(sizes[rows[pairs]], _BLOCK_CELLS):
        chosen = pairs[block]
        lengths = sizes[rows[chosen]]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        cells = np.arange(ends[-1]) + np.repeat(indptr[rows[chosen]] - starts, lengths)
        past = indices[cells]
        wanted = np.repeat(cols[chosen], lengths)
        values = read(past, wanted)
        top = np.maximum.reduceat(values, starts)
        total[chosen] = np.add.reduceat(values, starts, dtype=np.float64)
        best[chosen] = top
        is_top = values == np.repeat(top, lengths)
        positions = np.where(is_top, np.arange(len(values)), len(values))
        first = np.minimum.reduceat(positions, starts)
        source[chosen] = np.where(top > 0, past[first], -1)
    return Scores(best, total, source)


def _cell_reader(matrix: sp.csr_matrix) -> Callable[[Ints, Ints], Floats]:
    """Reads the association's cells by (row, column): a gather from a dense
    copy while that is small (several times faster), else a binary search."""
    if matrix.shape[0] ** 2 <= _DENSE_CELLS:
        dense = matrix.toarray()
        return lambda rows, cols: np.asarray(dense[rows, cols], dtype=np.float64)
    return CellLookup(matrix)
