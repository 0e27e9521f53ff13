"""The push plan: which offerings to push to which customers, and why.

build_plan applies the business rules (PlanRules) to the ranker's scored
pairs, ranks what is left per customer and writes a reason per row; the
result is a PushPlan, which to_plan_csv writes as PLAN.csv. scored_pairs
turns a ranker's sparse scores into build_plan's input, and load_exclusions
reads opted-out customers and inactive offerings from a project.
"""

from __future__ import annotations

from ml.plan.export import PLAN_COLUMNS, to_plan_csv
from ml.plan.inputs import (
    Exclusions,
    load_exclusions,
    load_offering_names,
    scored_pairs,
)
from ml.plan.plan import PushPlan, build_plan
from ml.plan.rules import RULES, PlanRules

__all__ = [
    "PLAN_COLUMNS",
    "RULES",
    "Exclusions",
    "PlanRules",
    "PushPlan",
    "build_plan",
    "load_exclusions",
    "load_offering_names",
    "scored_pairs",
    "to_plan_csv",
]
