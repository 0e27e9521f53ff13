"""PushPlan: a push plan as build_plan makes it (ml.plan.plan), light to
import: the window unpickles plans from a worker process without loading the
plan's features or scipy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ml.columns import Columns
from ml.plan.holdback import RepurchaseIntervals
from ml.plan.returns import ReturnEvidence, returns_block
from ml.plan.rules import (
    CAP,
    FEEDBACK,
    INACTIVE,
    MIN_PROBABILITY,
    OPTED_OUT,
    RECENT,
    SERVICE,
    PlanRules,
)

C = Columns
_LABELS = {
    OPTED_OUT: "the customer opted out of contact",
    INACTIVE: "the offering is inactive",
    SERVICE: "a service line, not an offering",
    RECENT: "bought recently, not due again yet",
    FEEDBACK: "negative feedback",
    MIN_PROBABILITY: "scored too low",
    CAP: "over the per-customer cap",
}


@dataclass(frozen=True, slots=True)
class PushPlan:
    """A push plan: the rows to push and every candidate that was not pushed.

    rows: customer_id, offering_id, rank (1 = push first, per customer),
        score (probability after rating nudges), probability, expected_revenue,
        reason; sorted by customer then rank.
    suppressed: customer_id, offering_id, rule, detail: one row per removed
        candidate, with the first rule that removed it.
    removed_by_rule: rule -> candidates it removed (every rule of RULES).
    intervals: the repurchase intervals learnt for the hold-back rule, or
        given to build_plan (None when the rule was a fixed number of days
        and none were given).
    returns: what the history says about returns, learnt for the return
        rule or given to build_plan (None when the rules said whether
        returns block and none was given).
    """

    rows: pd.DataFrame
    suppressed: pd.DataFrame
    removed_by_rule: Mapping[str, int]
    as_of: pd.Timestamp
    rules: PlanRules = field(default_factory=PlanRules)
    intervals: RepurchaseIntervals | None = None
    returns: ReturnEvidence | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its counts as a plain dict and the removed candidates'
        texts as categories (a worker process sends plans to the window: a
        grocery's hundreds of thousands of removed candidates repeat a few
        thousand ids and a few hundred details), read back read-only."""
        values = [getattr(self, f.name) for f in fields(self)]
        values[1] = self.suppressed.astype("category")
        values[2] = dict(self.removed_by_rule)
        return (_push_plan, tuple(values))

    @property
    def returns_blocked(self) -> bool:
        """Whether a return blocked offerings in this plan (then the
        negative_feedback count includes the returns)."""
        if self.rules.block_returns is None and self.returns is None:
            return False
        return returns_block(self.rules, self.returns)

    def for_customer(self, customer_id: str) -> pd.DataFrame:
        """The customer's rows, rank 1 first."""
        mine = self.rows[self.rows[C.CUSTOMER] == customer_id]
        return mine.sort_values("rank", kind="stable").reset_index(drop=True)

    def for_offering(self, offering_id: str) -> pd.DataFrame:
        """The customers to push the offering to, best score first."""
        mine = self.rows[self.rows[C.OFFERING] == offering_id]
        ordered = mine.sort_values(
            ["score", "probability", C.CUSTOMER],
            ascending=[False, False, True],
            kind="stable",
        )
        return ordered.reset_index(drop=True)

    def gains_curve(self, offering_id: str) -> pd.DataFrame:
        """Expected uptake at each list size, pushing to the best customers first."""
        ordered = self.for_offering(offering_id)
        return pd.DataFrame(
            {
                "list_size": np.arange(1, len(ordered) + 1, dtype=np.int64),
                "expected_uptake": ordered["probability"].cumsum().to_numpy(),
            }
        )

    def why_not(self, customer_id: str, offering_id: str) -> str:
        """Why an offering is not pushed to a customer (or that it is)."""
        pushed = self.rows[
            (self.rows[C.CUSTOMER] == customer_id)
            & (self.rows[C.OFFERING] == offering_id)
        ]
        if len(pushed):
            return f"It is pushed, at rank {int(pushed['rank'].iloc[0])}."
        gone = self.suppressed[
            (self.suppressed[C.CUSTOMER] == customer_id)
            & (self.suppressed[C.OFFERING] == offering_id)
        ]
        if len(gone):
            rule = str(gone["rule"].iloc[0])
            return f"Not pushed, {_LABELS[rule]} ({rule}): {gone['detail'].iloc[0]}."
        return (
            "Not pushed: it was not among the candidates the model scored for "
            "this customer."
        )


def _push_plan(
    rows: pd.DataFrame,
    suppressed: pd.DataFrame,
    removed_by_rule: Mapping[str, int],
    *rest: Any,
) -> PushPlan:
    """A pickled PushPlan back (see PushPlan.__reduce__)."""
    return PushPlan(rows, suppressed, MappingProxyType(dict(removed_by_rule)), *rest)
