"""The hold-back rule: not before it is due, with intervals learnt from the data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.plan import PlanRules, build_plan
from ml.plan.holdback import describe_hold_back, learn_intervals
from tests.ml.builders import AS_OF, interactions


def _ago(days: float) -> str:
    """A purchase time this many days before AS_OF, as text."""
    return str(AS_OF - pd.Timedelta(days=days))


def _scored(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "offering_id", "probability"])


def _shop() -> Interactions:
    """Milk weekly (c1), coffee monthly (c2, c3), a teapot nobody rebuys (c1,
    c5) and coffee bought once (c4); purchases at 10:00, as in real shops."""
    rows = [("c1", "MILK", _ago(d - 10 / 24)) for d in (35, 28, 21, 14, 7)]
    rows += [("c2", "COFFEE", _ago(d)) for d in (100, 70, 40, 10)]
    rows += [("c3", "COFFEE", _ago(d)) for d in (80, 50, 20)]
    rows += [("c1", "TEAPOT", _ago(7 - 10 / 24)), ("c5", "TEAPOT", _ago(200))]
    rows += [("c4", "COFFEE", _ago(10))]
    return interactions(rows)


def test_weekly_staple_bought_a_week_ago_is_pushed() -> None:
    """Bought at 10:00 seven days ago (6.6 days before as_of) on a 7-day
    rhythm: due, so pushed (the old 7-day rule held it back)."""
    scored = _scored(("c1", "MILK", 0.6))
    for rules in (PlanRules(), PlanRules(due_share=0.5)):
        plan = build_plan(scored, _shop(), AS_OF, rules=rules)
        assert list(plan.rows.offering_id) == ["MILK"], rules
    old = build_plan(scored, _shop(), AS_OF, rules=PlanRules(recent_purchase_days=7))
    assert old.rows.empty


def test_teapot_nobody_rebuys_is_held_back_for_the_learnt_window() -> None:
    plan = build_plan(_scored(("c1", "TEAPOT", 0.6)), _shop(), AS_OF)
    assert plan.rows.empty
    assert plan.removed_by_rule["recent_purchase"] == 1
    # The repeat pairs' own intervals are 7, 30 and 30 days: median 30.
    assert plan.intervals is not None and plan.intervals.default_days == 30
    assert plan.why_not("c1", "TEAPOT").endswith(
        "bought it 6 days ago; nobody rebuys it, so it is held back for 30 days "
        "after a purchase."
    )
    later = build_plan(_scored(("c5", "TEAPOT", 0.6)), _shop(), AS_OF)
    assert list(later.rows.offering_id) == ["TEAPOT"]  # 200 days ago


def test_due_share_holds_back_inside_the_customers_own_interval() -> None:
    scored = _scored(("c2", "COFFEE", 0.5), ("c3", "COFFEE", 0.5))
    plan = build_plan(scored, _shop(), AS_OF, rules=PlanRules(due_share=0.5))
    # c2 bought it 10 days ago every 30 days: held until day 15; c3 20 days ago.
    assert list(plan.rows.customer_id) == ["c3"]
    assert plan.why_not("c2", "COFFEE").endswith(
        "bought it 10 days ago; due again after 15 days (50% of their usual 30 days)."
    )
    default = build_plan(scored, _shop(), AS_OF)
    assert set(default.rows.customer_id) == {"c2", "c3"}


def test_bought_once_waits_for_the_offerings_typical_interval() -> None:
    scored = _scored(("c4", "COFFEE", 0.5))
    held = build_plan(scored, _shop(), AS_OF, rules=PlanRules(due_share=0.5))
    assert held.rows.empty
    assert "(50% of the 30 days its buyers usually take to rebuy it)" in (
        held.why_not("c4", "COFFEE")
    )
    assert len(build_plan(scored, _shop(), AS_OF, rules=PlanRules(due_share=0.25)).rows)


def test_fixed_days_replace_the_due_rule_and_learn_nothing() -> None:
    scored = _scored(("c1", "TEAPOT", 0.6), ("c2", "COFFEE", 0.5))
    plan = build_plan(scored, _shop(), AS_OF, rules=PlanRules(recent_purchase_days=5))
    assert set(plan.rows.offering_id) == {"TEAPOT", "COFFEE"}
    assert plan.intervals is None
    off = PlanRules(recent_purchase_days=0)
    assert describe_hold_back(off, None).startswith("Hold-back: off")
    assert "within 5 days" in describe_hold_back(plan.rules, None)


def test_rules_reject_a_bad_share_or_days() -> None:
    with pytest.raises(ValueError, match="due_share"):
        PlanRules(due_share=1.5)
    with pytest.raises(ValueError, match="recent_purchase_days"):
        PlanRules(recent_purchase_days=-1)
    with pytest.raises(ValueError, match="recent_purchase_days"):
        PlanRules(recent_purchase_days=True)


def test_learnt_intervals_and_their_sentence() -> None:
    learnt = learn_intervals(_shop(), AS_OF)
    assert learnt.by_offering.to_dict() == {"COFFEE": 30.0, "MILK": 7.0}
    assert (learnt.pairs, learnt.repeat_pairs) == (6, 3)
    assert (learnt.low_days, learnt.median_days, learnt.high_days) == (18.5, 30, 30)
    assert learnt.sentence == (
        "Your customers rebuy most things every 3–4 weeks; offerings nobody "
        "rebuys are held back for 30 days after a purchase."
    )
    text = describe_hold_back(PlanRules(), learnt)
    assert text.startswith("Hold-back: until due (0% of the usual interval)")
    assert text.endswith(learnt.sentence)
    assert "before 50% of the customer's usual" in describe_hold_back(
        PlanRules(due_share=0.5), learnt
    )


def test_sentence_when_most_purchases_are_not_repeated() -> None:
    rows = [("c1", "MILK", _ago(d)) for d in (21, 14, 7)]
    rows += [(f"o{i}", f"GIFT{i}", _ago(3)) for i in range(3)]
    learnt = learn_intervals(interactions(rows), AS_OF)
    assert learnt.sentence == (
        "Most purchases are not repeated (75% of what customers bought, they "
        "bought only once); what they rebuy, they rebuy every 7 days, and "
        "offerings nobody rebuys are held back for 7 days after a purchase."
    )
    assert learnt.repeat_share == 0.25


def test_nobody_ever_rebought_holds_back_for_the_history_seen() -> None:
    rows = [("c1", "A", "2024-01-31"), ("c2", "B", "2024-02-20")]
    learnt = learn_intervals(interactions(rows), AS_OF)
    assert learnt.repeat_pairs == 0 and learnt.default_days == 30
    assert learnt.sentence == (
        "No customer bought the same offering on two different days in the 30 "
        "days of history, so what a customer bought is held back for 30 days "
        "after a purchase."
    )
    scored = _scored(("c1", "A", 0.5), ("c2", "A", 0.5))
    plan = build_plan(scored, interactions(rows), AS_OF)
    assert set(plan.rows.customer_id) == {"c1", "c2"}  # 30 days ago: not held
    assert math.isnan(learnt.median_days)


def test_intervals_see_only_the_past_and_same_day_counts_once() -> None:
    rows = [("c1", "A", "2024-02-01 09:00"), ("c1", "A", "2024-02-01 17:00")]
    rows += [("c1", "A", "2024-02-05"), ("c1", "A", "2024-03-01")]
    learnt = learn_intervals(interactions(rows), AS_OF)
    assert learnt.by_offering.to_dict() == {"A": 4.0}
    assert (learnt.pairs, learnt.repeat_pairs) == (1, 1)


def test_learnt_intervals_match_a_per_pair_reference() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    days = rng.integers(0, 120, n)
    rows = list(
        zip(
            [f"c{i}" for i in rng.integers(0, 60, n)],
            [f"o{i}" for i in rng.integers(0, 25, n)],
            [str(AS_OF - pd.Timedelta(days=int(d) + 1)) for d in days],
            strict=True,
        )
    )
    learnt = learn_intervals(interactions(rows), AS_OF)
    frame = pd.DataFrame(rows, columns=["c", "o", "at"])
    frame["day"] = pd.to_datetime(frame["at"]).dt.normalize()
    frame = frame.drop_duplicates(["c", "o", "day"]).sort_values(["c", "o", "day"])
    frame["gap"] = frame.groupby(["c", "o"])["day"].diff().dt.days
    own = frame.dropna(subset=["gap"]).groupby(["c", "o"])["gap"].median()
    expected = own.groupby(level="o").median()
    pd.testing.assert_series_equal(
        learnt.by_offering.sort_index(),
        expected.rename(None).rename_axis("offering_id").astype("float64"),
    )
    assert learnt.repeat_pairs == len(own)
    assert learnt.median_days == own.median()
