"""The baseline ladder on the full Online Retail file, scored by the protocol."""

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
from ml.models import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)

AS_OF = pd.Timestamp("2011-11-11")

# NDCG@10, mode all, protocol split. Measured here: 0.144 / 0.357 / 0.261 /
# 0.352; reference figures from elsewhere: 0.144 / 0.316 / 0.248 / 0.343 (our
# personal frequency breaks ties by recency and popularity, hence higher).
EXPECTED = {
    "popularity": (PopularityRecommender, 0.12, 0.17),
    "personal frequency": (PersonalFrequencyRecommender, 0.31, 0.39),
    "item-kNN": (ItemKNNRecommender, 0.22, 0.30),
    "TIFU-KNN": (TifuKNNRecommender, 0.31, 0.39),
}


@pytest.fixture(scope="module")
def purchases(online_retail: Interactions) -> pd.DataFrame:
    return online_retail.purchases


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_baseline_lands_in_its_sane_range(purchases, name):
    model_class, low, high = EXPECTED[name]
    split = protocol_split(purchases, horizon_days=28, as_of=AS_OF)
    customers = sorted(relevant_items(split, "all"))
    lists = model_class().fit(purchases, AS_OF).recommend(customers, k=10)
    metrics, _ = evaluate_lists(lists, split, k=10, mode="all")
    assert metrics.customers == 1_326
    assert low <= metrics.ndcg <= high, f"{name}: NDCG@10 {metrics.ndcg:.3f}"


@pytest.mark.slow
def test_new_only_lists_beat_chance_and_popularity_matches_the_reference(purchases):
    split = protocol_split(purchases, horizon_days=28, as_of=AS_OF)
    customers = sorted(relevant_items(split, "new"))
    ndcg = {}
    for name, (model_class, _, _) in EXPECTED.items():
        model = model_class().fit(purchases, AS_OF)
        lists = model.recommend(customers, k=10, new_only=True)
        ndcg[name] = evaluate_lists(lists, split, k=10, mode="new")[0].ndcg
    assert 0.07 <= ndcg["popularity"] <= 0.10  # reference 0.084
    assert ndcg["item-kNN"] > 0.07 and ndcg["TIFU-KNN"] > 0.07


@pytest.mark.slow
def test_tifu_defaults_beat_the_papers_on_the_validation_window(purchases):
    # The defaults were tuned on this window (never on the test window).
    validation = validation_split(protocol_split(purchases, as_of=AS_OF))
    customers = sorted(relevant_items(validation, "all"))
    paper = TifuKNNRecommender(
        group_size=7,
        within_decay=0.9,
        group_decay=0.7,
        neighbours=300,
        alpha=0.7,
        basket_key="order",
    )
    ndcg = {}
    for name, model in {"tuned": TifuKNNRecommender(), "paper": paper}.items():
        lists = model.fit(purchases, validation.as_of).recommend(customers)
        ndcg[name] = evaluate_lists(lists, validation)[0].ndcg
    assert validation.as_of == pd.Timestamp("2011-10-14")
    assert ndcg["tuned"] > ndcg["paper"] + 0.005
