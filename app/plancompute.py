"""The push plan page's engine work, without Qt: score once, re-plan cheaply.

``prepare_inputs`` (slow, once per model) reads the project, scores every
customer's candidates with the trained model, computes their features and
learns the repurchase intervals; ``make_plan`` (fast, on every rule change)
applies the rules with ml.plan.build_plan; ``plan_table`` adds what the page
filters and shows on. ``load_rules`` and ``save_rules`` read and write the
project's push rules through the GUI's own cursor, so that they work while a
job holds the project. Heavy modules are imported inside the functions (the
window opens fast).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from ml.columns import Columns, Kind
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.store.project import Project

C = Columns
TABLE_COLUMNS = [
    C.CUSTOMER,
    "offering_name",
    "probability",
    "expected_revenue",
    "reason",
    "rank",
    C.OFFERING,
    C.SEGMENT,
    C.COUNTRY,
    C.CATEGORY,
    "bought_before",
]


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """Everything build_plan needs that does not depend on the rules."""

    data: Any  # ml.dataset.Interactions, comments rated, service lines dropped
    as_of: pd.Timestamp
    pairs: pd.DataFrame  # customer_id, offering_id, probability
    features: pd.DataFrame  # pair_features of pairs
    categories: pd.Series | None  # offering_id -> category
    exclusions: Any  # ml.plan.Exclusions
    names: pd.Series | None  # offering_id -> name
    cold: pd.DataFrame  # cold-start pairs with their own reasons
    customers: pd.DataFrame  # index customer_id; segment, country
    id_columns: dict[str, str] = field(default_factory=dict)  # canonical -> source
    intervals: Any = None  # ml.plan.holdback.RepurchaseIntervals of data, as_of
    returns: Any = None  # ml.plan.returns.ReturnEvidence of data, as_of
    cooccurrence: Any = None  # the ranker's (association, its offering index)


def prepare_inputs(
    project: Project,
    model: Any,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> PlanInputs:
    """Score the model's candidates for every customer of the project."""
    from ml.dataset import (
        OfferingLevel,
        load_catalogue,
        load_customers,
        load_interactions,
    )
    from ml.features import FeatureConfig, pair_features
    from ml.features.categories import load_categories
    from ml.features.comments import rate_comments
    from ml.models.coldstart import cold_start_pairs
    from ml.plan import load_exclusions, load_offering_names
    from ml.plan.holdback import learn_intervals
    from ml.plan.returns import learn_returns
    from ml.planning import without_offerings

    ranker = model.ranker
    as_of = pd.Timestamp(ranker.as_of_)
    level = OfferingLevel(model.meta.level)
    by_offering = level is OfferingLevel.OFFERING
    report(0.0, "Reading the project")
    exclusions = load_exclusions(project)
    data = without_offerings(
        load_interactions(project, level=level), exclusions.services
    )
    names = load_offering_names(project) if by_offering else None
    categories = load_categories(project) if by_offering else None
    table = load_customers(project)
    catalogue = load_catalogue(project) if by_offering else None
    id_columns = _source_id_columns(project)
    check_cancel(stop_requested)
    report(0.1, "Reading the comments")
    data, _ = rate_comments(data, as_of, stop_requested=stop_requested)
    ranker.with_history(data)  # a saved ranker is stored without it
    before = data.purchases[data.purchases[C.ORDERED_AT] < as_of]
    customers = sorted(before[C.CUSTOMER].dropna().unique())
    report(0.3, f"Scoring the offerings for {len(customers):,} customers")
    scored = ranker.scored(customers)
    pairs = scored[[C.CUSTOMER, C.OFFERING, "probability", "score"]]
    cold = cold_start_pairs(
        data.purchases,
        as_of,
        customers=table,
        catalogue=catalogue,
        horizon_days=model.meta.horizon_days,
        top=30,
    )
    if len(cold):
        pairs = pd.concat(
            [pairs, cold.reindex(columns=pairs.columns)], ignore_index=True
        )
        pairs = pairs.drop_duplicates([C.CUSTOMER, C.OFFERING], ignore_index=True)
    check_cancel(stop_requested)
    report(0.7, "Reading each customer's history")
    # Co-purchase reasons are found by build_plan for the pairs it keeps.
    features = pair_features(
        data,
        as_of,
        pairs[[C.CUSTOMER, C.OFFERING]],
        FeatureConfig(),
        categories=categories,
        with_cooccurrence=False,
    )
    intervals = learn_intervals(data, as_of)
    returns = learn_returns(data, as_of)
    report(1.0, "Ready")
    return PlanInputs(
        data=data,
        as_of=as_of,
        pairs=pairs.reset_index(drop=True),
        features=features,
        categories=categories,
        exclusions=exclusions,
        names=names,
        cold=cold,
        customers=_customer_facts(table, before),
        id_columns=id_columns,
        intervals=intervals,
        returns=returns,
        cooccurrence=(ranker.origin_.association, ranker.origin_.association_index),
    )


def make_plan(
    inputs: PlanInputs,
    rules: Any,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> Any:
    """The push plan (ml.plan.PushPlan) for these rules."""
    from ml.plan import build_plan
    from ml.plan.reasons import with_given_reasons

    check_cancel(stop_requested)
    report(0.0, "Applying the push rules")
    plan = build_plan(
        inputs.pairs,
        inputs.data,
        inputs.as_of,
        rules=rules,
        opted_out=inputs.exclusions.opted_out,
        inactive=inputs.exclusions.inactive,
        services=inputs.exclusions.services,
        names=inputs.names,
        features=inputs.features,
        categories=inputs.categories,
        intervals=inputs.intervals,
        returns=inputs.returns,
        cooccurrence_matrix=inputs.cooccurrence,
    )
    if len(inputs.cold):
        plan = replace(plan, rows=with_given_reasons(plan.rows, inputs.cold))
    check_cancel(stop_requested)
    report(1.0, "Push plan ready")
    return plan


def load_rules(reader: duckdb.DuckDBPyConnection, path: Any) -> Any:
    """The push rules saved in the project (ml.plan.PlanRules; the defaults if
    none are saved); ProjectError if they cannot be used."""
    from ml.plan.rulesfile import RULES_SETTING, saved_rules
    from ml.store.settings import read_setting

    return saved_rules(read_setting(reader, RULES_SETTING), source=str(path))


def save_rules(reader: duckdb.DuckDBPyConnection, rules: Any) -> None:
    """Save the push rules in the project, for the CLI and the next session."""
    from ml.plan.rulesfile import RULES_SETTING, rules_to_json
    from ml.store.settings import write_setting

    write_setting(reader, RULES_SETTING, rules_to_json(rules))


def hold_back_note(plan: Any) -> str:
    """What the plan's hold-back learnt from the data, in plain words."""
    intervals = plan.intervals
    if plan.rules.recent_purchase_days is not None or intervals is None:
        days = plan.rules.recent_purchase_days
        return (
            f"What a customer bought is not offered to them again for {days} days."
            if days
            else "Nothing is held back after a purchase."
        )
    return str(intervals.sentence)


def returns_note(plan: Any) -> str:
    """Whether a return blocks an offering in this plan, and why, in plain words."""
    block = plan.rules.block_returns
    if block is None and plan.returns is not None:
        return str(plan.returns.sentence)
    if block:
        return "A return blocks the offering for that customer."
    return "A return does not block the offering."


def plan_table(plan: Any, inputs: PlanInputs) -> pd.DataFrame:
    """The plan's rows with offering name, segment, country, category and
    whether the customer bought the offering before."""
    rows = plan.rows
    out = rows[[C.CUSTOMER, C.OFFERING, "rank", "probability"]].copy()
    out["expected_revenue"] = rows["expected_revenue"]
    out["reason"] = rows["reason"]
    offering = out[C.OFFERING]
    names = inputs.names
    named = (
        offering.map(names) if names is not None else pd.Series(pd.NA, index=out.index)
    )
    out["offering_name"] = named.astype(object).where(named.notna(), offering)
    facts = inputs.customers
    for column in (C.SEGMENT, C.COUNTRY):
        out[column] = out[C.CUSTOMER].map(facts[column]) if len(facts) else None
    categories = inputs.categories
    out[C.CATEGORY] = offering.map(categories) if categories is not None else None
    seen = inputs.features.set_index([C.CUSTOMER, C.OFFERING])["days_since_last"]
    since = seen.reindex(pd.MultiIndex.from_frame(out[[C.CUSTOMER, C.OFFERING]]))
    out["bought_before"] = since.notna().to_numpy()
    table: pd.DataFrame = out[TABLE_COLUMNS]
    return table


def crm_frame(table: pd.DataFrame, id_columns: dict[str, str]) -> pd.DataFrame:
    """The rows as a CRM re-imports them: the user's own id column names."""
    frame = table[
        [
            C.CUSTOMER,
            C.OFFERING,
            "offering_name",
            "rank",
            "probability",
            "expected_revenue",
            "reason",
        ]
    ].copy()
    frame["probability"] = frame["probability"].round(4)
    frame["expected_revenue"] = frame["expected_revenue"].round(2)
    return frame.rename(
        columns={
            C.CUSTOMER: id_columns.get(C.CUSTOMER, C.CUSTOMER),
            C.OFFERING: id_columns.get(C.OFFERING, C.OFFERING),
        }
    )


def _customer_facts(table: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """customer_id -> segment and country (from the customers file, else the
    country of the customer's latest order)."""
    latest = before.dropna(subset=[C.CUSTOMER]).groupby(C.CUSTOMER)[C.COUNTRY].last()
    listed = table.set_index(C.CUSTOMER) if len(table) else pd.DataFrame()
    ids = latest.index.union(listed.index if len(listed) else pd.Index([]))
    facts = pd.DataFrame(index=ids.astype(str))
    segment = listed[C.SEGMENT] if len(listed) else pd.Series(dtype=object)
    country = listed[C.COUNTRY] if len(listed) else pd.Series(dtype=object)
    facts[C.SEGMENT] = segment.reindex(facts.index)
    facts[C.COUNTRY] = country.reindex(facts.index).fillna(latest.reindex(facts.index))
    return facts


def _source_id_columns(project: Project) -> dict[str, str]:
    """The header names the latest orders file gave the customer and offering ids."""
    for record in reversed(project.imports()):
        if record.kind != Kind.ORDERS.value:
            continue
        try:
            columns = json.loads(record.mapping_json).get("columns", {})
        except (ValueError, AttributeError):
            return {}
        return {
            key: str(columns[key])
            for key in (C.CUSTOMER, C.OFFERING)
            if columns.get(key)
        }
    return {}
