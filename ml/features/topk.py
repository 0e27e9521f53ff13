"""The few largest cells of each row of a sparse matrix, without ever making
it dense: what keeps candidates and neighbour lists bounded per row."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# Rows are padded to a common width this many cells at a time (about 30 MB
# of working arrays), however long the rows.
_PADDED_CELLS = 1_000_000


@dataclass(frozen=True, slots=True)
class Cells:
    """Cells of a matrix as parallel arrays, sorted by row, then place.

    row, col, value; place: 0 for the row's largest kept value, 1 for the next.
    """

    row: Ints
    col: Ints
    value: Floats
    place: Ints

    def __len__(self) -> int:
        return len(self.row)

    def to_csr(self, shape: tuple[int, int], *, ranks: bool = False) -> sp.csr_matrix:
        """The cells as a sparse matrix of their values (or of place + 1)."""
        data = self.place + 1.0 if ranks else self.value
        matrix = sp.csr_matrix((data, (self.row, self.col)), shape=shape)
        matrix.sort_indices()
        return matrix


def top_cells(matrix: sp.csr_matrix, k: int, *, positive: bool = True) -> Cells:
    """The k largest stored cells of each row, sorted (ties: the lower column
    first); with `positive`, only cells above zero count. The matrix must not
    store a cell twice (a product or a sum never does)."""
    empty = np.zeros(0, dtype=np.int64)
    if k <= 0:
        return Cells(empty, empty, np.zeros(0), empty)
    matrix = sp.csr_matrix(matrix)
    if positive and matrix.nnz and not (matrix.data > 0).all():
        matrix = sp.csr_matrix(matrix.multiply(matrix > 0))
    counts = np.diff(matrix.indptr).astype(np.int64)
    parts: list[Cells] = []
    # Rows of similar length are padded into one block, whose k best per row
    # a partial sort finds in one pass: no sort over every cell.
    length_class = np.ceil(np.log2(np.maximum(counts, 1))).astype(np.int64)
    for size in np.unique(length_class[counts > 0]):
        rows = np.flatnonzero((length_class == size) & (counts > 0))
        # At most about _PADDED_CELLS padded cells at a time.
        step = max(1, _PADDED_CELLS // (2 ** int(size)))
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            parts.append(_top_of_rows(matrix, chunk, counts[chunk], k))
    if not parts:
        return Cells(empty, empty, np.zeros(0), empty)
    row = np.concatenate([cells.row for cells in parts])
    order = np.argsort(row, kind="stable")
    return Cells(
        row[order],
        np.concatenate([cells.col for cells in parts])[order],
        np.concatenate([cells.value for cells in parts])[order],
        np.concatenate([cells.place for cells in parts])[order],
    )


def _top_of_rows(matrix: sp.csr_matrix, rows: Ints, counts: Ints, k: int) -> Cells:
    """top_cells for some rows of a canonical CSR matrix."""
    width = int(counts.max())
    offsets = np.arange(width, dtype=np.int64)
    stored = offsets < counts[:, None]
    position = np.where(stored, matrix.indptr[rows][:, None] + offsets, 0)
    value = np.where(stored, matrix.data[position], -np.inf)
    col = np.where(stored, matrix.indices[position], np.iinfo(np.int64).max)
    if width > k:
        best = np.argpartition(-value, k - 1, axis=1)[:, :k]
        # Where cells tie with the k-th largest, the partition took any of
        # them: those rows are sorted whole, so ties go to the lower column.
        kth = np.take_along_axis(value, best, axis=1).min(axis=1)
        tied = (value >= kth[:, None]).sum(axis=1) > k
        if tied.any():
            best[tied] = np.lexsort((col[tied], -value[tied]), axis=1)[:, :k]
        value = np.take_along_axis(value, best, axis=1)
        col = np.take_along_axis(col, best, axis=1)
    order = np.lexsort((col, -value), axis=1)
    value = np.take_along_axis(value, order, axis=1)
    col = np.take_along_axis(col, order, axis=1)
    keep = value > -np.inf
    place = np.broadcast_to(np.arange(value.shape[1], dtype=np.int64), value.shape)
    return Cells(
        np.broadcast_to(rows[:, None], value.shape)[keep].astype(np.int64),
        col[keep].astype(np.int64),
        value[keep].astype(np.float64),
        place[keep],
    )


def top_of(row: Ints, col: Ints, value: Floats, k: int) -> Cells:
    """The k largest of cells given as arrays (no repeated (row, col)), per row,
    as top_cells orders them."""
    if not len(row):
        return Cells(row, col, value, np.zeros(0, dtype=np.int64))
    shape = (int(row.max()) + 1, int(col.max()) + 1)
    matrix = sp.csr_matrix((value, (row, col)), shape=shape)
    return top_cells(matrix, k, positive=False)


def places(row: Ints) -> Ints:
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    if not len(row):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    lengths = np.diff(np.r_[starts, len(row)])
    return np.arange(len(row), dtype=np.int64) - np.repeat(starts, lengths)


class CellLookup:
    """Reads cells of a sparse matrix by (row, column), many at a time and as
    often as needed (a binary search over its row-major cell keys)."""

    def __init__(self, matrix: sp.csr_matrix) -> None:
        matrix = sp.csr_matrix(matrix)
        if not matrix.has_canonical_format:
            matrix = matrix.copy()
            matrix.sum_duplicates()
        self._n_cols = np.int64(max(matrix.shape[1], 1))
        row = np.repeat(
            np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)
        )
        self._keys = row * self._n_cols + matrix.indices
        self._data = matrix.data

    def __call__(self, row: Ints, col: Ints) -> Floats:
        """matrix[row[i], col[i]] for every i (0 where nothing is stored)."""
        if not len(self._keys) or not len(row):
            return np.zeros(len(row))
        wanted = np.asarray(row, dtype=np.int64) * self._n_cols + np.asarray(col)
        where = np.minimum(np.searchsorted(self._keys, wanted), len(self._keys) - 1)
        found = self._keys[where] == wanted
        return np.where(found, self._data[where], 0.0).astype(np.float64)


def values_at(matrix: sp.csr_matrix, row: Ints, col: Ints) -> Floats:
    """matrix[row[i], col[i]] for every i (0 where nothing is stored)."""
    return CellLookup(matrix)(row, col)


def row_max(matrix: sp.csr_matrix) -> Floats:
    """Each row's largest stored value (0 for an empty row)."""
    if matrix.nnz == 0:
        return np.zeros(matrix.shape[0])
    return np.asarray(matrix.max(axis=1).toarray(), dtype=np.float64).ravel()


def row_blocks(lengths: Floats | Ints, size: int) -> list[slice]:
    """Split consecutive rows into slices of about `size` cells each (a row
    longer than that is a slice of its own)."""
    if not len(lengths):
        return []
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(size, ends[-1], size))
    bounds = np.unique(np.concatenate(([0], cuts + 1, [len(lengths)])))
    bounds = bounds[bounds <= len(lengths)]
    return [slice(a, b) for a, b in itertools.pairwise(bounds.tolist())]
