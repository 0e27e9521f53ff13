"""Customer x offering features: known answers on tiny frames, and NaN meanings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.features import PAIR_FEATURES, FeatureConfig, pair_features
from tests.ml.builders import AS_OF, interactions, pairs_of


def _one(data: Interactions, customer: str, offering: str, **kwargs) -> pd.Series:
    features = pair_features(data, AS_OF, pairs_of((customer, offering)), **kwargs)
    return features.iloc[0]


def test_weekly_buyer_has_a_seven_day_interval_and_is_due_on_time() -> None:
    weekly = [("c1", "milk", f"2024-02-{day:02d}") for day in (2, 9, 16, 23)]
    data = interactions(weekly)
    on_time = pair_features(data, "2024-03-01", pairs_of(("c1", "milk"))).iloc[0]
    assert on_time.own_interval_days == 7.0
    assert on_time.days_since_last == 7.0
    assert on_time.due_ratio == 1.0
    late = pair_features(data, "2024-03-08", pairs_of(("c1", "milk"))).iloc[0]
    assert late.due_ratio == 2.0
    early = pair_features(data, "2024-02-26 12:00", pairs_of(("c1", "milk"))).iloc[0]
    assert early.days_since_last == 3.5
    assert early.due_ratio == 0.5


def test_interval_is_the_median_gap_between_distinct_purchase_days() -> None:
    days = ["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-03", "2024-01-13"]
    gaps = pair_features(
        interactions(
            [("c1", "tea", day) for day in days] + [("c1", "tea", "2024-01-16")]
        ),
        AS_OF,
        pairs_of(("c1", "tea")),
    ).iloc[0]
    # Distinct days 1, 3, 13, 16: gaps 2, 10, 3 -> median 3.
    assert gaps.own_interval_days == 3.0


def test_one_purchase_day_has_no_interval() -> None:
    row = _one(interactions([("c1", "tea", "2024-02-20", "o1")] * 2), "c1", "tea")
    assert row.purchase_count == 1
    assert math.isnan(row.own_interval_days)
    assert math.isnan(row.due_ratio)
    assert row.days_since_last == 10.0


def test_purchase_count_counts_orders_or_days_without_an_order() -> None:
    lines = [
        ("c1", "tea", "2024-02-01 10:00", "o1"),
        ("c1", "tea", "2024-02-01 10:00", "o1"),  # same order, second line
        ("c1", "tea", "2024-02-01 15:00", "o2"),
        ("c1", "tea", "2024-02-05 09:00"),  # no order id: one per day
        ("c1", "tea", "2024-02-05 18:00"),
        ("c1", "tea", "2024-02-07 18:00"),
    ]
    assert _one(interactions(lines), "c1", "tea").purchase_count == 4


def test_decayed_frequency_halves_every_half_life() -> None:
    data = interactions([("c1", "tea", "2023-12-02"), ("c1", "tea", "2023-09-03")])
    # 90 and 180 days before 2024-03-01.
    assert _one(data, "c1", "tea").decayed_frequency == pytest.approx(0.75)
    short = FeatureConfig(half_life_days=45.0)
    assert _one(data, "c1", "tea", cfg=short).decayed_frequency == pytest.approx(
        0.25 + 0.0625
    )


def test_never_bought_pairs_have_zero_counts_and_missing_recency() -> None:
    data = interactions([("c1", "tea", "2024-02-01")])
    features = pair_features(
        data, AS_OF, pairs_of(("c1", "cake"), ("c9", "tea"), ("c9", "new"))
    )
    assert features.purchase_count.tolist() == [0, 0, 0]
    assert features.decayed_frequency.tolist() == [0.0, 0.0, 0.0]
    assert features.days_since_last.isna().all()
    assert features.own_interval_days.isna().all()
    assert features.returns_count.tolist() == [0, 0, 0]
    assert features.own_complaints.tolist() == [0, 0, 0]
    assert features.own_rating.isna().all()
    assert features.cooccurrence_score.tolist() == [0.0, 0.0, 0.0]
    assert features.cooccurrence_source.isna().all()


def test_anonymous_purchases_are_nobody_s_history() -> None:
    data = interactions([(None, "tea", "2024-02-01"), ("c1", "tea", "2024-02-10")])
    features = pair_features(
        data, AS_OF, pd.DataFrame({"customer_id": [None, "c1"], "offering_id": "tea"})
    )
    assert features.purchase_count.tolist() == [0, 1]
    assert features.days_since_last.iloc[1] == 20.0


def test_returns_are_counted_per_customer_and_offering() -> None:
    data = interactions(
        [("c1", "tea", "2024-01-01"), ("c2", "tea", "2024-01-01")],
        returns=[
            ("c1", "tea", "2024-01-05"),
            ("c1", "tea", "2024-01-06"),
            ("c2", "cake", "2024-01-06"),
            ("c1", "tea", "2024-03-01"),  # at as_of: not yet
        ],
    )
    features = pair_features(data, AS_OF, pairs_of(("c1", "tea"), ("c2", "tea")))
    assert features.returns_count.tolist() == [2, 0]


def test_rows_come_back_in_order_with_their_index_and_other_columns() -> None:
    data = interactions([("c1", "tea", "2024-02-01"), ("c2", "cake", "2024-02-02")])
    pairs = pd.DataFrame(
        {
            "customer_id": ["c2", "c1", "c1", "c2"],
            "offering_id": ["cake", "tea", "cake", "cake"],
            "source": ["own", "own", "popular", "own"],
        },
        index=[40, 10, 30, 20],
    )
    features = pair_features(data, AS_OF, pairs)
    assert features.index.tolist() == [40, 10, 30, 20]
    assert features.source.tolist() == pairs.source.tolist()
    assert features.purchase_count.tolist() == [1, 1, 0, 1]  # duplicates repeat
    assert list(features.columns) == [
        "customer_id",
        "offering_id",
        "source",
        *PAIR_FEATURES,
        "cooccurrence_source",
    ]
    assert features.purchase_count.dtype == np.int64


def test_empty_pairs_and_empty_history_give_empty_or_default_features() -> None:
    data = interactions([("c1", "tea", "2024-02-01")])
    assert pair_features(data, AS_OF, pairs_of()).empty
    nothing_yet = pair_features(data, "2020-01-01", pairs_of(("c1", "tea"))).iloc[0]
    assert nothing_yet.purchase_count == 0
    assert math.isnan(nothing_yet.days_since_last)


def test_pairs_without_the_id_columns_are_refused() -> None:
    data = interactions([("c1", "tea", "2024-02-01")])
    with pytest.raises(ValueError, match="customer_id and offering_id"):
        pair_features(data, AS_OF, pd.DataFrame({"customer": ["c1"]}))


def test_as_of_must_be_a_naive_date() -> None:
    data = interactions([("c1", "tea", "2024-02-01")])
    with pytest.raises(ValueError, match="timezone-naive"):
        pair_features(
            data, pd.Timestamp("2024-03-01", tz="UTC"), pairs_of(("c1", "tea"))
        )
    with pytest.raises(ValueError, match="must be a date"):
        pair_features(data, pd.NaT, pairs_of(("c1", "tea")))


def test_config_rejects_impossible_settings() -> None:
    with pytest.raises(ValueError, match="half_life_days"):
        FeatureConfig(half_life_days=0)
    with pytest.raises(ValueError, match="whole days"):
        FeatureConfig(windows=(7, -1))
    with pytest.raises(ValueError, match="short < long"):
        FeatureConfig(trend_windows=(91, 28))
    with pytest.raises(ValueError, match="distinct"):
        FeatureConfig(windows=(7, 7))


def test_baskets_since_last_counts_the_customer_s_later_purchase_days() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-02-01", "o1"),
            ("c1", "cake", "2024-02-01", "o1"),
            ("c1", "jam", "2024-02-10", "o2"),
            ("c1", "jam", "2024-02-10", "o3"),  # the same day: one basket
            ("c1", "milk", "2024-02-20", "o4"),
            ("c2", "tea", "2024-02-25", "o5"),
        ]
    )
    pairs = pairs_of(("c1", "tea"), ("c1", "jam"), ("c1", "milk"), ("c2", "milk"))
    features = pair_features(data, AS_OF, pairs)
    assert features.baskets_since_last.iloc[:3].tolist() == [2.0, 1.0, 0.0]
    assert math.isnan(features.baskets_since_last.iloc[3])  # never bought
