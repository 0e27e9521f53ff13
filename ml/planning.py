"""From a project's data to a push plan: train the ranker as of a date, score
every known customer's candidates and apply the plan rules."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.errors import InputDataError
from ml.features.comments import rate_comments
from ml.models.coldstart import cold_start_pairs
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules, PushPlan, build_plan
from ml.plan.inputs import Exclusions
from ml.plan.reasons import with_given_reasons
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report

C = Columns
NO_EXCLUSIONS = Exclusions(frozenset(), frozenset())


def default_as_of(data: Interactions) -> pd.Timestamp:
    """The day after the last order in the data (DESIGN.md's default)."""
    if data.purchases.empty:
        raise InputDataError(
            "there are no purchases to learn from.", hint="Import order history first."
        )
    last = pd.Timestamp(data.purchases[C.ORDERED_AT].max())
    return last.normalize() + pd.Timedelta(days=1)


def without_offerings(data: Interactions, offerings: frozenset[str]) -> Interactions:
    """The same data without any event about the given offerings."""
    if not offerings:
        return data
    ids = list(offerings)
    return Interactions(
        purchases=_drop(data.purchases, ids),
        returns=_drop(data.returns, ids),
        feedback=_drop(data.feedback, ids),
    )


def _drop(frame: pd.DataFrame, offerings: list[str]) -> pd.DataFrame:
    return frame.loc[~frame[C.OFFERING].isin(offerings)].reset_index(drop=True)


def plan_for_customers(
    data: Interactions,
    *,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    top: int = 10,
    new_only: bool = False,
    exclusions: Exclusions = NO_EXCLUSIONS,
    names: pd.Series | None = None,
    random_state: int = 0,
    ranker: TwoStageRanker | None = None,
    customer_table: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    rules: PlanRules | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> PushPlan:
    """Train as of `as_of` (or use `ranker`, fitted as of it) and plan up to `top`
    pushes for every customer with a purchase before it; `names` (offering_id ->
    name) makes reasons readable; `rules` are the push rules (their
    max_per_customer is replaced by `top`)."""
    # Charges such as postage are no demand: they would only add noise to the
    # model and to co-purchase reasons ("bought POSTAGE; ...").
    data = without_offerings(data, exclusions.services)
    if as_of is None:
        as_of = default_as_of(data) if ranker is None else ranker.as_of_
    as_of = pd.Timestamp(as_of)
    if ranker is not None and as_of != ranker.as_of_:
        raise ValueError(
            f"the ranker was fitted as of {ranker.as_of_:%Y-%m-%d}, "
            f"not {as_of:%Y-%m-%d}"
        )
    # Comments without a rating get one read from their words, by a text
    # model learnt from the comments rated before as_of.
    data, _ = rate_comments(data, as_of, stop_requested=stop_requested)
    if ranker is not None:
        ranker.with_history(data)  # a saved ranker is stored without it
    else:
        report(0.0, f"Learning from the purchases before {as_of:%Y-%m-%d}")
        ranker = TwoStageRanker(horizon_days=horizon_days, random_state=random_state)
        ranker.fit(data, as_of)
        check_cancel(stop_requested)
    before = data.purchases[data.purchases[C.ORDERED_AT] < as_of]
    customers = sorted(before[C.CUSTOMER].dropna().unique())
    report(0.7, f"Scoring the offerings for {len(customers):,} customers")
    scored = ranker.scored(customers, new_only=new_only)
    pairs = scored[[C.CUSTOMER, C.OFFERING, "probability", "score"]]
    # Customers with no purchase yet and offerings with no sale yet, which
    # the ranker cannot score.
    cold = cold_start_pairs(
        data.purchases,
        as_of,
        customers=customer_table,
        catalogue=catalogue,
        horizon_days=horizon_days,
        top=top,
    )
    if len(cold):
        pairs = pd.concat(
            [pairs, cold.reindex(columns=pairs.columns)], ignore_index=True
        )
        pairs = pairs.drop_duplicates([C.CUSTOMER, C.OFFERING])
    check_cancel(stop_requested)
    report(0.9, "Applying the push rules")
    plan = build_plan(
        pairs,
        data,
        as_of,
        rules=replace(PlanRules() if rules is None else rules, max_per_customer=top),
        opted_out=exclusions.opted_out,
        inactive=exclusions.inactive,
        services=exclusions.services,
        names=names,
        cooccurrence_matrix=(
            ranker.origin_.association,
            ranker.origin_.association_index,
        ),
    )
    if len(cold):
        plan = replace(plan, rows=with_given_reasons(plan.rows, cold))
    report(1.0, "Push plan ready")
    return plan
