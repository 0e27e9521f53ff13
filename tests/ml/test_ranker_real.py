"""The two-stage ranker on the full Online Retail file (validation window only)."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.evaluation import (
    evaluate_lists,
    protocol_split,
    relevant_items,
    validation_split,
)
from ml.models import PersonalFrequencyRecommender
from ml.models.ranker import TwoStageRanker

AS_OF = pd.Timestamp("2011-11-11")


@pytest.fixture(scope="module")
def purchases(online_retail: Interactions) -> pd.DataFrame:
    return online_retail.purchases


@pytest.mark.slow
def test_ranker_beats_personal_frequency_on_the_validation_window(purchases):
    # Never the test window: that one is only for the benchmark's final figures.
    validation = validation_split(protocol_split(purchases, as_of=AS_OF))
    ranker = TwoStageRanker().fit(validation.train, validation.as_of)
    ndcg = {}
    for mode in ("all", "new"):
        customers = sorted(relevant_items(validation, mode))
        lists = ranker.recommend(customers, k=10, new_only=mode == "new")
        ndcg[mode] = evaluate_lists(lists, validation, k=10, mode=mode)[0].ndcg
    frequency = PersonalFrequencyRecommender().fit(validation.train, validation.as_of)
    customers = sorted(relevant_items(validation, "all"))
    lists = frequency.recommend(customers, k=10)
    baseline = evaluate_lists(lists, validation, k=10, mode="all")[0].ndcg
    assert ndcg["all"] > baseline + 0.005, (ndcg, baseline)
    # Popularity, the best personal-frequency list can do for new offerings,
    # scores 0.066 here; item-kNN 0.084.
    assert ndcg["new"] > 0.085, ndcg
    gap = (ranker.calibration_["predicted"] - ranker.calibration_["observed"]).abs()
    assert gap.mean() < 0.02
