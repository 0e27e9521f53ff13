"""A history too thin for the ranker (most customers bought once) still gets a
model, a plan and a sentence saying a simple rule stands in."""

from __future__ import annotations

import json
from html import escape

import numpy as np
import pandas as pd
import pytest

from app.pages.modelcard import card_html
from ml.cli import main
from ml.dataset import Interactions
from ml.modelmeta import ModelMeta
from ml.models.fallback import BaselineRanker
from ml.plan import PlanRules
from ml.store import Project
from ml.store.savedmodels import list_models
from ml.workflows.plan import plan_project
from ml.workflows.settings import CheckSettings, TrainSettings
from ml.workflows.train import (
    check_again,
    is_fallback,
    load_trained,
    train_and_check,
    train_model,
)
from tests.ml.builders import DAY0, day_purchases

THIN = "This history is too thin for Pushwise's model ("


def thin_orders() -> pd.DataFrame:
    """400 customers over 150 days, all but eight with one order; a few of
    the 300 offerings sell far more than the rest."""
    rng = np.random.default_rng(1)
    weights = 1.0 / np.arange(1, 301)
    rows = []
    for c in range(400):
        visits = 2 if c % 50 == 0 else 1
        for v in range(visits):
            day = int(rng.integers(0, 150))
            offering = f"P{rng.choice(300, p=weights / weights.sum())}"
            rows.append((f"c{c}", offering, day, f"o{c}-{v}"))
    # The customer who rated P0 one star (P0 is the most popular offering).
    rows += [("rater", "P1", 20, "r1"), ("rater", "P3", 100, "r2")]
    return day_purchases(*rows, amount=10.0)


@pytest.fixture(scope="module")
def thin_project(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("thin")
    orders = thin_orders()
    table = pd.DataFrame(
        {
            "Customer ID": orders.customer_id,
            "Order ID": orders.order_id,
            "Product": orders.offering_id,
            "Order date": orders.ordered_at.dt.strftime("%Y-%m-%d"),
            "Quantity": 1,
            "Price": 10.0,
        }
    )
    table.to_csv(folder / "orders.csv", index=False)
    (folder / "reviews.csv").write_text(
        "Customer ID,Product,Review date,Rating\nrater,P0,2024-04-12,1\n",
        encoding="utf-8",
    )
    project = str(folder / "thin.pushwise")
    assert main(["import", str(folder / "orders.csv"), "--project", project]) == 0
    reviews = [str(folder / "reviews.csv"), "--project", project, "--kind"]
    assert main(["import", *reviews, "feedback"]) == 0
    return project


def test_train_falls_back_to_a_simple_rule_and_says_so(thin_project, capsys) -> None:
    capsys.readouterr()
    assert main(["train", "--project", thin_project]) == 0
    out = capsys.readouterr().out
    assert THIN in out and "so the plan uses the best simple rule, " in out
    with Project.open(thin_project) as opened:
        (meta,) = list_models(opened)
        assert meta.note.startswith(THIN)
        assert meta.validation["hit_rate:popularity"] > 0
        model = load_trained(opened, meta)  # saved and loaded back
    assert isinstance(model.ranker, BaselineRanker)
    assert ModelMeta.from_json(meta.to_json()) == meta


def test_recommend_plans_with_the_rule_and_a_bad_rating_still_blocks(
    thin_project, tmp_path, capsys
) -> None:
    out = tmp_path / "plan.csv"
    assert main(["recommend", "--project", thin_project, "--out", str(out)]) == 0
    assert THIN in capsys.readouterr().out
    plan = pd.read_csv(out, dtype={"customer_id": str, "offering_id": str})
    assert len(plan) and plan.reason.notna().all()
    assert (plan.score > 0).any() and (plan.expected_revenue > 0).any()
    pushed_p0 = set(plan.customer_id[plan.offering_id == "P0"])
    assert len(pushed_p0) > 100 and "rater" not in pushed_p0
    with Project.open(thin_project) as opened:
        made = plan_project(opened, TrainSettings(), PlanRules())
    assert made.model.meta.note.startswith(THIN)
    assert made.note.startswith("Using the model saved"), made.note
    assert "negative_feedback" in made.plan.why_not("rater", "P0")


def test_the_rule_that_caught_most_buyers_is_chosen() -> None:
    # Everyone buys their own staple every 3 weeks: their own favourites
    # catch the newest window's buyers, popularity catches few.
    rows = []
    for c in range(60):
        for day in range(c % 21, 140, 21):
            rows.append((f"c{c}", f"S{c}", day, f"o{c}-{day}"))
    data = Interactions.from_purchases(day_purchases(*rows))
    as_of = DAY0 + pd.Timedelta(days=140)
    fitted = BaselineRanker().fit(data, as_of)
    assert fitted.rule_ == "personal"
    assert fitted.caught_ == fitted.buyers_ > 0
    assert fitted.hit_rates_["personal"] > fitted.hit_rates_["popularity"]
    scored = fitted.scored(["c0"])
    assert scored.offering_id.iloc[0] == "S0"
    assert scored.probability.iloc[0] > scored.probability.iloc[-1]


def test_a_history_shorter_than_a_horizon_is_still_refused() -> None:
    rows = [("c1", "A", 1, "o1"), ("c2", "B", 19, "o2")]
    data = Interactions.from_purchases(day_purchases(*rows))
    with pytest.raises(Exception, match="too short for two 28-day"):
        train_model(data, TrainSettings(), fingerprint="x")


def test_the_window_shows_the_sentence_and_skips_the_check(thin_project) -> None:
    with Project.open(thin_project) as opened:
        result = train_and_check(opened, TrainSettings(), CheckSettings(folds=1))
        again = check_again(opened, result, CheckSettings(folds=1))
    assert result.backtest is None and again.backtest is None
    assert "too thin for Pushwise's model" in result.backtest_problem
    assert again.backtest_problem == result.backtest_problem
    assert result.drivers is None
    assert escape(result.meta.note) in card_html(result)


def test_a_description_saved_before_the_note_still_reads() -> None:
    meta = ModelMeta.from_json(
        json.dumps(
            {
                "format": 1,
                "model_id": "m1",
                "created_at": "2024-03-01T10:00:00+00:00",
                "as_of": "2024-03-01T00:00:00",
                "horizon_days": 28,
                "level": "offering",
                "parameters": {"max_iter": 120},
                "versions": {},
                "fingerprint": "f",
                "customers": 3,
                "offerings": 2,
                "purchases": 5,
                "validation": {"calibration_gap": 0.01},
                "components": ["ranker:2"],
                "seconds": 1.5,
            }
        )
    )
    assert meta.note == "" and not is_fallback(meta)


def test_nothing_sold_lately_still_gives_chances() -> None:
    data = Interactions.from_purchases(thin_orders())
    as_of = DAY0 + pd.Timedelta(days=200)  # 50 days after the last order
    scored = BaselineRanker().fit(data, as_of).scored(["c1", "c2"])
    assert len(scored) == 60 and (scored.probability > 0).all()
    assert (scored.probability < 1).all()


def test_anonymous_older_orders_fall_back_to_shares_of_buyers() -> None:
    rows = [(None, f"P{day % 3}", day, f"a{day}") for day in range(0, 60)]
    rows += [(f"c{day}", "P0", day, f"o{day}") for day in range(40, 60)]
    data = Interactions.from_purchases(day_purchases(*rows))
    fitted = BaselineRanker().fit(data, DAY0 + pd.Timedelta(days=60))
    assert fitted.rule_ == "popularity" and fitted.place_probability_ is None
    assert (fitted.scored(["c45"]).probability > 0).all()
