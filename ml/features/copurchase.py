"""Co-purchase: P(B | A) between offerings, and each candidate's best "because"."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.timeline import AsOf, Past, codes

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
        cls, purchases: pd.DataFrame, as_of: AsOf, offerings: pd.Index | None = None
    ) -> History:
        """Build the history from purchases before as_of (anonymous rows left out).

        With `offerings`, the columns are exactly those ids (others dropped);
        otherwise every offering bought before as_of, sorted.
        """
        past = Past.from_frame(purchases, C.ORDERED_AT, as_of)
        customer, customers = past.factorize(C.CUSTOMER)
        if offerings is None:
            offering, offerings = past.factorize(C.OFFERING)
        else:
            offering = past.codes(C.OFFERING, offerings)
        known = (customer >= 0) & (offering >= 0)
        matrix = sp.csr_matrix(
            (
                np.ones(int(known.sum()), dtype=np.float32),
                (customer[known], offering[known]),
            ),
            shape=(len(customers), len(offerings)),
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return cls(matrix, pd.Index(customers), pd.Index(offerings))


def association(history: History) -> sp.csr_matrix:
    """P(B | A) = buyers of both / buyers of A, offerings x offerings, zero diagonal."""
    both = sp.csr_matrix(history.matrix.T @ history.matrix, dtype=np.float32)
    both.sort_indices()
    buyers = both.diagonal()
    # In place, so that only one matrix-sized array exists at a time: every
    # stored count is >= 1, so the only zeros eliminated are the diagonal.
    row = np.repeat(np.arange(both.shape[0], dtype=np.int32), np.diff(both.indptr))
    both.data[row == both.indices] = 0.0
    del row
    both.eliminate_zeros()
    both.data /= np.repeat(buyers, np.diff(both.indptr))
    return both


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
    before as_of, not necessarily together); the diagonal is zero. Rows and
    columns follow the returned index: every offering bought before as_of,
    sorted (anonymous purchases add offerings but never buyers).
    """
    history = History.from_purchases(data.purchases, as_of)
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
    n_offerings = matrix.shape[0]
    dense = matrix.toarray() if n_offerings**2 <= _DENSE_CELLS else None
    for block in _blocks(sizes[rows[pairs]]):
        chosen = pairs[block]
        lengths = sizes[rows[chosen]]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        cells = np.arange(ends[-1]) + np.repeat(indptr[rows[chosen]] - starts, lengths)
        past = indices[cells]
        wanted = np.repeat(cols[chosen], lengths)
        if dense is not None:
            values = dense[past, wanted]
        else:
            values = np.asarray(matrix[past, wanted]).ravel()
        top = np.maximum.reduceat(values, starts)
        total[chosen] = np.add.reduceat(values, starts, dtype=np.float64)
        best[chosen] = top
        is_top = values == np.repeat(top, lengths)
        positions = np.where(is_top, np.arange(len(values)), len(values))
        first = np.minimum.reduceat(positions, starts)
        source[chosen] = np.where(top > 0, past[first], -1)
    return Scores(best, total, source)


def _blocks(lengths: Ints) -> list[slice]:
    """Split consecutive rows into slices of about _BLOCK_CELLS cells each."""
    if not len(lengths):
        return []
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(_BLOCK_CELLS, ends[-1], _BLOCK_CELLS))
    bounds = np.unique(np.concatenate(([0], cuts + 1, [len(lengths)])))
    bounds = bounds[bounds <= len(lengths)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds.tolist())]
