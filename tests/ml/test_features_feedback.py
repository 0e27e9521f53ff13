"""Ratings and complaints as pair features: own, per category, and the NaN cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ml.features import pair_features
from tests.ml.builders import AS_OF, interactions, pairs_of

BOUGHT = [("c1", "tea", "2024-01-01"), ("c1", "cake", "2024-01-01")]
CATEGORIES = pd.Series(
    {"tea": "drinks", "coffee": "drinks", "cake": "food", "pie": "food"}
)


def test_own_rating_is_the_mean_of_the_customer_s_ratings_of_it() -> None:
    data = interactions(
        BOUGHT,
        feedback=[
            ("c1", "tea", "2024-01-05", 1.0, "review"),
            ("c1", "tea", "2024-01-09", 0.5, "review"),
            ("c1", "tea", "2024-01-10", None, "review"),  # a comment only
            ("c2", "tea", "2024-01-05", 0.0, "review"),  # someone else
        ],
    )
    features = pair_features(data, AS_OF, pairs_of(("c1", "tea"), ("c1", "cake")))
    assert features.own_rating.iloc[0] == pytest.approx(0.75)
    assert math.isnan(features.own_rating.iloc[1])


def test_low_ratings_and_complaints_count_as_complaints() -> None:
    data = interactions(
        BOUGHT,
        feedback=[
            ("c1", "tea", "2024-01-05", 0.25, "review"),  # at the threshold
            ("c1", "tea", "2024-01-06", None, "Complaint"),  # kind, any case
            ("c1", "tea", "2024-01-07", 0.9, "complaint"),  # still a complaint
            ("c1", "tea", "2024-01-08", 0.5, "review"),
            ("c1", "cake", "2024-01-08", 0.3, None),
        ],
    )
    features = pair_features(data, AS_OF, pairs_of(("c1", "tea"), ("c1", "cake")))
    assert features.own_complaints.tolist() == [3, 0]


def test_feedback_from_as_of_on_is_ignored() -> None:
    data = interactions(
        BOUGHT,
        feedback=[
            ("c1", "tea", "2024-02-29 23:59", 1.0, "review"),
            ("c1", "tea", "2024-03-01", 0.0, "complaint"),
        ],
    )
    row = pair_features(data, AS_OF, pairs_of(("c1", "tea"))).iloc[0]
    assert row.own_rating == 1.0
    assert row.own_complaints == 0


def test_category_rating_covers_every_offering_of_the_category() -> None:
    data = interactions(
        BOUGHT,
        feedback=[
            ("c1", "tea", "2024-01-05", 1.0, "review"),
            ("c1", "coffee", "2024-01-05", 0.6, "review"),
            ("c2", "pie", "2024-01-05", 0.0, "review"),
        ],
    )
    pairs = pairs_of(("c1", "coffee"), ("c1", "pie"), ("c1", "soap"), ("c2", "cake"))
    features = pair_features(data, AS_OF, pairs, categories=CATEGORIES)
    # coffee: drinks rated 1.0 and 0.6; pie: c1 never rated food; soap: no
    # category; c2 rated food (pie) 0.0, so cake (food) gets 0.0.
    assert features.category_rating.iloc[0] == pytest.approx(0.8)
    assert math.isnan(features.category_rating.iloc[1])
    assert math.isnan(features.category_rating.iloc[2])
    assert features.category_rating.iloc[3] == 0.0


def test_without_categories_the_category_rating_is_unknown() -> None:
    data = interactions(BOUGHT, feedback=[("c1", "tea", "2024-01-05", 1.0, "review")])
    features = pair_features(data, AS_OF, pairs_of(("c1", "tea")))
    assert features.category_rating.isna().all()
