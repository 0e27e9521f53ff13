"""A project's push plan, the way the CLI, the demo and the GUI all make it:
score every customer's candidates once per model (slow), then apply the push
rules (fast, again on every rule change in the GUI)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import scipy.sparse as sp

from ml import compute
from ml.columns import Columns, Kind
from ml.dataset import Interactions, OfferingLevel, load_catalogue, load_customers
from ml.errors import ProjectError
from ml.features import FeatureConfig, pair_features
from ml.features.categories import load_categories
from ml.features.comments import rate_comments
from ml.modelmeta import ModelMeta
from ml.models.coldstart import cold_start_pairs
from ml.plan import Exclusions, PlanRules, PushPlan, build_plan, load_offering_names
from ml.plan.holdback import RepurchaseIntervals, learn_intervals
from ml.plan.reasons import with_given_reasons
from ml.plan.returns import ReturnEvidence, learn_returns
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.store.project import Project
from ml.store.savedmodels import data_fingerprint
from ml.workflows.plantable import TABLE_COLUMNS
from ml.workflows.results import CandidatesSummary
from ml.workflows.settings import TrainSettings
from ml.workflows.train import (
    LearningData,
    TrainedModel,
    load_or_train,
    load_trained,
    read_learning_data,
    train_model,
)

C = Columns
# Cold-start pairs (customers with no purchase yet, offerings with no sale
# yet) per customer: more than a push list holds, so that a rule change can
# re-plan without scoring again.
COLD_START_CANDIDATES = 30
# Where a worker session keeps the scored candidates.
_SCORED = "scored candidates"


@dataclass(frozen=True, slots=True)
class ScoredCandidates:
    """Every customer's scored candidates and all else the push rules need
    that does not depend on the rules."""

    data: Interactions  # comments rated, charges such as postage left out
    as_of: pd.Timestamp
    pairs: pd.DataFrame  # customer_id, offering_id, probability, score
    features: pd.DataFrame  # pair_features of pairs
    categories: pd.Series | None  # offering_id -> category
    exclusions: Exclusions
    names: pd.Series | None  # offering_id -> name
    cold: pd.DataFrame  # cold-start pairs with their own reasons
    customers: pd.DataFrame  # index customer_id; segment, country
    id_columns: dict[str, str] = field(default_factory=dict)  # canonical -> source
    intervals: RepurchaseIntervals | None = None
    returns: ReturnEvidence | None = None
    cooccurrence: tuple[sp.csr_matrix, pd.Index] | None = None  # the ranker's


@dataclass(frozen=True, slots=True)
class ProjectPlan:
    """A push plan with the model behind it and a note on where that came from."""

    plan: PushPlan
    model: TrainedModel
    note: str


@compute.uses_cluster
def score_candidates(
    project: Project,
    model: TrainedModel,
    *,
    learning: LearningData | None = None,
    new_only: bool = False,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ScoredCandidates:
    """Score the model's candidates for every customer of the project
    (`learning`: read_learning_data at the model's level, read here when not
    given); `new_only` scores offerings the customer never bought only."""
    ranker = model.ranker
    as_of = pd.Timestamp(ranker.as_of_)
    level = OfferingLevel(model.meta.level)
    by_offering = level is OfferingLevel.OFFERING
    report(0.0, "Reading the project")
    if learning is None:
        learning = read_learning_data(project, level)
    names = load_offering_names(project) if by_offering else None
    categories = load_categories(project) if by_offering else None
    table = load_customers(project)
    catalogue = load_catalogue(project) if by_offering else None
    check_cancel(stop_requested)
    report(0.1, "Reading the comments")
    # Comments without a rating get one read from their words, by a text
    # model learnt from the comments rated before as_of (as when training).
    data, _ = rate_comments(learning.data, as_of, stop_requested=stop_requested)
    ranker.with_history(data)  # a saved ranker is stored without it
    before = data.before(as_of).purchases
    customers = sorted(before[C.CUSTOMER].dropna().unique())
    report(0.3, f"Scoring the offerings for {len(customers):,} customers")
    scored = ranker.scored(customers, new_only=new_only)
    pairs = scored[[C.CUSTOMER, C.OFFERING, "probability", "score"]]
    cold = cold_start_pairs(
        data.purchases,
        as_of,
        customers=table,
        catalogue=catalogue,
        horizon_days=model.meta.horizon_days,
        top=COLD_START_CANDIDATES,
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
    return ScoredCandidates(
        data=data,
        as_of=as_of,
        pairs=pairs.reset_index(drop=True),
        features=features,
        categories=categories,
        exclusions=learning.exclusions,
        names=names,
        cold=cold,
        customers=_customer_facts(table, before),
        id_columns=_source_id_columns(project),
        intervals=intervals,
        returns=returns,
        cooccurrence=(ranker.origin_.association, ranker.origin_.association_index),
    )


def apply_rules(
    scored: ScoredCandidates,
    rules: PlanRules,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> PushPlan:
    """The push plan for these rules."""
    check_cancel(stop_requested)
    report(0.0, "Applying the push rules")
    plan = build_plan(
        scored.pairs,
        scored.data,
        scored.as_of,
        rules=rules,
        opted_out=scored.exclusions.opted_out,
        inactive=scored.exclusions.inactive,
        services=scored.exclusions.services,
        names=scored.names,
        features=scored.features,
        categories=scored.categories,
        intervals=scored.intervals,
        returns=scored.returns,
        cooccurrence_matrix=scored.cooccurrence,
    )
    if len(scored.cold):
        plan = replace(plan, rows=with_given_reasons(plan.rows, scored.cold))
    check_cancel(stop_requested)
    report(1.0, "Push plan ready")
    return plan


def score_in_session(
    memory: dict[str, Any],
    project: Project,
    meta: ModelMeta,
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> CandidatesSummary:
    """score_candidates for the saved model `meta` describes, kept in a
    worker session's memory (for plan_in_session)."""
    memory.pop(_SCORED, None)  # a failed scoring leaves none, not the old one
    report(0.0, "Loading the saved model")
    model = load_trained(project, meta)
    check_cancel(stop_requested)
    scored = score_candidates(
        project,
        model,
        report=scaled(report, 0.05, 1.0),
        stop_requested=stop_requested,
    )
    memory[_SCORED] = scored
    return CandidatesSummary(
        customers=sorted(str(c) for c in pd.unique(scored.pairs[C.CUSTOMER])),
        offerings=sorted(str(o) for o in pd.unique(scored.pairs[C.OFFERING])),
        names=scored.names,
        id_columns=scored.id_columns,
    )


def plan_in_session(
    memory: dict[str, Any],
    project: None,
    rules: PlanRules,
    *,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> tuple[PushPlan, pd.DataFrame]:
    """The plan for these rules from the candidates score_in_session kept,
    with its table (plan_table)."""
    scored = memory.get(_SCORED)
    if scored is None:
        raise ProjectError(
            "the offerings have not been scored for this model yet.",
            hint="Train or load a model; the plan is made once they are scored.",
        )
    plan = apply_rules(scored, rules, report, stop_requested)
    return plan, plan_table(plan, scored)


@compute.uses_cluster
def plan_project(
    project: Project,
    settings: TrainSettings,
    rules: PlanRules,
    *,
    new_only: bool = False,
    save_model: bool = True,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ProjectPlan:
    """Plan pushes for every customer of the project with `rules`. With
    `save_model` the saved model is reused when it fits `settings` (or a new
    one trained and saved); otherwise the plan trains its own and the
    project is only read."""
    learning = read_learning_data(project, settings.level)
    as_of = settings.as_of_for(learning.data)
    # Rated once here: training and scoring find the comments rated.
    rated, _ = rate_comments(learning.data, as_of, stop_requested=stop_requested)
    learning = replace(learning, data=rated)
    settings = replace(settings, as_of=as_of)
    if save_model:
        model, note = load_or_train(
            project,
            settings,
            learning=learning,
            report=scaled(report, 0.0, 0.7),
            stop_requested=stop_requested,
        )
    else:
        model = train_model(
            rated,
            settings,
            fingerprint=data_fingerprint(project),
            report=scaled(report, 0.0, 0.7),
            stop_requested=stop_requested,
        )
        note = ""
    scored = score_candidates(
        project,
        model,
        learning=learning,
        new_only=new_only,
        report=scaled(report, 0.7, 0.95),
        stop_requested=stop_requested,
    )
    plan = apply_rules(scored, rules, scaled(report, 0.95, 1.0), stop_requested)
    return ProjectPlan(plan=plan, model=model, note=note)


def plan_table(plan: PushPlan, scored: ScoredCandidates) -> pd.DataFrame:
    """The plan's rows with offering name, segment, country, category and
    whether the customer bought the offering before (TABLE_COLUMNS)."""
    rows = plan.rows
    out = rows[[C.CUSTOMER, C.OFFERING, "rank", "probability"]].copy()
    out["expected_revenue"] = rows["expected_revenue"]
    out["reason"] = rows["reason"]
    offering = out[C.OFFERING]
    names = scored.names
    named = (
        offering.map(names) if names is not None else pd.Series(pd.NA, index=out.index)
    )
    out["offering_name"] = named.astype(object).where(named.notna(), offering)
    facts = scored.customers
    for column in (C.SEGMENT, C.COUNTRY):
        out[column] = out[C.CUSTOMER].map(facts[column]) if len(facts) else None
    categories = scored.categories
    out[C.CATEGORY] = offering.map(categories) if categories is not None else None
    seen = scored.features.set_index([C.CUSTOMER, C.OFFERING])["days_since_last"]
    since = seen.reindex(pd.MultiIndex.from_frame(out[[C.CUSTOMER, C.OFFERING]]))
    out["bought_before"] = since.notna().to_numpy()
    table: pd.DataFrame = out[TABLE_COLUMNS]
    return table


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
