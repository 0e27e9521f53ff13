"""The baseline ladder on tiny purchase histories with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from ml.errors import InputDataError
from ml.models import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    Recommender,
    TifuKNNRecommender,
)
from ml.models.base import top_k_cosine
from tests.ml.builders import DAY0
from tests.ml.builders import day_purchases as purchases

AS_OF = pd.Timestamp("2024-03-01")

MODELS = [
    PopularityRecommender,
    PersonalFrequencyRecommender,
    ItemKNNRecommender,
    TifuKNNRecommender,
]
PERSONAL = [PersonalFrequencyRecommender, TifuKNNRecommender]


def random_purchases(
    seed: int, customers: int = 30, offerings: int = 25
) -> pd.DataFrame:
    """A random history of a few dozen customers over two months."""
    rng = np.random.default_rng(seed)
    rows = []
    for order in range(200):
        customer = f"c{rng.integers(customers)}" if rng.random() > 0.1 else None
        day = int(rng.integers(0, 59))
        for offering in rng.choice(offerings, size=rng.integers(1, 5), replace=False):
            rows.append((customer, f"p{offering}", day, f"o{order}"))
    return purchases(*rows)


@pytest.fixture
def shop() -> pd.DataFrame:
    """c1 always buys mug; tea is bought by most customers; a and b go together."""
    return purchases(
        ("c1", "mug", 1, "o1"),
        ("c1", "mug", 10, "o2"),
        ("c1", "tea", 10, "o2"),
        ("c1", "mug", 20, "o3"),
        ("c2", "tea", 5, "o4"),
        ("c2", "a", 5, "o4"),
        ("c2", "b", 5, "o4"),
        ("c3", "tea", 6, "o5"),
        ("c3", "a", 6, "o5"),
        ("c3", "b", 6, "o5"),
        ("c4", "a", 7, "o6"),
        ("c4", "tea", 8, "o7"),
        (None, "tea", 30, "o8"),
    )


@pytest.mark.parametrize("model_class", MODELS)
def test_lists_are_k_distinct_offerings_and_scores_are_sparse(model_class, shop):
    model = model_class().fit(shop, AS_OF)
    assert isinstance(model, Recommender)
    lists = model.recommend(["c1", "c2", "nobody"], k=3)
    for ranked in lists.values():
        assert len(ranked) == 3 == len(set(ranked))
    everything = model.recommend(["c1"], k=50)["c1"]
    assert sorted(everything) == sorted(model.offerings_)  # capped by the catalogue
    scores = model.scores(["c1", "nobody"])
    assert sp.issparse(scores) and scores.format == "csr"
    assert scores.shape == (2, len(model.offerings_))


@pytest.mark.parametrize("model_class", MODELS)
def test_new_only_never_returns_an_offering_the_customer_bought(model_class):
    data = random_purchases(seed=1)
    model = model_class().fit(data, AS_OF)
    customers = sorted(data.customer_id.dropna().unique())
    lists = model.recommend(customers, k=10, new_only=True)
    bought = data.dropna(subset=["customer_id"]).groupby("customer_id").offering_id
    catalogue = set(data.offering_id)
    for customer, offerings in bought:
        fresh = catalogue - set(offerings)
        assert not set(lists[customer]) & set(offerings)
        assert len(lists[customer]) == min(10, len(fresh))  # padded when possible


@pytest.mark.parametrize("model_class", MODELS)
def test_purchases_on_or_after_as_of_change_nothing(model_class):
    past = random_purchases(seed=2)
    future = random_purchases(seed=3)
    future["ordered_at"] = AS_OF + (future.ordered_at - DAY0)  # from as_of on
    customers = [*sorted(past.customer_id.dropna().unique()), "c_new_in_future"]
    future.loc[future.index[:5], "customer_id"] = "c_new_in_future"
    alone = model_class().fit(past, AS_OF)
    mixed = model_class().fit(pd.concat([future, past], ignore_index=True), AS_OF)
    for new_only in (False, True):
        assert alone.recommend(customers, 5, new_only=new_only) == mixed.recommend(
            customers, 5, new_only=new_only
        )
    assert (alone.scores(customers) != mixed.scores(customers)).nnz == 0
    assert "c_new_in_future" not in mixed.customers_


@pytest.mark.parametrize("model_class", MODELS)
def test_refit_equals_a_fresh_fit(model_class):
    first, second = random_purchases(seed=4), random_purchases(seed=5)
    customers = sorted(second.customer_id.dropna().unique())
    refitted = model_class().fit(first, AS_OF).fit(second, AS_OF)
    fresh = clone(refitted).fit(second, AS_OF)
    assert refitted.recommend(customers, 8) == fresh.recommend(customers, 8)
    assert (refitted.scores(customers) != fresh.scores(customers)).nnz == 0


@pytest.mark.parametrize("model_class", MODELS)
def test_cold_customers_get_the_popular_offerings(model_class, shop):
    model = model_class().fit(shop, AS_OF)
    popular = PopularityRecommender().fit(shop, AS_OF).recommend(["x"], k=4)["x"]
    assert model.recommend(["stranger"], k=4)["stranger"] == popular
    if model_class is not PopularityRecommender:
        assert model.scores(["stranger"]).nnz == 0  # no evidence, only padding


def test_popularity_counts_distinct_buyers_not_lines():
    data = purchases(
        *[("c1", "glue", day, f"g{day}") for day in range(6)],  # one keen buyer
        ("c1", "pen", 1, "x1"),
        ("c2", "pen", 2, "x2"),
        (None, "pen", 3, "x3"),  # an anonymous order counts as a buyer
        ("c3", "ink", 4, "x4"),
        ("c4", "ink", 4, "x5"),
    )
    model = PopularityRecommender(window_days=None).fit(data, AS_OF)
    assert model.recommend(["c9"], k=3)["c9"] == ["pen", "ink", "glue"]
    # The anonymous buyer is no customer: nothing is excluded for anyone else.
    assert model.recommend(["c3"], k=3, new_only=True)["c3"] == ["pen", "glue"]


def test_popularity_window_counts_only_recent_buyers():
    data = purchases(
        ("c1", "old", 1, "o1"),
        ("c2", "old", 2, "o2"),
        ("c3", "new", 55, "o3"),
    )
    assert PopularityRecommender(window_days=None).fit(data, AS_OF).recommend(
        ["c9"], k=1
    ) == {"c9": ["old"]}
    assert PopularityRecommender(window_days=14).fit(data, AS_OF).recommend(
        ["c9"], k=1
    ) == {"c9": ["new"]}


@pytest.mark.parametrize("model_class", PERSONAL)
def test_a_customer_who_always_buys_mug_gets_mug_first(model_class, shop):
    model = model_class().fit(shop, AS_OF)
    assert model.recommend(["c1"], k=2)["c1"][0] == "mug"


def test_personal_frequency_ties_go_to_the_most_recent_purchase():
    data = purchases(
        ("c1", "early", 1, "o1"),
        ("c1", "late", 40, "o2"),
        ("c1", "twice", 2, "o3"),
        ("c1", "twice", 3, "o4"),
        ("c2", "pad", 5, "o5"),
    )
    model = PersonalFrequencyRecommender().fit(data, AS_OF)
    assert model.recommend(["c1"], k=4)["c1"] == ["twice", "late", "early", "pad"]
    counts = model.scores(["c1"]).toarray().ravel()
    by_id = dict(zip(model.offerings_, np.floor(counts), strict=True))
    assert by_id == {"early": 1, "late": 1, "twice": 2, "pad": 0}


def test_equal_scores_go_to_the_more_popular_offering():
    data = purchases(
        ("c1", "rare", 50, "o1"),
        ("c1", "loved", 50, "o1"),
        ("c2", "loved", 51, "o2"),
        ("c3", "loved", 52, "o3"),
    )
    model = PersonalFrequencyRecommender().fit(data, AS_OF)
    assert model.recommend(["c1"], k=2) == {"c1": ["loved", "rare"]}


def test_top_k_cosine_matches_a_brute_force_computation():
    rng = np.random.default_rng(7)
    rows = sp.random(40, 15, density=0.2, format="csr", random_state=rng)
    kept = top_k_cosine(rows, 3, shrink=0.5).toarray()
    dense = rows.toarray()
    norms = np.linalg.norm(dense, axis=1)
    sims = dense @ dense.T / (np.outer(norms, norms) + 0.5)
    np.fill_diagonal(sims, 0.0)
    for row in range(40):
        best = np.sort(sims[row])[::-1][:3]
        assert np.sort(kept[row][kept[row] > 0])[::-1] == pytest.approx(best[best > 0])
        columns = np.flatnonzero(kept[row])
        assert kept[row, columns] == pytest.approx(sims[row, columns])


def test_no_customers_give_no_lists(shop):
    model = TifuKNNRecommender().fit(shop, AS_OF)
    assert model.recommend([]) == {}
    assert model.scores([]).shape == (0, len(model.offerings_))


def test_item_knn_recommends_what_is_bought_together(shop):
    model = ItemKNNRecommender().fit(shop, AS_OF)
    # c4 bought a and tea; b goes with a for both other buyers of a.
    assert model.recommend(["c4"], k=1, new_only=True) == {"c4": ["b"]}


def test_tifu_weighs_recent_baskets_more():
    data = purchases(
        ("c1", "old", 1, "o1"),
        ("c1", "old", 2, "o2"),
        ("c1", "old", 3, "o3"),
        *[("c1", "recent", 10 + day, f"r{day}") for day in range(3)],
    )
    model = TifuKNNRecommender(
        group_size=2, within_decay=0.5, group_decay=0.5, alpha=1.0
    )
    vector = model.fit(data, AS_OF).scores(["c1"]).toarray().ravel()
    # Newest first: groups (r2, r1), (r0, o3), (o2, o1); a basket weighs
    # within ** place * group ** group / (group members * groups).
    recent = (1 + 0.5 + 0.5 * 1) / 6
    old = (0.5 * 0.5 + 0.25 * (1 + 0.5)) / 6
    assert dict(zip(model.offerings_, vector, strict=True)) == pytest.approx(
        {"old": old, "recent": recent}
    )


def test_tifu_blends_in_the_neighbours_baskets():
    data = purchases(
        ("c1", "a", 1, "o1"),
        ("c2", "a", 2, "o2"),
        ("c2", "b", 2, "o2"),
        ("c3", "z", 3, "o3"),
    )
    model = TifuKNNRecommender(neighbours=1, alpha=0.5).fit(data, AS_OF)
    assert model.recommend(["c1"], k=2) == {"c1": ["a", "b"]}  # b from c2
    scores = model.scores(["c1"]).toarray().ravel()
    # Each has one basket of weight 1: half c1's own a, half c2's a and b; c3
    # shares nothing with c1, so is no neighbour and z gets nothing.
    assert dict(zip(model.offerings_, scores, strict=True)) == pytest.approx(
        {"a": 1.0, "b": 0.5, "z": 0.0}
    )


def test_tifu_baskets_are_orders_or_days():
    data = purchases(
        ("c1", "a", 1, "o1"),
        ("c1", "a", 1, "o2"),  # a second order on the same day
        ("c1", "b", 2, "o3"),
    )
    settings = {"within_decay": 0.5, "group_size": 5, "alpha": 1.0}
    by_order = TifuKNNRecommender(basket_key="order", **settings)
    by_day = TifuKNNRecommender(basket_key="day", **settings)
    order_scores = by_order.fit(data, AS_OF).scores(["c1"]).toarray().ravel()
    day_scores = by_day.fit(data, AS_OF).scores(["c1"]).toarray().ravel()
    # Three baskets (b, a, a) against two (b, a): weights over members 1, .5, .25.
    assert order_scores.tolist() == pytest.approx([0.75 / 3, 1 / 3])
    assert day_scores.tolist() == pytest.approx([0.5 / 2, 1 / 2])


def test_anonymous_demand_is_never_a_customer_history(shop):
    model = PersonalFrequencyRecommender().fit(shop, AS_OF)
    assert list(model.customers_) == ["c1", "c2", "c3", "c4"]


@pytest.mark.parametrize(
    "model",
    [
        PopularityRecommender(window_days=0),
        ItemKNNRecommender(neighbours=0),
        ItemKNNRecommender(shrink=-1.0),
        TifuKNNRecommender(alpha=1.5),
        TifuKNNRecommender(group_size=0),
        TifuKNNRecommender(basket_key="week"),
    ],
)
def test_bad_parameters_are_refused_at_fit(model, shop):
    with pytest.raises(ValueError):
        model.fit(shop, AS_OF)


def test_fitting_before_any_purchase_is_explained(shop):
    with pytest.raises(InputDataError, match="no purchases before 2023-12-01"):
        TifuKNNRecommender().fit(shop, pd.Timestamp("2023-12-01"))


def test_negative_k_is_refused(shop):
    model = PopularityRecommender().fit(shop, AS_OF)
    with pytest.raises(ValueError, match="k must be"):
        model.recommend(["c1"], k=-1)
