"""Integer group-by helpers: the distinct values behind every per-pair count."""

from __future__ import annotations

import numpy as np

from ml.features.groups import Groups, distinct, group_median


def test_distinct_is_numpys_unique() -> None:
    rng = np.random.default_rng(0)
    values = rng.integers(-50, 50, 1_000).astype(np.int64)
    assert np.array_equal(distinct(values), np.unique(values))
    assert distinct(np.zeros(0, dtype=np.int64)).shape == (0,)
    assert list(distinct(np.array([7, 7, 7]))) == [7]


def test_groups_and_medians_per_key() -> None:
    key = np.array([2, 1, 2, 1, 2], dtype=np.int64)
    value = np.array([5.0, 1.0, 3.0, 4.0, 10.0])
    groups = Groups.of(key)
    assert list(groups.first(key)) == [1, 2]
    assert list(groups.counts) == [2, 3]
    keys, medians = group_median(key, value)
    assert list(keys) == [1, 2] and list(medians) == [2.5, 5.0]
