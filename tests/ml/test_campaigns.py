"""Campaigns: a push plan frozen with a control group, the lists for the CRM,
and what the campaign did once later orders are imported."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.campaigns.control import control_customers
from ml.campaigns.create import create_campaign, write_campaign_lists
from ml.campaigns.report import write_campaign_report
from ml.campaigns.results import campaign_results, results_in_words
from ml.campaigns.store import campaign_pushes, campaigns
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.plan.pushplan import PushPlan
from ml.store.project import Project

START = pd.Timestamp("2024-03-01")
CUSTOMERS = 400


def plan_of(rng: np.random.Generator) -> PushPlan:
    """Two pushes for each customer, with chances spread from 2 % to 40 %."""
    rows = []
    for number in range(CUSTOMERS):
        customer = f"c{number:03d}"
        chance = 0.02 + 0.38 * number / CUSTOMERS
        for rank, offering in enumerate(rng.choice(list("ABCDE"), 2, replace=False)):
            rows.append(
                {
                    "customer_id": customer,
                    "offering_id": str(offering),
                    "rank": rank + 1,
                    "score": chance,
                    "probability": chance,
                    "expected_revenue": chance * 10,
                    "reason": "popular",
                }
            )
    columns = ["customer_id", "offering_id", "rule", "detail"]
    return PushPlan(
        rows=pd.DataFrame(rows),
        suppressed=pd.DataFrame(columns=columns),
        removed_by_rule={},
        as_of=START,
    )


def write_orders(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Customer ID", "Product", "Order Date", "Quantity", "Price"])
        writer.writerows([(c, o, d, "1", "10.00") for c, o, d in rows])
    return path


@pytest.fixture
def project(tmp_path: Path):
    """A project with a history before START (every customer bought once)."""
    history = [(f"c{n:03d}", "A", "2024-01-15") for n in range(CUSTOMERS)]
    with Project.create(tmp_path / "shop.pushwise") as opened:
        import_file(opened, write_orders(tmp_path / "history.csv", history))
        yield opened


def test_control_group_is_the_share_asked_alike_in_chance() -> None:
    plan = plan_of(np.random.default_rng(1))
    held = control_customers(plan.rows, 0.10, seed=5)
    assert len(held) == pytest.approx(CUSTOMERS * 0.10, abs=5)
    assert held.equals(control_customers(plan.rows, 0.10, seed=5))  # the seed
    chance = plan.rows.groupby("customer_id")["probability"].first()
    others = chance.drop(held)
    assert chance[held].mean() == pytest.approx(others.mean(), abs=0.02)


def test_a_campaign_is_frozen_with_its_control_group(project, tmp_path) -> None:
    plan = plan_of(np.random.default_rng(2))
    campaign = create_campaign(
        project, "March", plan, horizon_days=28, model_id="m1", seed=3
    )
    pushes = campaign_pushes(project.con, campaign.campaign_id)
    assert len(pushes) == len(plan.rows)
    held = set(pushes.loc[pushes["control"], "customer_id"])
    # Whole customers are held out, all their pushes with them.
    assert pushes[pushes["customer_id"].isin(held)]["control"].all()
    assert campaign.seed == 3 and campaign.control_share == 0.10
    # A later plan with other pushes changes nothing of it.
    create_campaign(
        project,
        "April",
        plan_of(np.random.default_rng(9)),
        horizon_days=28,
        model_id="m2",
    )
    assert campaign_pushes(project.con, campaign.campaign_id).equals(pushes)
    with pytest.raises(InputDataError, match="already has a campaign named 'March'"):
        create_campaign(project, "March", plan, horizon_days=28, model_id="m1")
    assert [c.name for c in campaigns(project.con)] == ["March", "April"]
    contacts, control = write_campaign_lists(project.con, campaign, tmp_path / "out")
    sent = pd.read_csv(contacts, dtype=str)
    assert not set(sent["customer_id"]) & held
    assert set(pd.read_csv(control, dtype=str)["customer_id"]) == held


def test_only_the_offerings_chosen_are_pushed(project) -> None:
    plan = plan_of(np.random.default_rng(2))
    campaign = create_campaign(
        project, "B only", plan, horizon_days=28, model_id=None, offerings=["B"]
    )
    assert set(campaign_pushes(project.con, campaign.campaign_id)["offering_id"]) == {
        "B"
    }
    with pytest.raises(InputDataError, match="no pushes of 'Z'"):
        create_campaign(
            project, "Z", plan, horizon_days=28, model_id=None, offerings=["Z"]
        )


def test_results_count_uptake_and_extra_customers(project, tmp_path) -> None:
    rng = np.random.default_rng(4)
    plan = plan_of(rng)
    promised = {"precision": 0.125, "hit_rate": 0.2, "taken_per_predicted": 0.8}
    campaign = create_campaign(
        project,
        "March",
        plan,
        horizon_days=28,
        model_id="m1",
        seed=8,
        promised=promised,
    )
    pushes = campaign_pushes(project.con, campaign.campaign_id)
    assert words_before(project) == [
        "No orders after 2024-03-01 are imported yet: import the orders since "
        "the campaign started to see what it did."
    ]
    # Contacted customers take their first push up more often than the control
    # group; one purchase after the horizon and one of an offering not pushed
    # must not count.
    firsts = pushes[pushes["rank"] == 1]
    bought = firsts[rng.random(len(firsts)) < np.where(firsts["control"], 0.1, 0.4)]
    days = rng.integers(0, 28, len(bought))
    rows = [
        (c, o, str((START + pd.Timedelta(days=int(d))).date()))
        for c, o, d in zip(
            bought["customer_id"], bought["offering_id"], days, strict=True
        )
    ]
    late = (firsts.iloc[0]["customer_id"], firsts.iloc[0]["offering_id"], "2024-03-29")
    import_file(
        project,
        write_orders(
            tmp_path / "after.csv", [*rows, late, ("c001", "Q", "2024-03-02")]
        ),
    )
    results = campaign_results(project.con, "March")
    table = results.predicted_vs_actual().set_index("group")
    sent = ~bought["control"]
    assert table.loc["contacted", "actual"] == int(sent.sum())
    assert table.loc["control", "actual"] == int((~sent).sum())
    assert table.loc["contacted", "predicted"] == pytest.approx(
        pushes.loc[~pushes["control"], "probability"].sum()
    )
    # The extra customers: difference in the share who bought, times contacted.
    contacted = pushes.loc[~pushes["control"], "customer_id"].nunique()
    held = pushes.loc[pushes["control"], "customer_id"].nunique()
    p1, p0 = sent.sum() / contacted, (~sent).sum() / held
    extra = results.extra_customers()
    assert extra is not None
    assert extra.value == pytest.approx((p1 - p0) * contacted)
    se = math.sqrt(p1 * (1 - p1) / contacted + p0 * (1 - p0) / held)
    assert extra.high - extra.value == pytest.approx(1.959964 * se * contacted)
    assert extra.low > 0  # 40 % against 10 %: clearly more
    weekly = results.weekly()
    assert weekly["actual"].iloc[-1] == int(sent.sum())
    words = " ".join(results_in_words(results))
    assert "more customers bought than would have without the push" in words
    written = write_campaign_report(results, tmp_path / "report")
    html = written[-1].read_text(encoding="utf-8")
    assert "Pushes taken up, week by week" in html and "<svg" in html


def words_before(project: Project) -> list[str]:
    return results_in_words(campaign_results(project.con, "March"))


def test_results_before_the_horizon_has_passed_are_so_far(project, tmp_path) -> None:
    plan = plan_of(np.random.default_rng(2))
    create_campaign(project, "March", plan, horizon_days=28, model_id=None, seed=1)
    first = plan.rows.iloc[0]
    early = [(first["customer_id"], first["offering_id"], "2024-03-10")]
    import_file(project, write_orders(tmp_path / "early.csv", early))
    results = campaign_results(project.con, "March")
    assert results.days_observed == 10 and not results.complete
    words = " ".join(results_in_words(results))
    assert "cover 10 of the campaign's 28 days: the figures are so far" in words
    weekly = results.weekly()
    assert weekly["actual"].isna().tolist() == [False, True, True, True]


def test_the_check_on_past_weeks_promise_is_its_plan_figures() -> None:
    from dataclasses import replace

    from ml.campaigns.create import backtest_promise
    from tests.ml.backtest_builders import small_report

    report = small_report()
    lists = report.list_metrics.replace({"method": {"Pushwise": "Pushwise plan"}})
    promised = backtest_promise(replace(report, list_metrics=lists))
    # Averaged over its two folds: 0.4 and 0.5.
    assert promised["precision"] == pytest.approx(0.45)
    assert promised["hit_rate"] == pytest.approx(0.45)
    uptake = report.uptake
    ratio = uptake["actual"].sum() / uptake["predicted"].sum()
    assert promised["taken_per_predicted"] == pytest.approx(ratio)
    # Without the plan's own figures, only what the uptake table tells.
    assert backtest_promise(report) == {"taken_per_predicted": pytest.approx(ratio)}
