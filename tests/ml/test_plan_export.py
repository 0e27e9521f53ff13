"""PLAN.csv: DESIGN.md's columns, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ml.plan import PLAN_COLUMNS, build_plan, to_plan_csv
from tests.ml.builders import AS_OF, interactions


def test_plan_csv_has_design_columns_and_neutralises_formulas(tmp_path: Path) -> None:
    data = interactions([("=1+1", "A", "2024-01-01"), ("c2", "@SUM(A1)", "2024-01-02")])
    scored = pd.DataFrame(
        {
            "customer_id": ["=1+1", "+c", "-c", "\tc", "c2"],
            "offering_id": ["@SUM(A1)", "A", "A", "A", "=HYPERLINK(1)"],
            "probability": [0.5, 0.4, 0.3, 0.2, 0.1],
        }
    )
    plan = build_plan(scored, data, AS_OF)
    path = to_plan_csv(plan, tmp_path / "PLAN.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == PLAN_COLUMNS
    assert rows[0] == [
        "customer_id",
        "offering_id",
        "rank",
        "score",
        "expected_revenue",
        "reason",
    ]
    cells = [cell for row in rows[1:] for cell in row[:2]]
    # The tab became a space (ml.safecells: no control characters in a cell).
    assert {"'=1+1", "'+c", "'-c", " c", "c2", "'@SUM(A1)", "'=HYPERLINK(1)"} <= set(
        cells
    )
    assert not any(cell[:1] in {"=", "+", "-", "@", "\t", "\r"} for cell in cells)
    assert len(rows) == 1 + len(plan.rows)
    back = pd.read_csv(path)
    assert list(back["rank"]) == list(plan.rows["rank"])
