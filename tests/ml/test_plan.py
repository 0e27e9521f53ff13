"""The push plan: business rules, ranks, reasons, revenue, gains and why-not."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.features import pair_features
from ml.plan import RULES, PlanRules, PushPlan, build_plan
from ml.plan import plan as plan_module
from tests.ml.builders import AS_OF, interactions

PURCHASES = [
    ("c1", "A", "2023-12-02", "o1"),
    ("c1", "A", "2024-01-01", "o2"),
    ("c1", "A", "2024-01-31", "o3"),
    ("c2", "A", "2023-10-01", "o4"),
    ("c2", "B", "2023-10-01", "o4"),
    ("c2", "C", "2024-02-28", "o5"),
    ("c3", "A", "2023-10-05", "o6"),
    ("c3", "B", "2023-10-05", "o6"),
    ("c4", "A", "2023-10-07", "o7"),
    ("c5", "A", "2023-11-01", "o8"),
]
AMOUNTS = [10.0, 20.0, 60.0, 5.0, 4.0, 3.0, 5.0, 8.0, 5.0, 5.0]
RETURNS = [("c2", "B", "2024-01-15")]
FEEDBACK = [
    ("c3", "D", "2024-02-01", None, "complaint"),
    ("c4", "E", "2023-06-01", 0.0, "review"),
    ("c4", "F", "2022-06-01", 0.0, "review"),  # older than a year: no block
]
SCORED = [
    ("c1", "A", 0.9),  # pushed, due again
    ("c1", "B", 0.5),  # pushed, co-purchase
    ("c1", "H", 0.3),  # pushed, nobody bought H yet
    ("c1", "E", 0.2),  # 4th for c1: over the cap of 3
    ("c2", "C", 0.8),  # bought 2 days ago
    ("c2", "B", 0.7),  # returned it
    ("c2", "A", 0.6),  # pushed
    ("c3", "D", 0.9),  # complained about it
    ("c3", "A", 0.01),  # below min probability
    ("c4", "E", 0.5),  # rated it 1/5
    ("c4", "F", 0.5),  # rated it 0/5, but long ago: pushed
    ("c4", "G", 0.4),  # inactive offering
    ("c5", "A", 0.9),  # opted out
]
RULES_USED = PlanRules(max_per_customer=3, min_probability=0.05)


def _data() -> Interactions:
    data = interactions(PURCHASES, RETURNS, FEEDBACK)
    purchases = data.purchases.assign(amount=AMOUNTS)
    return Interactions(purchases, data.returns, data.feedback)


def _scored(rows: list[tuple[str, str, float]] = SCORED) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "offering_id", "probability"])


def _plan(**kwargs: Any) -> PushPlan:
    options: dict[str, Any] = {
        "rules": RULES_USED,
        "opted_out": ["c5"],
        "inactive": ["G"],
    }
    options.update(kwargs)
    return build_plan(_scored(), _data(), AS_OF, **options)


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame.customer_id, frame.offering_id, strict=True))


def test_each_rule_removes_exactly_its_candidates_and_is_counted() -> None:
    plan = _plan()
    by_rule = {
        rule: _pairs(plan.suppressed[plan.suppressed.rule == rule]) for rule in RULES
    }
    assert by_rule == {
        "opted_out": {("c5", "A")},
        "inactive_offering": {("c4", "G")},
        "service_line": set(),
        "recent_purchase": {("c2", "C")},
        "negative_feedback": {("c2", "B"), ("c3", "D"), ("c4", "E")},
        "min_probability": {("c3", "A")},
        "per_customer_cap": {("c1", "E")},
    }
    assert plan.removed_by_rule == {rule: len(pairs) for rule, pairs in by_rule.items()}
    assert _pairs(plan.rows) == {
        ("c1", "A"),
        ("c1", "B"),
        ("c1", "H"),
        ("c2", "A"),
        ("c4", "F"),
    }
    assert len(plan.rows) + len(plan.suppressed) == len(SCORED)


def test_complained_offering_is_never_pushed_and_why_not_says_so() -> None:
    plan = _plan()
    assert ("c3", "D") not in _pairs(plan.rows)
    why = plan.why_not("c3", "D")
    assert "complained about it on 2024-02-01" in why
    assert "negative_feedback" in why
    assert "returned it on 2024-01-15" in plan.why_not("c2", "B")
    assert "rated it 1/5 on 2023-06-01" in plan.why_not("c4", "E")
    assert "bought it 2 days ago" in plan.why_not("c2", "C")
    assert "per_customer_cap" in plan.why_not("c1", "E")
    assert "scored too low" in plan.why_not("c3", "A")
    assert "not among the candidates" in plan.why_not("c1", "Z")
    assert plan.why_not("c1", "A") == "It is pushed, at rank 1."


def test_first_rule_wins_when_several_apply() -> None:
    """An opted-out customer who also complained is listed once, as opted out."""
    scored = _scored([("c3", "D", 0.9), ("c3", "B", 0.4)])
    plan = build_plan(scored, _data(), AS_OF, opted_out={"c3"})
    assert set(plan.suppressed.rule) == {"opted_out"}
    assert len(plan.suppressed) == 2
    assert plan.removed_by_rule["negative_feedback"] == 0


def test_opted_out_customers_never_appear() -> None:
    plan = _plan(opted_out=["c1", "c5"])
    assert not {"c1", "c5"} & set(plan.rows.customer_id)
    assert plan.removed_by_rule["opted_out"] == 5


def test_service_lines_are_never_pushed_and_the_user_is_told_why() -> None:
    everything = _plan()
    offered = set(everything.rows.offering_id)
    service = sorted(offered)[0]
    plan = _plan(services=[service])
    assert service not in set(plan.rows.offering_id)
    removed = everything.rows[everything.rows.offering_id == service]
    assert plan.removed_by_rule["service_line"] >= len(removed) > 0
    customer = removed.customer_id.iloc[0]
    assert "service line" in plan.why_not(customer, service)


def test_cap_and_ranks_per_customer() -> None:
    plan = _plan()
    c1 = plan.for_customer("c1")
    assert list(c1.offering_id) == ["A", "B", "H"]
    assert list(c1["rank"]) == [1, 2, 3]
    assert plan.rows.groupby("customer_id").size().max() <= 3
    assert list(plan.for_customer("c2")["rank"]) == [1]
    wider = _plan(rules=PlanRules(max_per_customer=10))
    assert list(wider.for_customer("c1").offering_id) == ["A", "B", "H", "E"]


def test_reasons_for_due_and_copurchase() -> None:
    plan = _plan()
    c1 = plan.for_customer("c1").set_index("offering_id")
    assert c1.loc["A", "reason"] == "buys about every 30 days, last 30 days ago"
    # A's buyers: c1..c5; c2 and c3 also bought B.
    assert c1.loc["B", "reason"] == "bought A; 40% of its buyers also take B"
    assert c1.loc["H", "reason"] == "the model gives it a 30% chance"


def test_reasons_name_the_offerings_when_names_are_known() -> None:
    names = pd.Series({"A": "Red mug", "B": "Saucer"})
    c1 = _plan(names=names).for_customer("c1").set_index("offering_id")
    assert c1.loc["B", "reason"] == "bought Red mug; 40% of its buyers also take Saucer"


def test_reasons_keep_the_ids_when_no_offering_has_a_name() -> None:
    # A project without product names: the names lookup is empty (and numeric).
    names = pd.Series(dtype="float64")
    c1 = _plan(names=names).for_customer("c1").set_index("offering_id")
    assert c1.loc["B", "reason"] == "bought A; 40% of its buyers also take B"


def test_expected_revenue_uses_own_spend_else_offering_median() -> None:
    plan = _plan()
    c1 = plan.for_customer("c1").set_index("offering_id")
    assert c1.loc["A", "expected_revenue"] == pytest.approx(0.9 * 20.0)  # c1's median
    assert c1.loc["B", "expected_revenue"] == pytest.approx(0.5 * 6.0)  # B's median
    assert pd.isna(c1.loc["H", "expected_revenue"])  # never sold


def test_for_offering_and_gains_curve() -> None:
    plan = _plan()
    assert list(plan.for_offering("A").customer_id) == ["c1", "c2"]
    gains = plan.gains_curve("A")
    assert list(gains.list_size) == [1, 2]
    assert list(gains.expected_uptake) == pytest.approx([0.9, 1.5])
    assert gains.expected_uptake.is_monotonic_increasing
    assert plan.gains_curve("nobody").empty


def test_poor_ratings_push_less_and_liked_categories_more() -> None:
    raters = [(f"r{i}", "P", "2024-01-10", 0.25, "review") for i in range(5)]
    liked = [("c6", "A", "2024-01-10", 1.0, "review")]
    data = interactions(PURCHASES, (), raters + liked)
    scored = _scored([("c6", "P", 0.5), ("c6", "K", 0.5), ("c6", "Q", 0.45)])
    categories = pd.Series({"A": "garden", "K": "garden", "P": "x", "Q": "y"})
    plan = build_plan(scored, data, AS_OF, categories=categories)
    rows = plan.for_customer("c6").set_index("offering_id")
    assert rows.loc["K", "score"] == pytest.approx(0.6)
    assert rows.loc["P", "score"] == pytest.approx(0.25)
    assert rows.loc["Q", "score"] == pytest.approx(0.45)
    assert list(plan.for_customer("c6").offering_id) == ["K", "Q", "P"]
    assert rows.loc["K", "reason"] == "rated this category 5/5 on average"
    assert "pushed less: rated 2/5" in rows.loc["P", "reason"]
    assert rows.loc["P", "probability"] == 0.5


def test_precomputed_features_give_the_same_plan() -> None:
    data = _data()
    features = pair_features(data, AS_OF, _scored()[["customer_id", "offering_id"]])
    given = _plan(features=features)
    pd.testing.assert_frame_equal(given.rows, _plan().rows)


def test_copurchase_reasons_are_looked_up_for_the_pushed_pairs_only(
    monkeypatch,
) -> None:
    # The look-up costs a read per past offering of the customer: on a large
    # history, doing it for every candidate would cost more than the plan.
    asked: list[int] = []
    real = plan_module.cooccurrence_features

    def counted(data, as_of, pairs, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(len(pairs))
        return real(data, as_of, pairs, **kwargs)

    monkeypatch.setattr(plan_module, "cooccurrence_features", counted)
    plan = _plan()
    # c1's A is explained by c1's own rhythm ("buys about every 30 days").
    assert asked == [len(plan.rows) - 1]
    assert len(plan.rows) < len(SCORED)
    c1 = plan.for_customer("c1").set_index("offering_id")
    assert c1.loc["B", "reason"] == "bought A; 40% of its buyers also take B"
    without = pair_features(
        _data(),
        AS_OF,
        _scored()[["customer_id", "offering_id"]],
        with_cooccurrence=False,
    )
    pd.testing.assert_frame_equal(_plan(features=without).rows, plan.rows)


def test_rules_and_scored_are_validated() -> None:
    with pytest.raises(ValueError, match="max_per_customer"):
        PlanRules(max_per_customer=0)
    with pytest.raises(ValueError, match="min_probability"):
        PlanRules(min_probability=1.5)
    with pytest.raises(ValueError, match="twice"):
        build_plan(_scored([("c1", "A", 0.2), ("c1", "A", 0.3)]), _data(), AS_OF)
    with pytest.raises(ValueError, match="between 0 and 1"):
        build_plan(_scored([("c1", "A", float("nan"))]), _data(), AS_OF)


def test_a_plan_sent_to_the_window_answers_why_not_the_same_in_less_memory() -> None:
    plan = _plan()
    # Many removed candidates repeating a few ids and details, as a grocery's.
    many = pd.concat([plan.suppressed] * 2_000, ignore_index=True)
    plan = dataclasses.replace(plan, suppressed=many)
    back = pickle.loads(pickle.dumps(plan))
    for customer, offering in [("c3", "D"), ("c2", "B"), ("c1", "A"), ("c1", "Z")]:
        assert back.why_not(customer, offering) == plan.why_not(customer, offering)
    size = many.memory_usage(deep=True).sum()
    assert back.suppressed.memory_usage(deep=True).sum() < size / 5
    assert back.removed_by_rule == plan.removed_by_rule
