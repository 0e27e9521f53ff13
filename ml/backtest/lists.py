"""Push-list quality of one fitted method at one fold, in the three modes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Protocol, Self

import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.evaluation.metrics import evaluate_lists, relevant_items
from ml.evaluation.split import Split
from ml.models.base import Recommender
from ml.plan import Exclusions, PlanRules, build_plan
from ml.plan.holdback import learn_intervals

C = Columns

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


@dataclass(frozen=True, slots=True)
class ListScores:
    """A model's list metrics (one dict per mode: all, repeat, new) and each
    evaluated customer's recall in mode all (index customer_id)."""

    rows: list[dict[str, object]]
    recall: pd.Series


def list_rows(
    model: Recommender | PreferenceModel,
    split: Split,
    *,
    k: int,
    customers: dict[str, list[str]],
) -> ListScores:
    """List metrics in modes all, repeat and new, and recall per customer.

    customers: evaluated_customers(split). Modes all and repeat read the same
    list, max(k, 50) deep, so that a customer's earlier offerings ranked below
    k still make a repeat list; mode new asks the model for never-bought
    offerings only.
    """
    rows = []
    deep = model.recommend(customers["all"], max(k, _DEPTH))
    recall = pd.Series(dtype="float64")
    for mode in ("all", "repeat"):
        metrics, per_customer = evaluate_lists(deep, split, k=k, mode=mode)
        rows.append(asdict(metrics))
        if mode == "all":
            recall = per_customer.set_index(C.CUSTOMER)["recall"]
    fresh = model.recommend(customers["new"], k, new_only=True)
    metrics, _ = evaluate_lists(fresh, split, k=k, mode="new")
    rows.append(asdict(metrics))
    return ListScores(rows=rows, recall=recall)


@dataclass(frozen=True, slots=True)
class PlanScores:
    """The push plan's list metrics (one dict per mode, as list_rows) and its
    top-k rows (customer_id, offering_id, probability, ...) for uptake."""

    rows: list[dict[str, object]]
    top: pd.DataFrame


def plan_list_rows(
    model: PreferenceModel,
    scored: pd.DataFrame,
    past: Interactions,
    split: Split,
    *,
    k: int,
    customers: dict[str, list[str]],
    rules: PlanRules,
    exclusions: Exclusions,
) -> PlanScores:
    """Mean list metrics of the push plan as the user gets it: the model's
    candidates through build_plan with `rules` on, in modes all, repeat and new.

    scored: model.scored(...) of every customer with a purchase before as_of.
    The rules' per-customer cap gives way to the lists' depth, as for every
    method: modes all and repeat read one plan max(k, 50) deep (as list_rows
    does), mode new plans the model's never-bought candidates.
    """
    intervals = learn_intervals(past, split.as_of)

    def plan(pairs: pd.DataFrame, depth: int) -> pd.DataFrame:
        made = build_plan(
            pairs[[C.CUSTOMER, C.OFFERING, "probability", "score"]],
            past,
            split.as_of,
            rules=replace(rules, max_per_customer=depth),
            opted_out=exclusions.opted_out,
            inactive=exclusions.inactive,
            services=exclusions.services,
            intervals=intervals,
        )
        return made.rows

    deep = plan(scored, max(k, _DEPTH))
    rows = []
    lists = _lists(deep, customers["all"])
    for mode in ("all", "repeat"):
        metrics, _ = evaluate_lists(lists, split, k=k, mode=mode)
        rows.append(asdict(metrics))
    new = customers["new"]
    fresh = plan(model.scored(new, new_only=True), k) if new else deep.iloc[:0]
    metrics, _ = evaluate_lists(_lists(fresh, new), split, k=k, mode="new")
    rows.append(asdict(metrics))
    return PlanScores(rows=rows, top=deep.loc[deep["rank"] <= k])


def _lists(rows: pd.DataFrame, customers: list[str]) -> dict[str, list[str]]:
    """Each listed customer's offerings in plan order (rank 1 first)."""
    mine = rows.loc[rows[C.CUSTOMER].isin(customers)]
    ordered = mine.sort_values([C.CUSTOMER, "rank"], kind="stable")
    grouped = ordered.groupby(C.CUSTOMER, sort=False)[C.OFFERING]
    return {str(key): list(values) for key, values in grouped}
