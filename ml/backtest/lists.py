"""Push-list quality of one fitted method at one fold, in the three modes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Protocol, Self

import pandas as pd

from ml.dataset import Interactions
from ml.evaluation.metrics import evaluate_lists, relevant_items
from ml.evaluation.split import Split
from ml.models.base import Recommender

# Lists for modes "all" and "repeat" are read from one list this deep: mode
# "repeat" keeps the previously bought offerings of it, then cuts at k.
_DEPTH = 50


class PreferenceModel(Protocol):
    """What the backtest needs of Pushwise's preference model (TwoStageRanker)."""

    horizon_days: int

    def fit(self, data: Interactions, as_of: pd.Timestamp) -> Self:
        """Learn from the rows strictly before as_of."""
        ...

    def recommend(
        self, customers: Sequence[str], k: int = 10, *, new_only: bool = False
    ) -> dict[str, list[str]]:
        """Top-k offering ids per customer, best first."""
        ...

    def scored(self, ids: Sequence[str], *, new_only: bool = False) -> pd.DataFrame:
        """Candidate pairs with customer_id, offering_id, probability, score."""
        ...


def evaluated_customers(split: Split) -> dict[str, list[str]]:
    """The customers evaluated in modes "all" and "new" (repeat ones are a
    subset of "all"), sorted, so each method is asked about the same people."""
    return {mode: sorted(relevant_items(split, mode)) for mode in ("all", "new")}


def list_rows(
    model: Recommender | PreferenceModel,
    split: Split,
    *,
    k: int,
    customers: dict[str, list[str]],
) -> list[dict[str, object]]:
    """Mean list metrics in modes all, repeat and new (one dict per mode).

    customers: evaluated_customers(split). Modes all and repeat read the same
    list, max(k, 50) deep, so that a customer's earlier offerings ranked below
    k still make a repeat list; mode new asks the model for never-bought
    offerings only.
    """
    rows = []
    deep = model.recommend(customers["all"], max(k, _DEPTH))
    for mode in ("all", "repeat"):
        metrics, _ = evaluate_lists(deep, split, k=k, mode=mode)
        rows.append(asdict(metrics))
    fresh = model.recommend(customers["new"], k, new_only=True)
    metrics, _ = evaluate_lists(fresh, split, k=k, mode="new")
    rows.append(asdict(metrics))
    return rows
