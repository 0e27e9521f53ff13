"""ml.uplift: metrics on hand-computed cases, the model on a world where the
true uplift is known, and the contact budget."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from ml.columns import Columns
from ml.uplift.budget import GAIN, best_list
from ml.uplift.choice import DEFAULT, Candidate, choose
from ml.uplift.learners import approaches
from ml.uplift.metrics import (
    auuc,
    bootstrap_scores,
    interval,
    qini_coefficient,
    qini_curve,
)
from ml.uplift.model import ANYWAY, PERSUADABLE, PUT_OFF, UpliftModel

C = Columns

# Four customers, sorted as given: a treated buyer, a treated non-buyer, a
# control buyer and a control non-buyer.
Y = [1, 0, 1, 0]
T = [1, 1, 0, 0]
SCORE = [0.4, 0.3, 0.2, 0.1]


def test_qini_curve_by_hand() -> None:
    x, q = qini_curve(Y, SCORE, T)
    # After 3: 1 treated buyer of 2 treated, 1 control buyer of 1 control:
    # 1 - 1 * 2 / 1 = -1.
    assert x.tolist() == [0, 1, 2, 3, 4]
    assert q.tolist() == [0, 1, 1, -1, 0]


def test_qini_coefficient_and_auuc_by_hand() -> None:
    # Qini area 1.0 against the perfect order's 3.0 (diagonal ends at 0).
    assert qini_coefficient(Y, SCORE, T) == pytest.approx(1 / 3)
    # Uplift curve 0, 1, 1, -1.5, 0: area 0.5; perfect order (by 2*(y == t)
    # + t): 0, 1, 2, 1.5, 0, area 4.5.
    assert auuc(Y, SCORE, T) == pytest.approx(1 / 9)


def test_ties_form_one_step_and_order_does_not_matter_within_them() -> None:
    flat = [0.5, 0.5, 0.5, 0.5]
    x, q = qini_curve(Y, flat, T)
    assert x.tolist() == [0, 4] and q.tolist() == [0, 0]
    assert qini_coefficient(Y, flat, T) == 0.0


def test_perfect_and_reversed_orders() -> None:
    rng = np.random.default_rng(3)
    t = rng.integers(0, 2, 400)
    y = (rng.random(400) < 0.2 + 0.3 * t).astype(int)
    best = y * t - y * (1 - t)
    assert qini_coefficient(y, best, t) == pytest.approx(1.0)
    assert qini_coefficient(y, -best, t) < 0


def test_bootstrap_is_paired_and_covers_the_point_value() -> None:
    rng = np.random.default_rng(4)
    t = rng.integers(0, 2, 2000)
    signal = rng.random(2000)
    y = (rng.random(2000) < 0.1 + 0.2 * t * signal).astype(int)
    samples = bootstrap_scores(y, t, {"a": signal, "b": signal}, n=200)
    assert samples["a"].shape == (200, 2)
    np.testing.assert_array_equal(samples["a"], samples["b"])
    low, high = interval(samples["a"][:, 0])
    assert low < qini_coefficient(y, signal, t) < high
    assert low > 0


def test_metrics_refuse_bad_input() -> None:
    with pytest.raises(ValueError, match="0 and 1"):
        qini_coefficient([2, 0], [0.1, 0.2], [1, 0])
    with pytest.raises(ValueError, match="treated and a control"):
        auuc([1, 0], [0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match="same length"):
        qini_coefficient([1, 0], [0.1], [1, 0])


# Known world: kind decides the chance without and with a push.
CHANCES = {
    "persuadable": (0.10, 0.50),
    "sure thing": (0.70, 0.72),
    "lost cause": (0.02, 0.02),
    "sleeping dog": (0.40, 0.10),
}


def world(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    kind = rng.choice(list(CHANCES), n)
    spend = rng.gamma(2.0, 50.0, n)
    channel = rng.choice(["Web", "Phone"], n)
    t = rng.integers(0, 2, n)
    chance = np.array([CHANCES[k][int(p)] for k, p in zip(kind, t, strict=True)])
    y = (rng.random(n) < chance).astype(int)
    frame = pd.DataFrame({"kind": kind, "spend": spend, "channel": channel})
    return frame, t, y


@pytest.fixture(scope="module")
def fitted() -> UpliftModel:
    x, t, y = world(3000, 0)
    only = ["two models, logistic", "class transformation, trees"]
    return UpliftModel(only=only, ensemble_sizes=(2,)).fit(x, t, y)


def test_model_ranks_persuadables_first_and_sleeping_dogs_last(
    fitted: UpliftModel,
) -> None:
    x, _, _ = world(2000, 1)
    mean = pd.Series(fitted.predict_uplift(x)).groupby(x["kind"]).mean()
    assert mean["persuadable"] > mean["sure thing"] + 0.2
    assert mean["persuadable"] > mean["lost cause"] + 0.2
    assert mean["sleeping dog"] < -0.1
    assert mean["persuadable"] == pytest.approx(0.4, abs=0.1)


def test_model_chances_and_labels(fitted: UpliftModel) -> None:
    x, _, _ = world(2000, 2)
    chances = fitted.predict_chances(x)
    assert list(chances.index) == list(x.index)
    assert chances["chance_with_push"].between(0, 1).all()
    by_kind = chances.groupby(x["kind"])
    assert by_kind["chance_without_push"].mean()["sure thing"] == pytest.approx(
        0.7, abs=0.07
    )
    label = chances["label"].groupby(x["kind"]).agg(lambda s: s.mode()[0])
    assert label["persuadable"] == PERSUADABLE
    assert label["sure thing"] == ANYWAY
    assert label["sleeping dog"] == PUT_OFF


def test_model_describes_what_it_tried(fitted: UpliftModel) -> None:
    text = fitted.describe()
    assert text.startswith("Chosen: ")
    assert "two models, logistic" in text and "class transformation, trees" in text
    assert "average of" in text


@pytest.mark.slow
def test_every_approach_runs_when_the_folds_hold_enough_buyers() -> None:
    x, t, y = world(4000, 5)
    model = UpliftModel(folds=2, ensemble_sizes=(3,)).fit(x, t, y)
    names = {c.name for c in model.candidates_}
    assert len(approaches()) == 8 and {a.name for a in approaches()} <= names
    assert "average of " + " + ".join(DEFAULT) in names
    assert np.isfinite(model.predict_uplift(x)).all()


def test_only_the_default_is_fitted_when_buyers_are_few() -> None:
    x, t, y = world(600, 8)
    model = UpliftModel(folds=3).fit(x, t, y)
    tried = {c.members for c in model.candidates_}
    assert tried == {(DEFAULT[0],), (DEFAULT[1],), DEFAULT}
    assert model.chosen_.members == DEFAULT
    assert "under the 100 needed" in model.describe()


def candidate(members: tuple[str, ...], *folds: float) -> Candidate:
    return Candidate(members, folds)


def test_choice_keeps_the_default_unless_clearly_beaten() -> None:
    default = candidate(DEFAULT, 0.04, 0.05, 0.03)
    close = candidate(("X-learner, trees",), 0.06, 0.04, 0.035)
    clear = candidate(("X-learner, trees",), 0.08, 0.09, 0.07)
    chosen, why = choose([default, close], takers_per_fold=500)
    assert chosen is default and "noise" in why
    chosen, why = choose([default, clear], takers_per_fold=500)
    assert chosen is clear and "beat the default" in why
    chosen, _ = choose([default, clear], takers_per_fold=12)
    assert chosen is default
    # Without the default among the candidates: the best mean.
    chosen, _ = choose([close, candidate(("a",), 0.0, 0.01, 0.0)], 12)
    assert chosen is close


@pytest.mark.slow
def test_refit_gives_the_same_predictions() -> None:
    x, t, y = world(800, 6)
    only = ["X-learner, trees"]
    a = UpliftModel(only=only, folds=2).fit(x, t, y).predict_uplift(x)
    b = UpliftModel(only=only, folds=2).fit(x, t, y).predict_uplift(x)
    np.testing.assert_array_equal(a, b)


def test_model_refuses_what_it_cannot_learn_from() -> None:
    x, t, y = world(200, 7)
    with pytest.raises(ValueError, match="Unknown approaches"):
        UpliftModel(only=["magic"]).fit(x, t, y)
    with pytest.raises(ValueError, match="Too few customers"):
        UpliftModel().fit(x, t, np.zeros(200))
    with pytest.raises(ValueError, match="0 and 1"):
        UpliftModel().fit(x, t * 2, y)


def pairs_frame(seed: int, customers: int = 6, offerings: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    grid = list(itertools.product(range(customers), range(offerings)))
    return pd.DataFrame(
        {
            C.CUSTOMER: [c for c, _ in grid],
            C.OFFERING: [o for _, o in grid],
            "uplift": rng.normal(0.02, 0.05, len(grid)),
            "revenue": rng.uniform(5, 50, len(grid)),
        }
    )


def brute_force(pairs: pd.DataFrame, budget: int, cap: int, column: str) -> float:
    best = 0.0
    rows = list(pairs.itertuples(index=False))
    for size in range(budget + 1):
        for chosen in itertools.combinations(rows, size):
            counts = pd.Series([getattr(r, C.CUSTOMER) for r in chosen]).value_counts()
            if size and counts.max() > cap:
                continue
            best = max(best, sum(getattr(r, column) for r in chosen))
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_budget_list_is_the_best_within_budget_and_cap(seed: int) -> None:
    pairs = pairs_frame(seed, customers=4, offerings=3)
    chosen = best_list(pairs, budget=4, per_customer=2)
    assert len(chosen.rows) <= 4
    assert chosen.rows[C.CUSTOMER].value_counts().max() <= 2
    assert (chosen.rows["uplift"] > 0).all()
    assert chosen.expected_gain == pytest.approx(brute_force(pairs, 4, 2, "uplift"))


def test_budget_by_revenue_and_the_gain_curve() -> None:
    pairs = pairs_frame(3, customers=4, offerings=3)
    pairs["value"] = pairs["uplift"] * pairs["revenue"]
    chosen = best_list(pairs, budget=3, per_customer=1, by_revenue=True)
    assert chosen.expected_gain == pytest.approx(brute_force(pairs, 3, 1, "value"))
    curve = chosen.curve
    # Every list size of the curve is itself the best for that size.
    for size, gain in zip(curve["list_size"], curve[GAIN], strict=True):
        assert gain == pytest.approx(brute_force(pairs, int(size), 1, "value"))
    assert curve[GAIN].is_monotonic_increasing
    assert len(curve) >= len(chosen.rows)


def test_budget_never_lists_pairs_that_do_not_help() -> None:
    pairs = pairs_frame(4, customers=30, offerings=4)
    chosen = best_list(pairs, budget=10_000, per_customer=4)
    assert (chosen.rows["uplift"] > 0).all()
    assert len(chosen.rows) == int((pairs["uplift"] > 0).sum())
    assert chosen.rows["rank"].tolist() == list(range(1, len(chosen.rows) + 1))
    assert best_list(pairs, budget=0).rows.empty


def test_budget_refuses_bad_input() -> None:
    pairs = pairs_frame(5)
    with pytest.raises(ValueError, match="whole number"):
        best_list(pairs, budget=-1)
    with pytest.raises(ValueError, match="at least 1"):
        best_list(pairs, budget=5, per_customer=0)
    with pytest.raises(ValueError, match="lack the columns"):
        best_list(pairs.drop(columns="revenue"), budget=5, by_revenue=True)
    with pytest.raises(ValueError, match="more than once"):
        best_list(pd.concat([pairs, pairs]), budget=5)
