"""Push-list metrics: hand-computed answers for every protocol formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.evaluation.metrics import (
    PER_CUSTOMER_COLUMNS,
    bootstrap_interval,
    evaluate_lists,
    relevant_items,
)
from ml.evaluation.split import Split, protocol_split

LOG3 = math.log2(3)  # rank 2 is discounted by 1 / log2(3)


def _purchases(rows: list[tuple[str | None, str, str]]) -> pd.DataFrame:
    customers, offerings, dates = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(customers, dtype="str"),
            "offering_id": pd.Series(offerings, dtype="str"),
            "ordered_at": pd.to_datetime(list(dates)).astype("datetime64[us]"),
            "quantity": 1.0,
        }
    )


@pytest.fixture
def split() -> Split:
    """Cutoff 2024-02-01, 28-day window; the catalogue before it is a b c d e g z."""
    frame = _purchases(
        [
            ("alice", "a", "2024-01-03 10:00"),
            ("alice", "b", "2024-01-04 10:00"),
            ("bob", "c", "2024-01-05 10:00"),
            ("carol", "d", "2024-01-06 10:00"),
            ("erin", "e", "2024-01-07 10:00"),  # erin buys nothing in the window
            ("erin", "g", "2024-01-07 10:00"),
            (None, "z", "2024-01-08 10:00"),  # anonymous demand
            ("alice", "a", "2024-02-02 10:00"),  # a repeat
            ("alice", "e", "2024-02-03 10:00"),
            ("alice", "f", "2024-02-03 11:00"),
            ("alice", "f", "2024-02-04 11:00"),  # bought twice, relevant once
            ("bob", "c", "2024-02-05 10:00"),  # bob only repeats
            ("carol", "g", "2024-02-06 10:00"),
            ("carol", "h", "2024-02-07 10:00"),
            ("dave", "a", "2024-02-08 10:00"),  # no history: not evaluated
            (None, "e", "2024-02-09 10:00"),  # anonymous: never evaluated
            ("alice", "x", "2024-03-05 10:00"),  # after the window
        ]
    )
    return protocol_split(frame, as_of=pd.Timestamp("2024-02-01"))


def test_evaluated_customers_bought_before_and_in_the_window(split) -> None:
    assert relevant_items(split, "all") == {
        "alice": {"a", "e", "f"},
        "bob": {"c"},
        "carol": {"g", "h"},
    }


def test_mode_new_removes_earlier_purchases_and_drops_repeat_only_buyers(
    split,
) -> None:
    assert relevant_items(split, "new") == {"alice": {"e", "f"}, "carol": {"g", "h"}}


def test_every_metric_in_mode_all_matches_the_hand_computation(split) -> None:
    lists = {
        "alice": ["e", "a", "z"],  # hits at ranks 1 and 2 of 3 relevant
        "carol": ["c", "z", "g"],  # hit at rank 3 of 2 relevant
        "dave": ["a"],  # not evaluated: ignored
    }  # bob has no list: zero hits
    metrics, per_customer = evaluate_lists(lists, split, k=3, mode="all")

    alice_ndcg = (1 + 1 / LOG3) / (1 + 1 / LOG3 + 1 / 2)
    carol_ndcg = (1 / 2) / (1 + 1 / LOG3)  # ideal DCG over min(2, 3) = 2 ranks
    rows = per_customer.set_index("customer_id")
    assert list(rows.index) == ["alice", "bob", "carol"]
    assert rows.loc["alice"].tolist() == pytest.approx(
        [2 / 3, 2 / 3, alice_ndcg, 1, (1 / 1 + 2 / 2) / 3, 3, 2]
    )
    assert rows.loc["bob"].tolist() == [0, 0, 0, 0, 0, 1, 0]
    assert rows.loc["carol"].tolist() == pytest.approx(
        [1 / 2, 1 / 3, carol_ndcg, 1, (1 / 3) / 2, 2, 1]
    )

    assert metrics.k == 3
    assert metrics.mode == "all"
    assert metrics.customers == 3
    assert metrics.recall == pytest.approx((2 / 3 + 0 + 1 / 2) / 3)
    assert metrics.precision == pytest.approx((2 / 3 + 0 + 1 / 3) / 3)
    assert metrics.ndcg == pytest.approx((alice_ndcg + carol_ndcg) / 3)
    assert metrics.hit_rate == pytest.approx(2 / 3)
    assert metrics.map == pytest.approx((2 / 3 + 0 + 1 / 6) / 3)
    # e a z c g recommended to evaluated customers, of 7 offerings sold before T
    assert metrics.coverage == pytest.approx(5 / 7)


def test_mode_new_drops_bought_offerings_from_lists_before_cutting(split) -> None:
    lists = {"alice": ["a", "e", "f"], "carol": ["c", "z", "g"], "bob": ["c"]}
    metrics, per_customer = evaluate_lists(lists, split, k=2, mode="new")

    # alice's list becomes [e, f]: both new purchases, a perfect list.
    # carol keeps [c, z] (she never bought them): no hit within k = 2.
    rows = per_customer.set_index("customer_id")
    assert list(rows.index) == ["alice", "carol"]
    assert rows.loc["alice", ["recall", "precision", "ndcg", "hit", "ap"]].tolist() == [
        1,
        1,
        1,
        1,
        1,
    ]
    assert rows.loc["carol", "hits"] == 0
    assert metrics.customers == 2
    assert metrics.recall == pytest.approx(0.5)
    assert metrics.coverage == pytest.approx(4 / 7)  # e f c z


def test_caller_filtered_lists_score_the_same_in_mode_new(split) -> None:
    unfiltered = {"alice": ["a", "b", "e", "z"], "carol": ["d", "g"]}
    filtered = {"alice": ["e", "z"], "carol": ["g"]}
    assert (
        evaluate_lists(unfiltered, split, k=2, mode="new")[0]
        == (evaluate_lists(filtered, split, k=2, mode="new")[0])
    )


def test_more_relevant_than_k_caps_ideal_dcg_and_ap_at_k(split) -> None:
    metrics, per = evaluate_lists({"alice": ["f", "e", "a"]}, split, k=2, mode="all")
    alice = per.set_index("customer_id").loc["alice"]
    assert alice["recall"] == pytest.approx(2 / 3)  # hits / |relevant|
    assert alice["precision"] == 1.0
    assert alice["ndcg"] == pytest.approx(1.0)  # ideal over min(3, 2) ranks
    assert alice["ap"] == pytest.approx(1.0)  # normalised by min(3, 2)
    assert metrics.hit_rate == pytest.approx(1 / 3)


def test_only_the_first_k_distinct_items_count(split) -> None:
    # "e" repeated counts once, so the top 2 are [e, z]; "a" at rank 3 is cut.
    _, per = evaluate_lists({"alice": ["e", "e", "z", "a"]}, split, k=2)
    alice = per.set_index("customer_id").loc["alice"]
    assert alice["hits"] == 1
    assert alice["precision"] == 0.5
    assert alice["ap"] == pytest.approx(1 / 2)  # (1/1) / min(3, 2)


def test_a_short_list_is_still_divided_by_k(split) -> None:
    _, per = evaluate_lists({"carol": ["g"]}, split, k=10)
    carol = per.set_index("customer_id").loc["carol"]
    assert carol["precision"] == pytest.approx(1 / 10)
    assert carol["ndcg"] == pytest.approx(1 / (1 + 1 / LOG3))


def test_no_evaluated_customers_gives_nan_not_an_error() -> None:
    frame = _purchases(
        [("ann", "a", "2024-01-03 10:00"), ("bo", "b", "2024-02-03 10:00")]
    )
    split = protocol_split(frame, as_of="2024-02-01")
    metrics, per_customer = evaluate_lists({"ann": ["a"]}, split)
    assert metrics.customers == 0
    assert math.isnan(metrics.ndcg) and math.isnan(metrics.recall)
    assert metrics.coverage == 0.0  # only evaluated customers' lists count
    assert list(per_customer.columns) == list(PER_CUSTOMER_COLUMNS)
    assert per_customer.empty


@pytest.mark.parametrize("bad", [{"k": 0}, {"k": 2.5}, {"mode": "old"}])
def test_bad_parameters_are_refused(split, bad) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        evaluate_lists({}, split, **bad)


def _reference(
    lists: dict[str, list[str]], frame: pd.DataFrame, as_of: pd.Timestamp, k: int, mode
) -> dict[str, tuple[float, float, float, float, float]]:
    """A literal, slow transcription of the protocol, one customer at a time."""
    end = as_of + pd.Timedelta(days=28)
    out = {}
    for customer in frame.customer_id.dropna().unique():
        mine = frame[frame.customer_id == customer]
        before = set(mine[mine.ordered_at < as_of].offering_id)
        during = set(
            mine[(mine.ordered_at >= as_of) & (mine.ordered_at < end)].offering_id
        )
        relevant = during - before if mode == "new" else during
        if not before or not during or not relevant:
            continue
        candidates = [
            i for i in lists.get(customer, []) if mode == "all" or i not in before
        ]
        top = list(dict.fromkeys(candidates))[:k]
        flags = [item in relevant for item in top]
        hits = sum(flags)
        dcg = sum(f / math.log2(r + 2) for r, f in enumerate(flags))
        idcg = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), k)))
        precisions = [sum(flags[: r + 1]) / (r + 1) for r, f in enumerate(flags) if f]
        ap = sum(precisions) / min(len(relevant), k)
        out[customer] = (
            hits / len(relevant),
            hits / k,
            dcg / idcg,
            float(hits > 0),
            ap,
        )
    return out


@pytest.mark.parametrize("mode", ["all", "new"])
def test_agrees_with_a_literal_transcription_of_the_protocol(mode) -> None:
    rng = np.random.default_rng(11)
    size = 3_000
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series(
                [f"c{i}" for i in rng.integers(0, 150, size)], dtype="str"
            ),
            "offering_id": pd.Series(
                [f"o{i}" for i in rng.zipf(1.6, size) % 60], dtype="str"
            ),
            "ordered_at": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 90 * 24 * 60, size), unit="min"),
        }
    )
    frame.loc[rng.random(size) < 0.05, "customer_id"] = None
    as_of = pd.Timestamp("2024-03-01")
    split = protocol_split(frame, as_of=as_of)
    catalogue = [f"o{i}" for i in range(60)]
    weights = 1 / np.arange(1, 61) / np.sum(1 / np.arange(1, 61))  # popular first
    lists = {
        f"c{i}": list(rng.choice(catalogue, size=rng.integers(0, 15), p=weights))
        for i in range(0, 150, 2)  # half the customers get no list at all
    }
    metrics, per = evaluate_lists(lists, split, k=5, mode=mode)

    expected = _reference(lists, frame, as_of, 5, mode)
    assert metrics.customers == len(expected) > 20
    assert (per.hits > 0).sum() > 20  # the comparison is not all zeros
    assert per.relevant.max() > 5  # some customers have more relevant than k
    got = per.set_index("customer_id")[["recall", "precision", "ndcg", "hit", "ap"]]
    for customer, values in expected.items():
        assert got.loc[customer].tolist() == pytest.approx(values), customer
    means = np.mean(list(expected.values()), axis=0)
    assert [
        metrics.recall,
        metrics.precision,
        metrics.ndcg,
        metrics.hit_rate,
        metrics.map,
    ] == pytest.approx(means.tolist())


def test_bootstrap_interval_brackets_the_mean_at_the_right_width() -> None:
    rng = np.random.default_rng(3)
    values = pd.Series(rng.integers(0, 2, 400).astype(float))
    low, high = bootstrap_interval(values, n=2000, random_state=0)
    assert low < values.mean() < high
    # Normal approximation: 2 * 1.96 * sqrt(p (1 - p) / n) ~ 0.098 for p ~ 0.5
    assert high - low == pytest.approx(0.098, abs=0.012)
    assert bootstrap_interval(values, n=2000, random_state=0) == (low, high)


def test_bootstrap_interval_of_a_constant_or_empty_series() -> None:
    assert bootstrap_interval(pd.Series([0.25] * 50)) == (0.25, 0.25)
    low, high = bootstrap_interval(pd.Series([], dtype=float))
    assert math.isnan(low) and math.isnan(high)


def test_paired_bootstrap_of_differences_excludes_zero_when_one_wins() -> None:
    rng = np.random.default_rng(5)
    base = pd.Series(rng.random(300))
    better = base + 0.05 + rng.normal(0, 0.02, 300)
    low, high = bootstrap_interval(better - base)
    assert 0 < low < 0.05 < high
