"""Co-purchase: P(B | A) ratios, the best "because" per pair, and its fast paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import ml.features.copurchase as co
from ml.features import cooccurrence, cosine, pair_features
from tests.ml.builders import AS_OF, interactions, pairs_of

# Buyers: tea c1 c2 c3 c4; cake c1 c2; jam c1 c3 c4; soap c5 (alone).
BOUGHT = [
    ("c1", "tea", "2024-01-01"),
    ("c1", "cake", "2024-01-02"),
    ("c1", "jam", "2024-01-03"),
    ("c2", "tea", "2024-01-01"),
    ("c2", "cake", "2024-02-01"),  # not in the same basket: still counts
    ("c3", "tea", "2024-01-01"),
    ("c3", "jam", "2024-01-01"),
    ("c4", "tea", "2024-01-01"),
    ("c4", "jam", "2024-01-05"),
    ("c5", "soap", "2024-01-01"),
    (None, "tea", "2024-01-01"),  # anonymous: no buyer
    (None, "cake", "2024-01-01"),
    ("c6", "tea", "2024-03-01"),  # on as_of: too late
]


def _dense(data) -> pd.DataFrame:
    matrix, index = cooccurrence(data, AS_OF)
    return pd.DataFrame(matrix.toarray(), index=index, columns=index)


def test_association_is_the_share_of_a_s_buyers_who_also_bought_b() -> None:
    table = _dense(interactions(BOUGHT))
    assert list(table.index) == ["cake", "jam", "soap", "tea"]
    assert table.loc["tea", "cake"] == pytest.approx(2 / 4)
    assert table.loc["cake", "tea"] == pytest.approx(2 / 2)
    assert table.loc["tea", "jam"] == pytest.approx(3 / 4)
    assert table.loc["jam", "cake"] == pytest.approx(1 / 3)
    assert table.loc["soap"].sum() == 0
    assert np.diag(table.to_numpy()).sum() == 0


def test_the_matrix_is_sparse_and_stores_no_zeros() -> None:
    matrix, index = cooccurrence(interactions(BOUGHT), AS_OF)
    assert isinstance(matrix, sp.csr_matrix)
    assert matrix.shape == (len(index), len(index))
    assert matrix.nnz == 6  # tea-cake, tea-jam, cake-jam, both ways
    assert (matrix.data > 0).all()


def test_score_is_the_best_ratio_over_the_customer_s_past_offerings() -> None:
    data = interactions(BOUGHT)
    pairs = pairs_of(("c2", "jam"), ("c3", "cake"), ("c5", "tea"), ("c9", "tea"))
    features = pair_features(data, AS_OF, pairs)
    # c2 bought tea (3/4 of tea buyers took jam) and cake (1/2 of cake's).
    assert features.cooccurrence_score.iloc[0] == pytest.approx(0.75)
    assert features.cooccurrence_source.iloc[0] == "tea"
    assert features.cooccurrence_sum.iloc[0] == pytest.approx(0.75 + 0.5)
    # c3 bought tea (2/4 took cake) and jam (1/3).
    assert features.cooccurrence_score.iloc[1] == pytest.approx(0.5)
    assert features.cooccurrence_source.iloc[1] == "tea"
    # c5's soap never went with tea; c9 has no history.
    assert features.cooccurrence_score.iloc[2:].tolist() == [0.0, 0.0]
    assert features.cooccurrence_source.iloc[2:].isna().all()


def test_an_offering_does_not_recommend_itself() -> None:
    data = interactions(BOUGHT)
    row = pair_features(data, AS_OF, pairs_of(("c5", "soap"))).iloc[0]
    assert row.cooccurrence_score == 0.0


def test_ties_go_to_the_first_offering_in_the_index() -> None:
    data = interactions(
        [
            ("c1", "a", "2024-01-01"),
            ("c1", "b", "2024-01-01"),
            ("c1", "x", "2024-01-01"),
            ("c2", "x", "2024-01-01"),
        ]
    )
    # P(x | a) = P(x | b) = 1.
    row = pair_features(data, AS_OF, pairs_of(("c1", "x"))).iloc[0]
    assert (row.cooccurrence_score, row.cooccurrence_source) == (1.0, "a")


def test_sparse_lookup_and_small_blocks_give_the_same_scores(monkeypatch) -> None:
    rng = np.random.default_rng(7)
    bought = [
        (f"c{rng.integers(30)}", f"o{rng.integers(40)}", "2024-01-01")
        for _ in range(400)
    ]
    data = interactions(bought)
    pairs = pairs_of(
        *[(f"c{c}", f"o{o}") for c, o in rng.integers(0, 45, size=(300, 2))]
    )
    fast = pair_features(data, AS_OF, pairs)
    monkeypatch.setattr(co, "_DENSE_CELLS", 0)
    monkeypatch.setattr(co, "_BLOCK_CELLS", 50)
    slow = pair_features(data, AS_OF, pairs)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.cooccurrence_score.gt(0).sum() > 100


def test_a_precomputed_matrix_gives_the_same_features() -> None:
    data = interactions(BOUGHT)
    pairs = pairs_of(("c2", "jam"), ("c3", "cake"), ("c1", "soap"))
    again = pair_features(
        data, AS_OF, pairs, cooccurrence_matrix=cooccurrence(data, AS_OF)
    )
    pd.testing.assert_frame_equal(again, pair_features(data, AS_OF, pairs))


def test_cosine_is_co_buyers_over_the_root_of_both_buyer_counts() -> None:
    data = interactions([row for row in BOUGHT if row[0] is not None])
    matrix, index = cooccurrence(data, AS_OF)
    buyers = np.array([2.0, 3.0, 1.0, 4.0])  # cake, jam, soap, tea
    similar = pd.DataFrame(
        cosine(matrix, buyers, shrink=0.0).toarray(), index=index, columns=index
    )
    assert similar.loc["tea", "jam"] == pytest.approx(3 / np.sqrt(4 * 3))
    assert similar.loc["jam", "tea"] == pytest.approx(3 / np.sqrt(4 * 3))
    assert similar.loc["cake", "jam"] == pytest.approx(1 / np.sqrt(2 * 3))
    shrunk = cosine(matrix, buyers, shrink=10.0).toarray()
    assert shrunk[3, 1] == pytest.approx(3 / (np.sqrt(12) + 10))
    assert np.diag(shrunk).sum() == 0
