"""Offering and customer features: popularity windows, trend, repeats, RFM."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.features import FeatureConfig, customer_features, offering_features
from tests.ml.builders import AS_OF, interactions

CATEGORIES = pd.Series({"tea": "drinks", "coffee": "drinks", "cake": "food"})


def _priced(data: Interactions, amounts: list[float], quantities: list[float]):
    purchases = data.purchases.assign(amount=amounts, quantity=quantities)
    return Interactions(purchases, data.returns, data.feedback)


def test_buyers_per_window_count_distinct_known_customers() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-02-29"),  # 1 day before as_of
            ("c1", "tea", "2024-02-28"),  # same buyer again
            ("c2", "tea", "2024-02-23"),  # exactly 7 days before: inside
            ("c3", "tea", "2024-02-20"),
            ("c4", "tea", "2023-06-01"),
            (None, "tea", "2024-02-29"),  # anonymous: no buyer
            ("c5", "tea", "2024-03-01"),  # on as_of: not yet
        ]
    )
    row = offering_features(data, AS_OF).loc["tea"]
    assert (row.buyers_7d, row.buyers_28d, row.buyers_91d, row.buyers_365d) == (
        2,
        3,
        3,
        4,
    )


def test_trend_compares_the_short_window_with_the_long_one() -> None:
    recent = [(f"r{i}", "tea", "2024-02-20") for i in range(4)]
    older = [(f"o{i}", "tea", "2023-12-15") for i in range(9)]
    steady = [(f"s{i}", "cake", "2024-02-20") for i in range(1)]
    steady += [(f"t{i}", "cake", "2023-12-15") for i in range(12)]
    table = offering_features(interactions(recent + older + steady), AS_OF)
    # tea: 4 of 13 in the last 28 of 91 days -> 4 / (13 / 3.25) = 1.0
    assert table.loc["tea", "trend"] == pytest.approx(1.0)
    assert table.loc["cake", "trend"] == pytest.approx(1 / (13 / 3.25))
    old = offering_features(interactions(older), AS_OF)
    assert old.loc["tea", "trend"] == 0.0
    gone = offering_features(interactions([("c1", "tea", "2023-01-01")]), AS_OF)
    assert math.isnan(gone.loc["tea", "trend"])


def test_repeat_rate_is_the_share_of_buyers_on_two_or_more_days() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-01-01 09:00"),
            ("c1", "tea", "2024-01-01 18:00"),  # same day: not a repeat
            ("c2", "tea", "2024-01-01"),
            ("c2", "tea", "2024-01-09"),
            ("c3", "tea", "2024-01-09"),
            ("c4", "tea", "2024-01-09"),
        ]
    )
    assert offering_features(data, AS_OF).loc["tea", "repeat_rate"] == 0.25


def test_price_is_the_median_unit_price_and_return_rate_the_returned_share() -> None:
    data = interactions(
        [("c1", "tea", "2024-01-01")] * 3 + [(None, "tea", "2024-01-02")],
        returns=[("c1", "tea", "2024-01-05"), ("c1", "tea", "2024-03-05")],
    )
    data = _priced(data, [10.0, 6.0, 30.0, 4.0], [5.0, 2.0, 10.0, 3.0])
    row = offering_features(data, AS_OF).loc["tea"]
    assert row.price == pytest.approx(2.5)  # unit prices 2, 3, 3, 1.33
    assert row.return_rate == pytest.approx(1 / 20)  # one unit back before as_of


def test_ratings_and_their_trend() -> None:
    data = interactions(
        [("c1", "tea", "2023-01-01"), ("c1", "cake", "2023-01-01")],
        feedback=[
            ("c1", "tea", "2023-06-01", 1.0, "review"),
            ("c2", "tea", "2023-07-01", 0.8, "review"),
            ("c3", "tea", "2024-02-01", 0.4, "review"),  # last 91 days
            ("c1", "cake", "2024-02-01", 0.5, "review"),  # nothing earlier
        ],
    )
    table = offering_features(data, AS_OF)
    assert table.loc["tea", "avg_rating"] == pytest.approx(2.2 / 3)
    assert table.loc["tea", "rating_trend"] == pytest.approx(0.4 - 0.9)
    assert table.loc["cake", "avg_rating"] == 0.5
    assert math.isnan(table.loc["cake", "rating_trend"])


def test_offering_age_and_the_requested_offerings() -> None:
    data = interactions(
        [("c1", "tea", "2024-02-20 12:00"), ("c1", "tea", "2024-02-25")]
    )
    cfg = FeatureConfig(windows=(28,))
    table = offering_features(data, AS_OF, cfg, offerings=["tea", "brand-new"])
    assert list(table.index) == ["tea", "brand-new"]
    assert list(table.columns) == list(cfg.offering_features)
    assert table.loc["tea", "first_sold_days"] == 9.5
    assert table.loc["brand-new", "buyers_28d"] == 0
    assert table.loc["brand-new", "new_buyers"] == 0
    assert table.buyers_28d.dtype == np.int64
    assert table.loc["brand-new"].drop(["buyers_28d", "new_buyers"]).isna().all()


def test_new_buyers_are_first_time_buyers_in_the_short_trend_window() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-01-10"),  # an old buyer ...
            ("c1", "tea", "2024-02-20"),  # ... buying again: not new
            ("c2", "tea", "2024-02-15"),  # first purchase within 28 days: new
            ("c3", "tea", "2024-02-25"),  # new
            ("c4", "cake", "2023-12-01"),  # nobody bought cake lately
        ]
    )
    table = offering_features(data, AS_OF)
    assert table.loc["tea", "new_buyers"] == 2
    assert table.loc["tea", "new_buyer_share"] == pytest.approx(2 / 3)
    assert table.loc["cake", "new_buyers"] == 0
    assert math.isnan(table.loc["cake", "new_buyer_share"])


def test_customer_order_rhythm_and_basket_size() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-01-01"),  # outside the 91 days before as_of
            ("c1", "tea", "2024-02-10"),
            ("c1", "cake", "2024-02-10"),
            ("c1", "jam", "2024-02-20"),
            ("c2", "tea", "2024-02-25"),
        ]
    )
    table = customer_features(data, AS_OF, FeatureConfig(trend_windows=(28, 56)))
    c1, c2 = table.loc["c1"], table.loc["c2"]
    assert c1.recent_orders == 2  # 2024-02-10 and 2024-02-20 within 56 days
    assert c1.order_gap_days == pytest.approx(50 / 2)  # Jan 1 to Feb 20, 3 days
    assert c1.order_due_ratio == pytest.approx(10 / 25)  # 10 days since Feb 20
    assert c1.basket_size == pytest.approx(4 / 3)
    assert c2.recent_orders == 1
    assert math.isnan(c2.order_gap_days) and math.isnan(c2.order_due_ratio)


def test_offerings_not_yet_sold_are_not_listed() -> None:
    data = interactions([("c1", "tea", "2024-02-01"), ("c1", "cake", "2024-03-02")])
    assert list(offering_features(data, AS_OF).index) == ["tea"]


def test_customer_recency_frequency_money_tenure_and_breadth() -> None:
    data = interactions(
        [
            ("c1", "tea", "2024-01-01 10:00", "o1"),
            ("c1", "cake", "2024-01-01 10:00", "o1"),
            ("c1", "tea", "2024-01-01 16:00", "o2"),  # same day: one order day
            ("c1", "coffee", "2024-02-20 12:00", "o3"),
            ("c2", "tea", "2024-02-01", "o4"),
            (None, "tea", "2024-02-02", "o5"),
            ("c1", "tea", "2024-03-01", "o6"),  # on as_of: not yet
        ]
    )
    table = customer_features(data, AS_OF, categories=CATEGORIES)
    assert list(table.index) == ["c1", "c2"]
    c1 = table.loc["c1"]
    assert c1.days_since_last == 9.5
    assert c1.orders == 2
    assert c1.monetary == 8.0  # four lines of 2.0
    assert c1.tenure_days == pytest.approx(60 - 10 / 24)
    assert c1.breadth == 3
    assert c1.top_category_share == 0.75  # drinks: tea, tea, coffee of 4
    assert table.loc["c2", "top_category_share"] == 1.0


def test_customer_ratings_and_unknown_customers() -> None:
    data = interactions(
        [("c1", "tea", "2024-01-01"), ("c2", "tea", "2024-01-01")],
        feedback=[
            ("c1", "tea", "2024-01-05", 0.2, "review"),
            ("c1", "cake", "2024-01-06", 0.6, "review"),
            ("c1", "cake", "2024-03-06", 0.0, "review"),  # after as_of
        ],
    )
    table = customer_features(data, AS_OF, customers=["c1", "c2", "c9"])
    assert table.avg_rating_given.iloc[0] == pytest.approx(0.4)
    assert math.isnan(table.avg_rating_given.iloc[1])
    assert table.loc["c9", "orders"] == 0
    assert table.loc["c9", "breadth"] == 0
    assert math.isnan(table.loc["c9", "days_since_last"])
    assert table.top_category_share.isna().all()  # no categories given
