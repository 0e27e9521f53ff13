"""The two-stage ranker on small synthetic histories with known answers."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from ml.errors import Cancelled, InputDataError
from ml.models import Recommender
from ml.models import ranker as ranker_module
from ml.models.baselines import TifuKNNRecommender
from ml.models.candidates import Origin, candidates
from ml.models.examples import examples, feature_table
from ml.models.ranker import TwoStageRanker, as_interactions
from tests.ml.builders import DAY0
from tests.ml.builders import SMALL_RANKER as PARAMS
from tests.ml.builders import WEEKLY_AS_OF as AS_OF
from tests.ml.builders import weekly_world as world


@pytest.fixture(scope="module")
def purchases() -> pd.DataFrame:
    return world()


@pytest.fixture(scope="module")
def fitted(purchases) -> TwoStageRanker:
    return TwoStageRanker(**PARAMS).fit(purchases, AS_OF)


def customers(purchases: pd.DataFrame) -> list[str]:
    return sorted(purchases["customer_id"].dropna().unique())


def test_it_follows_the_recommender_protocol(fitted):
    assert isinstance(fitted, Recommender)
    assert fitted.get_params()["random_state"] == 0


def test_a_weekly_buyer_gets_their_item_first_when_it_is_due(fitted):
    assert fitted.recommend(["weekly"], k=3)["weekly"][0] == "X"


def test_staples_come_first_for_customers_due_to_buy_them(fitted, purchases):
    lists = fitted.recommend(customers(purchases), k=1)
    staples = [lists[f"c{c}"][0] == f"p{c % 5}" for c in range(40)]
    assert np.mean(staples) >= 0.9


def test_new_only_never_returns_a_bought_item(fitted, purchases):
    ids = customers(purchases)
    lists = fitted.recommend(ids, k=8, new_only=True)
    history = purchases.dropna(subset=["customer_id"])
    history = history.loc[history["ordered_at"] < AS_OF]
    bought = history.groupby("customer_id")["offering_id"].agg(set)
    catalogue = set(history["offering_id"]) | {"p7"}
    for customer in ids:
        expected = min(8, len(catalogue - bought[customer]))
        assert len(set(lists[customer])) == len(lists[customer]) == expected
        assert not set(lists[customer]) & bought[customer], customer


def test_lists_have_k_distinct_items_and_cold_customers_get_popularity(fitted):
    lists = fitted.recommend(["c1", "nobody"], k=5)
    assert len(lists["c1"]) == len(set(lists["c1"])) == 5
    # The anonymous demand for p7 makes it the most popular offering.
    assert lists["nobody"][0] == "p7"
    assert len(lists["nobody"]) == 5


def test_rows_at_or_after_as_of_change_nothing(purchases, fitted):
    later = world(seed=1, days=200)
    later = later.loc[later["ordered_at"] >= AS_OF]
    more = pd.concat([purchases, later], ignore_index=True)
    other = TwoStageRanker(**PARAMS).fit(more, AS_OF)
    ids = customers(purchases)
    assert other.recommend(ids, k=5) == fitted.recommend(ids, k=5)
    assert other.recommend(ids, k=5, new_only=True) == fitted.recommend(
        ids, k=5, new_only=True
    )


def test_fitting_says_how_far_it_got_and_stops_between_its_steps(purchases):
    # A fit takes about a minute on a grocery chain's year: its progress bar
    # must move, and Cancel must not wait for the end of it.
    seen: list[tuple[float, str]] = []
    TwoStageRanker(**PARAMS).fit(
        purchases, AS_OF, report=lambda f, m: seen.append((f, m))
    )
    fractions = [fraction for fraction, _ in seen]
    assert len(seen) >= 4 and fractions == sorted(fractions)
    assert fractions[0] >= 0.0 and fractions[-1] < 1.0
    assert seen[0][1].startswith("Learning from the 7 days after ")
    asked: list[float] = []
    with pytest.raises(Cancelled):
        TwoStageRanker(**PARAMS).fit(
            purchases,
            AS_OF,
            report=lambda f, m: asked.append(f),
            stop_requested=lambda: bool(asked),
        )
    assert len(asked) == 1  # stopped at the step after the first


def test_refit_equals_a_fresh_fit(purchases, fitted):
    refit = TwoStageRanker(**PARAMS).fit(world(seed=3), AS_OF).fit(purchases, AS_OF)
    fresh = clone(fitted).fit(purchases, AS_OF)
    ids = customers(purchases)
    pairs = pd.DataFrame({"customer_id": ids, "offering_id": "p3"})
    for model in (refit, fresh):
        assert model.recommend(ids, k=5) == fitted.recommend(ids, k=5)
        np.testing.assert_array_equal(
            model.predict_proba(pairs), fitted.predict_proba(pairs)
        )


def test_probabilities_are_in_the_unit_interval_and_rank_the_due_item_high(fitted):
    pairs = pd.DataFrame(
        {
            "customer_id": ["weekly", "weekly", "c0", "nobody", "c2", None],
            "offering_id": ["X", "p0", "p0", "p7", "unknown", "p7"],
        }
    )
    probability = fitted.predict_proba(pairs)
    assert probability.shape == (6,)
    assert np.all((probability >= 0) & (probability <= 1))
    assert probability[0] > 0.5
    assert probability[0] > probability[1]
    assert probability[4] == 0.0


def test_scores_are_calibrated_probabilities_per_offering(fitted):
    matrix = fitted.scores(["weekly", "nobody"])
    assert matrix.shape == (2, len(fitted.offerings_))
    assert matrix.data.min() >= 0 and matrix.data.max() <= 1
    assert matrix[1].nnz == 0
    best = fitted.offerings_[matrix[0].toarray().argmax()]
    assert best == "X"


def test_calibration_table_has_deciles_of_predicted_and_observed(fitted):
    table = fitted.calibration_
    assert list(table.columns) == ["predicted", "observed", "pairs"]
    assert len(table) == 10
    assert table["predicted"].is_monotonic_increasing


def test_too_short_a_history_is_refused(purchases):
    with pytest.raises(InputDataError, match="too short"):
        TwoStageRanker(**PARAMS).fit(purchases, DAY0 + pd.Timedelta(days=9))


def test_a_full_row_budget_stops_the_windows_and_the_refit(purchases, fitted):
    # The cost of training must stop growing with the history once there are
    # enough examples: no more windows, and no refit that doubles the trees.
    assert fitted.training_windows_ > 1
    assert fitted.refitted_
    capped = TwoStageRanker(**PARAMS, max_training_rows=1).fit(purchases, AS_OF)
    assert capped.training_windows_ == 1
    assert not capped.refitted_
    assert capped.training_rows_ < fitted.training_rows_
    assert capped.recommend(["weekly"], k=1) == {"weekly": ["X"]}


def test_a_window_with_many_customers_takes_a_fixed_random_sample(purchases):
    data = as_interactions(purchases)
    origin = AS_OF - pd.Timedelta(days=PARAMS["horizon_days"])
    options = {
        "active_only": False,
        "max_repeat": 5,
        "max_new": 5,
        "per_source": 5,
    }
    horizon = pd.Timedelta(days=PARAMS["horizon_days"])
    everyone = examples(data, origin, horizon, **options)
    sample = examples(data, origin, horizon, **options, max_customers=7)
    again = examples(data, origin, horizon, **options, max_customers=7)
    assert everyone["customer_id"].nunique() > 7
    assert sample["customer_id"].nunique() == 7
    pd.testing.assert_frame_equal(sample, again)


def test_scoring_customers_in_chunks_gives_the_same_scores(
    purchases, fitted, monkeypatch
):
    ids = customers(purchases)
    whole = fitted.scored(ids)
    monkeypatch.setattr(ranker_module, "_SCORE_CHUNK", 3)
    pd.testing.assert_frame_equal(fitted.scored(ids), whole)
    assert fitted.scored([]).empty


def test_features_of_a_few_customers_read_only_their_history(purchases):
    # Scoring a chunk of customers reads the chunk's events only; the
    # features must be those the whole history gives.
    origin = Origin.at(as_interactions(purchases), AS_OF, TifuKNNRecommender())
    everyone = customers(purchases)
    pairs = candidates(origin, everyone, max_repeat=5, max_new=5, per_source=5)
    few = pairs.loc[pairs["customer_id"].isin(everyone[:3])].reset_index(drop=True)
    assert few["customer_id"].nunique() * 2 < len(everyone)
    whole = feature_table(origin, pairs).loc[pairs["customer_id"].isin(everyone[:3])]
    pd.testing.assert_frame_equal(
        feature_table(origin, few), whole.reset_index(drop=True)
    )


def test_a_saved_ranker_leaves_its_history_out_and_gets_it_back(purchases, fitted):
    blob = pickle.dumps(fitted)
    # The history is most of a large model and the project holds it anyway.
    with_history = pickle.dumps(vars(fitted))
    history = pickle.dumps(fitted.origin_.data)
    assert len(with_history) - len(blob) > 0.9 * len(history)
    loaded = pickle.loads(blob)
    assert loaded.origin_.data is None
    assert fitted.origin_.data is not None  # pickling changed nothing here
    ids = customers(purchases)
    with pytest.raises(ValueError, match="with_history"):
        loaded.scored(ids)
    pd.testing.assert_frame_equal(
        loaded.with_history(purchases).scored(ids), fitted.scored(ids)
    )
