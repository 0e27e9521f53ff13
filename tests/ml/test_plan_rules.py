"""Push plan rules at their edges: window boundaries, switches, popularity."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.plan import PlanRules, build_plan
from tests.ml.builders import AS_OF, interactions


def _scored(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "offering_id", "probability"])


def test_fixed_recent_purchase_window_edge() -> None:
    """The old fixed rule: bought exactly 7 days before as_of is pushable
    again; 6 days is not."""
    data = interactions([("c1", "A", "2024-02-23"), ("c1", "B", "2024-02-24")])
    plan = build_plan(
        _scored(("c1", "A", 0.5), ("c1", "B", 0.5)),
        data,
        AS_OF,
        rules=PlanRules(recent_purchase_days=7),
    )
    assert list(plan.rows.offering_id) == ["A"]
    assert plan.why_not("c1", "B").endswith(
        "bought it 6 days ago (not pushed within 7 days)."
    )
    off = build_plan(
        _scored(("c1", "B", 0.5)), data, AS_OF, rules=PlanRules(recent_purchase_days=0)
    )
    assert list(off.rows.offering_id) == ["B"]


def test_feedback_block_window_edge() -> None:
    """A complaint exactly 365 days before as_of still blocks; one day older not."""
    feedback = [
        ("c1", "A", "2023-03-02", None, "complaint"),  # as_of - 365 days (leap year)
        ("c1", "B", "2023-03-01", None, "complaint"),
        ("c1", "C", "2024-02-29", 0.5, "review"),  # a middling rating: no block
        ("c1", "D", "2024-03-01", 0.0, "review"),  # at as_of: not yet known
    ]
    data = interactions([("c9", "Z", "2023-01-01")], (), feedback)
    scored = _scored(*[("c1", o, 0.5) for o in "ABCD"])
    plan = build_plan(scored, data, AS_OF)
    assert set(plan.rows.offering_id) == {"B", "C", "D"}
    assert plan.removed_by_rule["negative_feedback"] == 1
    short = build_plan(scored, data, AS_OF, rules=PlanRules(feedback_block_days=30))
    assert short.removed_by_rule["negative_feedback"] == 0


def test_inactive_switch_and_min_probability_edge() -> None:
    data = interactions([("c9", "Z", "2023-01-01")])
    scored = _scored(("c1", "A", 0.2), ("c1", "B", 0.19))
    plan = build_plan(
        scored, data, AS_OF, rules=PlanRules(min_probability=0.2), inactive=["X"]
    )
    assert list(plan.rows.offering_id) == ["A"]
    assert "below the minimum 0.2" in plan.why_not("c1", "B")
    kept = build_plan(
        scored, data, AS_OF, rules=PlanRules(skip_inactive=False), inactive=["A"]
    )
    assert set(kept.rows.offering_id) == {"A", "B"}


def test_popular_reason_counts_recent_buyers() -> None:
    purchases = [(f"b{i}", "P", "2024-02-10") for i in range(3)]
    purchases.append(("b9", "P", "2023-12-01"))  # outside the last 4 weeks
    data = interactions(purchases)
    plan = build_plan(_scored(("c1", "P", 0.3)), data, AS_OF)
    assert plan.rows.reason.tolist() == [
        "popular: 3 customers bought it in the last 4 weeks"
    ]


def test_features_must_be_pair_features() -> None:
    data = interactions([("c9", "Z", "2023-01-01")])
    scored = _scored(("c1", "A", 0.2))
    with pytest.raises(ValueError, match="pair_features"):
        build_plan(scored, data, AS_OF, features=scored)


def test_no_candidates_give_an_empty_plan_with_zero_counts() -> None:
    data = interactions([("c1", "A", "2024-01-01")])
    plan = build_plan(_scored(), data, AS_OF)
    assert plan.rows.empty and plan.suppressed.empty
    assert set(plan.removed_by_rule.values()) == {0}
    assert plan.gains_curve("A").empty


def test_equal_probabilities_follow_the_models_own_order() -> None:
    """Calibration gives many pairs the same probability: the plan then keeps
    the ranker's order (its score), not the alphabet; pairs without a model
    score (cold start) come after those with one."""
    data = interactions([("c9", "Z", "2023-01-01")])
    scored = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c1"],
            "offering_id": ["A", "B", "C"],
            "probability": [0.2, 0.2, 0.2],
            "score": [0.2001, 0.2003, None],
        }
    )
    plan = build_plan(scored, data, AS_OF)
    assert list(plan.rows.offering_id) == ["B", "A", "C"]
    alphabetical = build_plan(scored.drop(columns="score"), data, AS_OF)
    assert list(alphabetical.rows.offering_id) == ["A", "B", "C"]
