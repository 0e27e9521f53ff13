"""A project's push plan in one call, the way the CLI, the demo and the GUI
all make it: the saved model when it still fits the question (or a new one),
the project's exclusions, customers, catalogue and offering names."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.dataset import OfferingLevel, load_catalogue, load_customers, load_interactions
from ml.plan import PlanRules, PushPlan, load_exclusions, load_offering_names
from ml.planning import plan_for_customers
from ml.progress import ReportFn, StopFn, never, no_report, scaled
from ml.store.project import Project
from ml.training import TrainedModel, load_or_train


@dataclass(frozen=True, slots=True)
class ProjectPlan:
    """A push plan with the model behind it and a note on where that came from."""

    plan: PushPlan
    model: TrainedModel | None
    note: str


def plan_project(
    project: Project,
    *,
    level: OfferingLevel = OfferingLevel.OFFERING,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    top: int = 10,
    new_only: bool = False,
    save_model: bool = True,
    rules: PlanRules | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ProjectPlan:
    """Plan pushes for every customer of the project; with `save_model` the
    saved model is reused when it fits (or a new one trained and saved),
    otherwise the plan trains its own and the project is only read. `rules`
    are the push rules (default: PlanRules(); `top` sets max_per_customer)."""
    data = load_interactions(project, level=level)
    model, note = None, ""
    if save_model:
        model, note = load_or_train(
            project,
            data,
            as_of=as_of,
            horizon_days=horizon_days,
            level=level,
            report=scaled(report, 0.0, 0.7),
            stop_requested=stop_requested,
        )
    by_offering = level is OfferingLevel.OFFERING
    plan = plan_for_customers(
        data,
        as_of=as_of,
        horizon_days=horizon_days,
        top=top,
        new_only=new_only,
        exclusions=load_exclusions(project),
        names=load_offering_names(project) if by_offering else None,
        ranker=None if model is None else model.ranker,
        customer_table=load_customers(project),
        catalogue=load_catalogue(project) if by_offering else None,
        rules=rules,
        report=scaled(report, 0.7, 1.0) if save_model else report,
        stop_requested=stop_requested,
    )
    return ProjectPlan(plan=plan, model=model, note=note)
