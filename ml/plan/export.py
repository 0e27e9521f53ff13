"""Write a push plan as PLAN.csv, safe to open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from ml.plan.pushplan import PushPlan
from ml.safecells import write_safe_csv

PLAN_COLUMNS = [
    "customer_id",
    "offering_id",
    "rank",
    "score",
    "expected_revenue",
    "reason",
]


def to_plan_csv(plan: PushPlan, path: str | Path) -> Path:
    """Write the plan as PLAN.csv with DESIGN.md's columns (PLAN_COLUMNS),
    every text cell safe to open in a spreadsheet (ml.safecells)."""
    return write_safe_csv(plan.rows[PLAN_COLUMNS], path)
