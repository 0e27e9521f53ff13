"""Whether a return blocks an offering: learnt from the project's history."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.plan import PlanRules, build_plan
from ml.plan.returns import describe_returns, learn_returns
from ml.plan.rules import removed_in_words
from ml.plan.rulesfile import RulesFileError, rules_from_json
from tests.ml.builders import AS_OF, interactions

START = pd.Timestamp("2023-06-01")


def _history(buyers: int, *, rebuy_after_return: bool) -> Interactions:
    """Each buyer buys X, returns it a day later, and (or not) buys it again a
    week after that; every buyer also buys Y twice, a week apart."""
    purchases, returns = [], []
    for n in range(buyers):
        day = START + pd.Timedelta(days=n)
        purchases += [
            (f"c{n}", "X", f"{day:%Y-%m-%d}"),
            (f"c{n}", "Y", f"{day:%Y-%m-%d}"),
            (f"c{n}", "Y", f"{day + pd.Timedelta(days=7):%Y-%m-%d}"),
        ]
        returns.append((f"c{n}", "X", f"{day + pd.Timedelta(days=1):%Y-%m-%d}"))
        if rebuy_after_return:
            purchases.append((f"c{n}", "X", f"{day + pd.Timedelta(days=8):%Y-%m-%d}"))
    return interactions(purchases, returns)


def _scored(data: Interactions) -> pd.DataFrame:
    """Every buyer scored for X (the offering they returned)."""
    customers = data.purchases["customer_id"].unique()
    return pd.DataFrame(
        {"customer_id": customers, "offering_id": "X", "probability": 0.5}
    )


def test_returners_who_rebuy_are_pushed_what_they_returned() -> None:
    """Where customers buy again what they returned, a return is no sign of
    dislike: the default rules push it; the user can still block returns."""
    data = _history(30, rebuy_after_return=True)
    evidence = learn_returns(data, AS_OF)
    assert evidence.returns == 30
    assert evidence.after_return == 1.0
    assert not evidence.blocks
    assert "does not block" in evidence.sentence
    plan = build_plan(_scored(data), data, AS_OF)
    assert plan.removed_by_rule["negative_feedback"] == 0
    assert plan.returns == evidence
    blocked = build_plan(
        _scored(data), data, AS_OF, rules=PlanRules(block_returns=True)
    )
    assert blocked.removed_by_rule["negative_feedback"] == 30
    assert "returned it on 2023-06-02" in blocked.why_not("c0", "X")
    # No feedback in this history: the count is named for the returns too.
    assert blocked.returns_blocked and not plan.returns_blocked
    said = removed_in_words(blocked.removed_by_rule, returns_block=True)
    assert "bad feedback or a return 30" in said
    assert "negative_feedback" not in said and "opted out of contact 0" in said
    assert "bad feedback 0" in removed_in_words(
        plan.removed_by_rule, returns_block=plan.returns_blocked
    )


def test_returners_who_never_rebuy_are_not_pushed_it() -> None:
    data = _history(30, rebuy_after_return=False)
    evidence = learn_returns(data, AS_OF)
    assert evidence.after_return == 0.0
    assert evidence.after_purchase > 0.0  # Y is bought again a week later
    assert evidence.blocks
    assert "rarely buy again what they returned" in evidence.sentence
    plan = build_plan(_scored(data), data, AS_OF)
    assert plan.removed_by_rule["negative_feedback"] == 30
    allowed = build_plan(
        _scored(data), data, AS_OF, rules=PlanRules(block_returns=False)
    )
    assert allowed.removed_by_rule["negative_feedback"] == 0


def test_few_returns_block_as_a_precaution() -> None:
    data = _history(5, rebuy_after_return=True)
    evidence = learn_returns(data, AS_OF)
    assert evidence.blocks
    assert "too few returns" in evidence.sentence
    assert (
        build_plan(_scored(data), data, AS_OF).removed_by_rule["negative_feedback"] == 5
    )


def test_only_returns_with_a_whole_rebuy_window_count() -> None:
    """A return less than four weeks before the as-of date cannot show yet
    whether the customer buys again, so it is not counted."""
    data = _history(30, rebuy_after_return=False)
    # Returned on 2023-06-02 .. 07-01; as of 07-16, the days before it show
    # what came of the returns up to 06-17 only.
    assert learn_returns(data, pd.Timestamp("2023-07-16")).returns == 16
    assert learn_returns(data, START + pd.Timedelta(days=29)).returns == 0


def test_the_choice_is_described_in_plain_words() -> None:
    data = _history(30, rebuy_after_return=True)
    evidence = learn_returns(data, AS_OF)
    assert describe_returns(PlanRules(), evidence).startswith(
        "Returns: decided from your data. Your customers buy again"
    )
    assert "set by you" in describe_returns(PlanRules(block_returns=True), evidence)


def test_rules_file_takes_a_switch_or_null_for_block_returns() -> None:
    assert (
        rules_from_json('{"block_returns": false}', source="r.json").block_returns
        is False
    )
    assert (
        rules_from_json('{"block_returns": null}', source="r.json").block_returns
        is None
    )
    with pytest.raises(RulesFileError, match=r"block_returns.*true or false or null"):
        rules_from_json('{"block_returns": "yes"}', source="r.json")


def test_online_retail_returns_do_not_block(online_retail: Interactions) -> None:
    """On the real wholesale history customers rebuy what they returned more
    often than what they kept (order corrections), so returns do not block."""
    evidence = learn_returns(online_retail, pd.Timestamp("2011-11-11"))
    assert evidence.returns > 1_000
    assert evidence.after_return > evidence.after_purchase
    assert not evidence.blocks
