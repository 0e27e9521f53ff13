"""Push plan inputs: a project's exclusions, and a ranker's scores as pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from ml.columns import Kind
from ml.dataset import load_interactions
from ml.importing.importer import import_file
from ml.models.ranker import TwoStageRanker, as_interactions
from ml.plan import build_plan, load_exclusions, scored_pairs
from ml.store.project import Project
from tests.ml.builders import SMALL_RANKER as PARAMS
from tests.ml.builders import WEEKLY_AS_OF as AS_OF
from tests.ml.builders import weekly_world as world


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_exclusions_come_from_the_projects_consent_and_catalogue(
    tmp_path: Path,
) -> None:
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        import_file(
            project,
            _write(
                tmp_path / "orders.csv",
                "Customer,Product,Name,Date,Quantity,Amount\n"
                "c1,A1,Carriage clock,2024-01-02,1,4.5\n"
                "c2,B2,Lamp,2024-01-03,1,12\n"
                "c2,POST,POSTAGE,2024-01-03,1,18\n",
            ),
            kind=Kind.ORDERS,
        )
        import_file(
            project,
            _write(
                tmp_path / "people.csv",
                "Customer ID,Opted out\nc1,no\nc2,yes\n",
            ),
            kind=Kind.CUSTOMERS,
        )
        import_file(
            project,
            _write(
                tmp_path / "catalogue.csv",
                "SKU,Product name,Active\nA1,Mug,yes\nB2,Lamp,no\n",
            ),
            kind=Kind.OFFERINGS,
        )
        exclusions = load_exclusions(project)
        data = load_interactions(project)
    assert exclusions.opted_out == {"c2"}
    assert exclusions.inactive == {"B2"}
    assert exclusions.services == {"POST"}  # the clock is no carriage charge
    scored = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2"],
            "offering_id": ["A1", "B2", "A1"],
            "probability": [0.5, 0.6, 0.7],
        }
    )
    plan = build_plan(
        scored,
        data,
        "2024-02-01",
        opted_out=exclusions.opted_out,
        inactive=exclusions.inactive,
    )
    assert set(zip(plan.rows.customer_id, plan.rows.offering_id, strict=True)) == {
        ("c1", "A1")
    }
    assert plan.removed_by_rule["opted_out"] == 1
    assert plan.removed_by_rule["inactive_offering"] == 1


def test_scored_pairs_keeps_the_stored_candidates() -> None:
    matrix = sp.csr_matrix(np.array([[0.0, 0.4, 0.0], [0.9, 0.0, 0.1]]))
    pairs = scored_pairs(matrix, ["c1", "c2"], np.array(["A", "B", "C"], dtype=object))
    got = set(zip(pairs.customer_id, pairs.offering_id, pairs.probability, strict=True))
    assert got == {("c1", "B", 0.4), ("c2", "A", 0.9), ("c2", "C", 0.1)}
    with pytest.raises(ValueError, match="2 customers"):
        scored_pairs(matrix, ["c1", "c2"], ["A"])


def test_a_ranker_plan_respects_the_cap_and_is_ranked_by_score() -> None:
    purchases = world()
    ranker = TwoStageRanker(**PARAMS).fit(purchases, AS_OF)
    customers = sorted(purchases["customer_id"].dropna().unique())[:5]
    scored = scored_pairs(ranker.scores(customers), customers, ranker.offerings_)
    data = as_interactions(purchases)
    plan = build_plan(scored, data, AS_OF)
    assert set(plan.rows.customer_id) <= set(customers)
    assert plan.rows.groupby("customer_id").size().max() <= 10
    for customer in plan.rows.customer_id.unique():
        rows = plan.for_customer(customer)
        assert rows.score.is_monotonic_decreasing
        assert list(rows["rank"]) == list(range(1, len(rows) + 1))
    assert plan.rows.reason.str.len().min() > 0
    assert len(plan.rows) + len(plan.suppressed) == len(scored)
