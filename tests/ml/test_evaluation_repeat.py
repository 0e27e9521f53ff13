"""Mode "repeat" of the push-list metrics: replenishment, the mirror of "new"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.evaluation.metrics import evaluate_lists, relevant_items
from ml.evaluation.split import Split, protocol_split

LOG3 = math.log2(3)


@pytest.fixture
def split() -> Split:
    """alice re-buys a and buys new e; bob only re-buys c; carol only buys new."""
    rows = [
        ("alice", "a", "2024-01-03"),
        ("alice", "b", "2024-01-04"),
        ("bob", "c", "2024-01-05"),
        ("carol", "d", "2024-01-06"),
        ("alice", "a", "2024-02-02"),
        ("alice", "e", "2024-02-03"),
        ("bob", "c", "2024-02-05"),
        ("carol", "g", "2024-02-06"),
    ]
    customers, offerings, dates = zip(*rows, strict=True)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(customers, dtype="str"),
            "offering_id": pd.Series(offerings, dtype="str"),
            "ordered_at": pd.to_datetime(list(dates)).astype("datetime64[us]"),
        }
    )
    return protocol_split(frame, as_of=pd.Timestamp("2024-02-01"))


def test_repeat_keeps_only_offerings_bought_before_and_customers_who_rebought(
    split,
) -> None:
    assert relevant_items(split, "repeat") == {"alice": {"a"}, "bob": {"c"}}
    # The three modes split the ground truth: all = repeat + new, customer by customer.
    every = relevant_items(split, "all")
    new = relevant_items(split, "new")
    repeat = relevant_items(split, "repeat")
    for customer, items in every.items():
        assert items == repeat.get(customer, set()) | new.get(customer, set())
        assert not repeat.get(customer, set()) & new.get(customer, set())


def test_repeat_lists_keep_only_earlier_purchases_before_cutting_at_k(split) -> None:
    # alice's list becomes [b, a]: the never-bought e and z are skipped.
    lists = {"alice": ["e", "z", "b", "a"], "bob": ["x", "c"], "carol": ["d"]}
    metrics, per_customer = evaluate_lists(lists, split, k=2, mode="repeat")
    rows = per_customer.set_index("customer_id")
    assert list(rows.index) == ["alice", "bob"]  # carol re-bought nothing
    assert rows.loc["alice", ["recall", "precision", "hits"]].tolist() == [1, 0.5, 1]
    assert rows.loc["alice", "ndcg"] == pytest.approx(1 / LOG3)
    assert rows.loc["bob", ["recall", "ndcg", "ap"]].tolist() == [1, 1, 1]
    assert metrics.mode == "repeat"
    assert metrics.customers == 2
    assert metrics.hit_rate == 1.0
    assert metrics.coverage == pytest.approx(3 / 4)  # b a c of a b c d


def test_repeat_agrees_with_a_literal_transcription() -> None:
    rng = np.random.default_rng(7)
    size = 2_000
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(
                [f"c{i}" for i in rng.integers(0, 80, size)], dtype="str"
            ),
            "offering_id": pd.Series(
                [f"o{i}" for i in rng.integers(0, 30, size)], dtype="str"
            ),
            "ordered_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 90 * 24, size), unit="h"),
        }
    )
    as_of = pd.Timestamp("2024-03-01")
    split = protocol_split(frame, as_of=as_of)
    lists = {
        f"c{i}": [f"o{j}" for j in rng.integers(0, 30, 12)] for i in range(0, 80, 2)
    }
    _, per = evaluate_lists(lists, split, k=4, mode="repeat")

    end = as_of + pd.Timedelta(days=28)
    expected = {}
    for customer, mine in frame.groupby("customer_id"):
        before = set(mine.loc[mine.ordered_at < as_of, "offering_id"])
        during = set(
            mine.loc[
                (mine.ordered_at >= as_of) & (mine.ordered_at < end), "offering_id"
            ]
        )
        relevant = during & before
        if relevant:
            kept = [i for i in lists.get(customer, []) if i in before]
            top = list(dict.fromkeys(kept))[:4]
            expected[customer] = sum(i in relevant for i in top) / len(relevant)
    got = per.set_index("customer_id")["recall"]
    assert sorted(got.index) == sorted(expected) and len(expected) > 20
    assert got.to_dict() == pytest.approx(expected)
    assert (got > 0).sum() > 10
