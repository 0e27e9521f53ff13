"""Write a push plan as PLAN.csv, safe to open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ml.plan.plan import PushPlan

PLAN_COLUMNS = [
    "customer_id",
    "offering_id",
    "rank",
    "score",
    "expected_revenue",
    "reason",
]
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as formulas, with a leading apostrophe."""
    text = values.astype("string")
    risky = text.str.startswith(_FORMULA_START).fillna(False)
    return text.where(~risky, "'" + text).astype(object)


def to_plan_csv(plan: PushPlan, path: str | Path) -> Path:
    """Write the plan as PLAN.csv with DESIGN.md's columns (PLAN_COLUMNS)."""
    frame = plan.rows[PLAN_COLUMNS].copy()
    for column in ("customer_id", "offering_id", "reason"):
        frame[column] = neutralise(frame[column])
    target = Path(path)
    frame.to_csv(target, index=False)
    return target
