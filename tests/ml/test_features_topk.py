"""Per-row top-k of sparse matrices: what bounds candidates and neighbour lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

import ml.features.copurchase as co
from ml.features.topk import row_blocks, top_cells, top_of, values_at
from tests.ml.builders import AS_OF, interactions


def _brute_force(dense: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    """Per row, the k largest positive cells as (column, value), ties by column."""
    out = []
    for values in dense:
        cells = [(int(c), float(v)) for c, v in enumerate(values) if v > 0]
        cells.sort(key=lambda cell: (-cell[1], cell[0]))
        out.append(cells[:k])
    return out


def test_top_cells_are_each_row_s_largest_in_order() -> None:
    rng = np.random.default_rng(3)
    # Rows of very different lengths, and ties (values rounded to tenths).
    dense = np.round(rng.random((40, 300)), 1)
    dense[rng.random(dense.shape) < np.linspace(0.2, 0.99, 40)[:, None]] = 0.0
    cells = top_cells(sp.csr_matrix(dense), 7)
    found: list[list[tuple[int, float]]] = [[] for _ in range(40)]
    for row, col, value, place in zip(
        cells.row, cells.col, cells.value, cells.place, strict=True
    ):
        assert place == len(found[row])
        found[row].append((int(col), float(value)))
    expected = _brute_force(dense, 7)
    for row in range(40):
        assert found[row] == expected[row]


def test_only_positive_cells_count_unless_asked() -> None:
    matrix = sp.csr_matrix(np.array([[0.0, -1.0, 2.0], [0.0, 0.0, 0.0]]))
    cells = top_cells(matrix, 5)
    assert list(zip(cells.row, cells.col, strict=True)) == [(0, 2)]
    given = top_of(np.array([0, 0]), np.array([0, 1]), np.array([-1.0, -3.0]), 1)
    assert list(given.col) == [0]
    assert len(top_cells(matrix, 0)) == 0


def test_values_at_reads_stored_cells_and_zero_elsewhere() -> None:
    matrix = sp.random(50, 80, density=0.1, random_state=4, format="csr")
    rng = np.random.default_rng(5)
    rows, cols = rng.integers(0, 50, 500), rng.integers(0, 80, 500)
    expected = np.asarray(matrix[rows, cols]).ravel()
    assert np.allclose(values_at(matrix, rows, cols), expected)


def test_row_blocks_cover_every_row_once_within_the_size() -> None:
    lengths = np.array([5, 1, 9, 2, 2, 30, 1])
    blocks = row_blocks(lengths, 10)
    covered = np.concatenate([np.arange(len(lengths))[block] for block in blocks])
    assert list(covered) == list(range(len(lengths)))
    for block in blocks:
        # A block goes over the size only by its last row.
        assert lengths[block][:-1].sum() < 10


def test_history_keeps_each_customer_s_most_recent_offerings() -> None:
    bought = [("c1", f"o{i}", f"2024-01-{i + 1:02d}") for i in range(5)]
    bought.append(("c1", "o0", "2024-01-20"))  # o0 bought again, last of all
    data = interactions(bought)
    history = co.History.from_purchases(data.purchases, AS_OF, recent=3)
    kept = history.offerings[history.matrix.indices]
    assert sorted(kept) == ["o0", "o3", "o4"]


def test_a_long_association_row_keeps_its_best_partners_only(monkeypatch) -> None:
    # Everyone bought "milk"; "bread" went with it for three customers, the
    # other offerings for one customer each.
    rows = []
    for c in range(6):
        rows.append((f"c{c}", "milk", "2024-01-02"))
        rows.append((f"c{c}", f"single{c}", "2024-01-03"))
    rows += [(f"c{c}", "bread", "2024-01-04") for c in range(3)]
    history = co.History.from_purchases(interactions(rows).purchases, AS_OF)
    full = co.association(history, keep=None)
    kept = co.association(history, keep=3)
    milk = history.offerings.get_loc("milk")
    partners = history.offerings[kept[milk].indices]
    assert list(partners) == ["bread"]
    assert full[milk].nnz == 7  # bread and the six singles
    table = pd.DataFrame(kept.toarray(), history.offerings, history.offerings)
    assert table.loc["milk", "bread"] == 3 / 6
    assert (np.diff(kept.indptr) <= 3).all()
