"""Checking a project's predictions against what really happened at earlier
dates: `pushwise backtest`, the Model page's check after Train, the demo."""

from __future__ import annotations

import pandas as pd

from ml import compute
from ml.backtest.report import BacktestReport
from ml.backtest.run import run_backtest
from ml.dataset import Interactions, OfferingLevel, load_interactions
from ml.errors import PushwiseError
from ml.features.categories import load_categories
from ml.modelmeta import ModelMeta
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules, load_exclusions
from ml.plan.rulesfile import load_project_rules
from ml.progress import ReportFn, StopFn, never, no_report
from ml.store.project import Project
from ml.workflows.settings import CheckSettings


@compute.uses_cluster
def backtest_project(
    project: Project,
    *,
    level: OfferingLevel = OfferingLevel.OFFERING,
    folds: int = 4,
    horizon_days: int = 28,
    k: int = 10,
    as_of: pd.Timestamp | None = None,
    rules: PlanRules | None = None,
    ranker: TwoStageRanker | None = None,
    data: Interactions | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> BacktestReport:
    """Backtest the project's push lists, plan and demand at `folds` earlier
    dates, the newest as of `as_of` (default: the last `horizon_days`
    complete days are its test window). The plan is scored as the user gets
    it: with `rules`, by default the rules saved in the project. `ranker` is
    an unfitted ranker with the settings to check (default: the defaults);
    `data` the project's events at `level` when already read."""
    by_offering = level is OfferingLevel.OFFERING
    return run_backtest(
        load_interactions(project, level=level) if data is None else data,
        folds=folds,
        horizon_days=horizon_days,
        k=k,
        as_of=as_of,
        exclusions=load_exclusions(project),
        categories=load_categories(project) if by_offering else None,
        ranker=ranker,
        rules=load_project_rules(project) if rules is None else rules,
        report=report,
        stop_requested=stop_requested,
    )


def check_model(
    project: Project,
    meta: ModelMeta,
    check: CheckSettings,
    *,
    level: OfferingLevel = OfferingLevel.OFFERING,
    data: Interactions | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> tuple[BacktestReport | None, str]:
    """A trained model's settings (`meta`: its description; the fitted ranker
    is not needed) checked at earlier dates, the newest one a horizon before
    its as-of date; or None and why it cannot be."""
    horizon_days = meta.horizon_days
    try:
        backtest = backtest_project(
            project,
            level=level,
            folds=check.folds,
            horizon_days=horizon_days,
            k=check.k,
            as_of=meta.as_of - pd.Timedelta(days=horizon_days),
            ranker=TwoStageRanker().set_params(**meta.parameters),
            data=data,
            report=report,
            stop_requested=stop_requested,
        )
    except PushwiseError as error:
        reason = error.reason[:1].upper() + error.reason[1:]
        return None, f"{reason} {error.hint or ''}".strip()
    return backtest, ""
