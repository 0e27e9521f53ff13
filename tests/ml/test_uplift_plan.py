"""The push plan ranked by extra uptake: learnt from a campaign with a
control group in the project, where only some customers buy because of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.campaigns.create import create_campaign
from ml.campaigns.store import campaign_pushes, campaigns
from ml.cli import main
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.plan.pushplan import PushPlan
from ml.store.project import Project
from ml.uplift.model import ANYWAY, PUT_OFF
from ml.workflows.uplift import (
    EXTRA,
    TYPE,
    extra_in_words,
    gain_curve_chart,
    left_out_in_words,
    plan_by_uplift,
    uncertainty_note,
)
from tests.ml.test_campaigns import write_orders

START = pd.Timestamp("2024-03-01")
CUSTOMERS = 600


def sleeper(customer: str) -> bool:
    """Half the customers last bought long ago: they buy only when pushed."""
    return int(customer[1:]) % 2 == 0


def one_push_each(as_of: pd.Timestamp) -> PushPlan:
    rows = pd.DataFrame(
        {
            "customer_id": [f"c{n:03d}" for n in range(CUSTOMERS)],
            "offering_id": "A",
            "rank": 1,
            "score": 0.3,
            "probability": 0.3,
            "expected_revenue": 3.0,
            "reason": "popular",
        }
    )
    columns = ["customer_id", "offering_id", "rule", "detail"]
    return PushPlan(rows, pd.DataFrame(columns=columns), {}, as_of)


@pytest.fixture
def project(project_path: Path):
    """The project of `project_path`, open."""
    with Project.open(project_path) as opened:
        yield opened


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A campaign with a 30 % control group: regulars buy A anyway (half of
    them), sleepers buy it only when pushed (half of those pushed)."""
    rng = np.random.default_rng(3)
    history = []
    for n in range(CUSTOMERS):
        customer = f"c{n:03d}"
        days = [400, 380] if sleeper(customer) else [40, 25, 12, 5]
        history += [
            (customer, "B", str((START - pd.Timedelta(days=d)).date())) for d in days
        ]
    with Project.create(tmp_path / "p.pushwise") as opened:
        import_file(opened, write_orders(tmp_path / "history.csv", history))
        campaign = create_campaign(
            opened,
            "March",
            one_push_each(START),
            horizon_days=28,
            model_id=None,
            control_share=0.3,
            seed=4,
        )
        pushes = campaign_pushes(opened.con, campaign.campaign_id)
        later = []
        for customer, control in zip(
            pushes["customer_id"], pushes["control"], strict=True
        ):
            pushed_sleeper = sleeper(customer) and not control
            if (pushed_sleeper or not sleeper(customer)) and rng.random() < 0.5:
                later.append(
                    (customer, "A", str((START + pd.Timedelta(days=9)).date()))
                )
        later.append(("c001", "B", "2024-04-20"))  # the orders reach past the horizon
        import_file(opened, write_orders(tmp_path / "later.csv", later))
    return tmp_path / "p.pushwise"


def test_pushes_go_where_they_change_something(project) -> None:
    ranked = plan_by_uplift(project.con, one_push_each(pd.Timestamp("2024-05-01")))
    rows = ranked.rows
    assert "Learnt from 'March'" in ranked.description
    top = rows.head(100)
    assert top["customer_id"].map(sleeper).mean() > 0.9
    assert rows[EXTRA].is_monotonic_decreasing and (rows[EXTRA] > 0).all()
    sleepers = rows[rows["customer_id"].map(sleeper)]
    assert sleepers[EXTRA].mean() == pytest.approx(0.5 * 1.0, abs=0.15)
    assert (rows["reason"].str.startswith("popular; ")).all()
    assert set(rows[TYPE]) <= {
        "likely to buy only if pushed",
        "would buy anyway",
        "little difference either way",
    }


def test_a_budget_keeps_the_best_pushes_and_draws_the_curve(project) -> None:
    plan = one_push_each(pd.Timestamp("2024-05-01"))
    everything = plan_by_uplift(project.con, plan)
    budget = plan_by_uplift(project.con, plan, budget=50)
    assert len(budget.rows) == 50
    assert budget.rows[EXTRA].sum() == pytest.approx(
        everything.rows[EXTRA].head(50).sum()
    )
    curve = budget.curve.set_index("list_size")["expected_gain"]
    assert curve.loc[50] == pytest.approx(budget.rows[EXTRA].sum())
    assert curve.is_monotonic_increasing and len(curve) == len(everything.rows)


def test_without_a_campaign_it_says_what_to_do(tmp_path) -> None:
    with (
        Project.create(tmp_path / "empty.pushwise") as opened,
        pytest.raises(InputDataError, match="no finished campaign"),
    ):
        plan_by_uplift(opened.con, one_push_each(START))


def test_customers_left_out_are_named_with_why(project) -> None:
    ranked = plan_by_uplift(project.con, one_push_each(pd.Timestamp("2024-05-01")))
    customers = ranked.customers
    assert len(customers) == CUSTOMERS
    listed = customers.set_index("customer_id")["pushes_listed"]
    assert listed.loc[ranked.rows["customer_id"]].eq(1).all()
    assert listed.sum() == len(ranked.rows)
    assert not ranked.left_out()["customer_id"].isin(ranked.rows["customer_id"]).any()
    # Nobody the model thinks a push puts off is in the list.
    put_off = customers[customers[TYPE] == PUT_OFF]
    assert (put_off["pushes_listed"] == 0).all()
    assert (put_off["extra_chance"] < 0).all()
    words = left_out_in_words(ranked, budget=100)
    left = customers[~customers["customer_id"].isin(ranked.rows["customer_id"][:100])]
    counted = left[TYPE].value_counts()
    anyway, put_off = counted.get(ANYWAY, 0), counted.get(PUT_OFF, 0)
    assert words.startswith("Left out of the list: ")
    assert f"{put_off:,} put off by pushes" in words
    others = left[~left[TYPE].isin([ANYWAY, PUT_OFF])]
    beyond = (others["extra_chance"] > 0).sum()
    assert beyond > 0 and f"{beyond:,} beyond the budget" in words
    nothing = len(others) - beyond
    assert (f"{nothing:,} for whom a push changes nothing" in words) == (nothing > 0)
    assert (f"{anyway:,} who would buy anyway" in words) == (anyway > 0)


def test_cli_ranks_by_extra_uptake_within_a_budget(project_path, tmp_path, capsys):
    out = tmp_path / "plan.csv"
    args = ["recommend", "--project", str(project_path), "--out", str(out)]
    assert main([*args, "--rank-by", "extra-uptake", "--budget", "40"]) == 0
    printed = capsys.readouterr().out
    assert (
        "Ranked by extra uptake: the 40 pushes written are expected to bring" in printed
    )
    plan = pd.read_csv(out, dtype={"customer_id": str})
    assert len(plan) == 40 and plan["extra_uptake"].is_monotonic_decreasing
    assert plan["customer_id"].map(sleeper).mean() > 0.8
    gain = pd.read_csv(tmp_path / "plan-gain.csv")
    assert gain["expected_gain"].iloc[39] == pytest.approx(plan["extra_uptake"].sum())
    customers = pd.read_csv(tmp_path / "plan-customers.csv", dtype={"customer_id": str})
    assert len(customers) == CUSTOMERS and customers["pushes_listed"].sum() == 40
    assert "Left out of the list: " in printed
    assert main([*args, "--rank-by", "extra-revenue", "--budget", "40"]) == 0
    assert "Ranked by extra revenue: the 40 pushes" in capsys.readouterr().out
    by_revenue = pd.read_csv(out, dtype={"customer_id": str})
    assert by_revenue["extra_revenue"].is_monotonic_decreasing
    assert main([*args, "--budget", "40"]) == 2
    assert "--budget goes with --rank-by extra-uptake" in capsys.readouterr().err


def test_by_revenue_the_list_brings_the_most_extra_revenue(project) -> None:
    plan = one_push_each(pd.Timestamp("2024-05-01"))
    # Half the customers' pushes are worth ten times the others'.
    rich = plan.rows["customer_id"].str[1:].astype(int) % 4 < 2
    plan.rows["expected_revenue"] = plan.rows["probability"] * rich.map(
        {True: 100.0, False: 10.0}
    )
    by_uptake = plan_by_uplift(project.con, plan, budget=60)
    by_revenue = plan_by_uplift(project.con, plan, budget=60, by_revenue=True)
    assert by_revenue.ranked_by == "extra_revenue"
    rows = by_revenue.rows
    assert rows["extra_revenue"].is_monotonic_decreasing
    worth = (rows["customer_id"].str[1:].astype(int) % 4 < 2).map(
        {True: 100.0, False: 10.0}
    )
    assert rows["extra_revenue"].to_numpy() == pytest.approx(
        (rows["extra_uptake"] * worth).to_numpy()
    )
    assert rows["extra_revenue"].sum() > by_uptake.rows["extra_revenue"].sum()
    curve = by_revenue.curve.set_index("list_size")["expected_gain"]
    assert curve.loc[60] == pytest.approx(rows["extra_revenue"].sum())
    chart = gain_curve_chart(by_revenue, 60)
    assert chart.y_label == "Extra revenue" and chart.markers == ((60.0, "Budget: 60"),)


def test_by_revenue_without_amounts_says_so(project) -> None:
    plan = one_push_each(pd.Timestamp("2024-05-01"))
    plan.rows["expected_revenue"] = float("nan")
    with pytest.raises(InputDataError, match="the orders have no amounts"):
        plan_by_uplift(project.con, plan, by_revenue=True)


def test_cli_saves_the_budget_list_as_a_campaign(project_path, capsys) -> None:
    create = ["campaign", "create", "--project", str(project_path), "--name", "May"]
    ranked = ["--rank-by", "extra-uptake", "--budget", "40", "--seed", "5"]
    assert main([*create, *ranked]) == 0
    said = capsys.readouterr().out
    assert "Ranked by extra-uptake: the 40 pushes kept are expected" in said
    assert "Left out of the list: " in said
    with Project.open(project_path) as opened:
        may = next(c for c in campaigns(opened.con) if c.name == "May")
        pushes = campaign_pushes(opened.con, may.campaign_id)
    assert len(pushes) == 40
    assert pushes["customer_id"].map(sleeper).mean() > 0.8
    assert main([*create, "--budget", "40"]) == 2


def test_a_ranking_no_better_than_random_is_said_to_be_a_guess(project) -> None:
    # The campaign here tells sleepers from regulars clearly: no warning.
    ranked = plan_by_uplift(project.con, one_push_each(pd.Timestamp("2024-05-01")))
    assert ranked.caution == ""
    assert uncertainty_note([0.40, 0.45, 0.50, 0.42, 0.47]) == ""
    # Folds straddling zero (the sample campaign, where nobody was pushed).
    said = uncertainty_note([-0.057, -0.087, 0.073, 0.007, 0.318])
    assert said.startswith("Your campaigns are too small to tell who buys")
    assert "(Qini 0.051, from -0.087 to 0.318 over 5 parts)" in said


def test_what_a_list_adds_is_said_in_words() -> None:
    pushes = pd.DataFrame({EXTRA: [0.6, 0.5], "extra_revenue": [10.0, 5.5]})
    assert extra_in_words(pushes) == "about 1 purchase (15.50 in revenue)"
    pushes[EXTRA] = [1.6, 1.5]
    assert extra_in_words(pushes) == "about 3 purchases (15.50 in revenue)"
