"""The push plan: which offerings to push to which customers, and why.

build_plan applies the business rules (PlanRules) to the ranker's scored
pairs, ranks what is left per customer and writes a reason per row; the
result is a PushPlan, which to_plan_csv writes as PLAN.csv. scored_pairs
turns a ranker's sparse scores into build_plan's input, and load_exclusions
reads opted-out customers and inactive offerings from a project.

Importing ml.plan (or ml.plan.rules) is light: PlanRules and the rule keys
come without pandas or scikit-learn, so the GUI can show the rules at once;
the other names load their modules when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ml.lazynames import lazy_names
from ml.plan.rules import RULES, PlanRules

if TYPE_CHECKING:
    from ml.plan.export import PLAN_COLUMNS, to_plan_csv
    from ml.plan.inputs import (
        Exclusions,
        load_exclusions,
        load_offering_names,
        scored_pairs,
    )
    from ml.plan.plan import build_plan
    from ml.plan.pushplan import PushPlan

# Name -> the module that defines it, imported on first use.
_HEAVY = {
    "PLAN_COLUMNS": "ml.plan.export",
    "to_plan_csv": "ml.plan.export",
    "Exclusions": "ml.plan.inputs",
    "load_exclusions": "ml.plan.inputs",
    "load_offering_names": "ml.plan.inputs",
    "scored_pairs": "ml.plan.inputs",
    "PushPlan": "ml.plan.pushplan",
    "build_plan": "ml.plan.plan",
}

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


__getattr__ = lazy_names(__name__, _HEAVY, globals())
