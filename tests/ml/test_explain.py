"""What drives the ranker's predictions, named in plain words."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits

from ml.models.examples import MODEL_FEATURES
from ml.models.explain import PLAIN_NAMES, feature_importances, plain_name
from ml.models.ranker import TwoStageRanker
from tests.ml.builders import SMALL_RANKER, WEEKLY_AS_OF, weekly_world


@pytest.fixture(scope="module")
def ranker() -> TwoStageRanker:
    with threadpool_limits(1):
        return TwoStageRanker(**SMALL_RANKER).fit(weekly_world(), WEEKLY_AS_OF)


def test_every_model_feature_has_a_plain_name() -> None:
    missing = [name for name in MODEL_FEATURES if name not in PLAIN_NAMES]
    assert missing == []
    assert plain_name("some_new_thing") == "some new thing"


def test_importances_are_shares_in_plain_words_largest_first(ranker) -> None:
    drivers = feature_importances(ranker)
    assert drivers["importance"].sum() == pytest.approx(1.0)
    assert drivers["importance"].is_monotonic_decreasing
    assert drivers["driver"].is_unique
    assert set(drivers["driver"]) <= set(PLAIN_NAMES.values())


def test_weekly_staples_are_driven_by_the_customers_own_history(ranker) -> None:
    # Every customer buys one staple each week: their own purchase history,
    # not popularity or price, should carry most of the weight.
    own = {
        "buys it regularly",
        "bought it often lately",
        "bought it recently",
        "due again",
        "bought it before",
        "similar customers buy it",
        "how strongly it was suggested",
    }
    drivers = feature_importances(ranker).set_index("driver")["importance"]
    assert drivers[drivers.index.isin(own)].sum() > 0.5


def test_new_only_model_has_its_own_drivers(ranker) -> None:
    drivers = feature_importances(ranker, mode="new")
    assert "bought it before" not in set(drivers["driver"])
    assert drivers["importance"].sum() == pytest.approx(1.0)
