"""The Model page's work, run in jobs: train + save + backtest, load the newest
saved model, backtest a model again. Qt-free; heavy modules imported inside."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ml.errors import Cancelled, PushwiseError
from ml.progress import ReportFn, StopFn, check_cancel, scaled
from ml.store.project import Project

# Train's progress when the model is saved and the check on past weeks starts.
CHECK_STARTS = 0.32

if TYPE_CHECKING:
    from ml.backtest import BacktestReport
    from ml.dataset import Interactions
    from ml.evaluation.charts import ChartData
    from ml.plan import Exclusions
    from ml.training import TrainedModel


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """What the user chose on the Model page (as_of None: the day after the
    last order); ranker_options are extra TwoStageRanker parameters."""

    as_of: date | None = None
    horizon_days: int = 28
    folds: int = 3
    k: int = 10
    training_windows: int = 6
    ranker_options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ModelResult:
    """A model with its backtest (None, with backtest_problem saying why, when
    there is none) and the chart of what drives its predictions."""

    model: TrainedModel
    drivers: ChartData | None
    backtest: BacktestReport | None = None
    backtest_problem: str = ""
    loaded: bool = False
    check_stopped: bool = False  # saved, but Cancel came during the check


def train(
    project: Project, settings: TrainSettings, report: ReportFn, stop: StopFn
) -> ModelResult:
    """Train and save the model, then backtest it at earlier dates.

    A cancel while training leaves the project as it was; a cancel during the
    (much longer) check keeps the saved model and returns it unchecked."""
    import pandas as pd

    from ml.dataset import load_interactions
    from ml.models.ranker import TwoStageRanker
    from ml.plan import load_exclusions
    from ml.planning import without_offerings
    from ml.store.models import data_fingerprint, save_model
    from ml.training import train_model

    project.check_writable()  # before the training, not at its save
    report(0.0, "Reading the orders")
    exclusions = load_exclusions(project)
    data = load_interactions(project)
    check_cancel(stop)
    options = {
        **settings.ranker_options,
        "horizon_days": settings.horizon_days,
        "training_windows": settings.training_windows,
    }
    ranker = TwoStageRanker(**options)
    model = train_model(
        without_offerings(data, exclusions.services),
        as_of=None if settings.as_of is None else pd.Timestamp(settings.as_of),
        horizon_days=settings.horizon_days,
        fingerprint=data_fingerprint(project),
        ranker=ranker,
        report=scaled(report, 0.02, CHECK_STARTS - 0.02),
        stop_requested=stop,
    )
    check_cancel(stop)
    report(CHECK_STARTS - 0.02, "Saving the model in the project")
    save_model(project, model.meta, model)
    drivers = drivers_chart(model)
    try:
        backtest, problem = _backtest(
            project,
            data,
            exclusions,
            model,
            settings,
            scaled(report, CHECK_STARTS, 1.0),
            stop,
        )
    except Cancelled:
        return ModelResult(model, drivers, check_stopped=True)
    report(1.0, "Model trained, saved and checked")
    return ModelResult(model, drivers, backtest, problem)


def load_newest(project: Project, report: ReportFn, stop: StopFn) -> ModelResult | str:
    """The newest usable saved model, or why none is ("" if none is saved)."""
    from ml.store.models import LoadedModel, list_models, load_model
    from ml.training import TrainedModel

    problem = ""
    for meta in list_models(project):
        check_cancel(stop)
        report(0.0, "Loading the saved model")
        loaded = load_model(project, meta.model_id)
        if isinstance(loaded, LoadedModel) and isinstance(loaded.model, TrainedModel):
            return ModelResult(loaded.model, drivers_chart(loaded.model), loaded=True)
        if not problem:
            problem = (
                f"The saved model {loaded.reason}."
                if not isinstance(loaded, LoadedModel)
                else "The saved model is not a Pushwise model."
            )
    return problem


def backtest_again(
    project: Project,
    result: ModelResult,
    settings: TrainSettings,
    report: ReportFn,
    stop: StopFn,
) -> ModelResult:
    """The same model with a backtest at earlier dates (nothing is saved)."""
    from ml.dataset import load_interactions
    from ml.plan import load_exclusions

    report(0.0, "Reading the orders")
    exclusions = load_exclusions(project)
    data = load_interactions(project)
    backtest, problem = _backtest(
        project, data, exclusions, result.model, settings, report, stop
    )
    return ModelResult(result.model, result.drivers, backtest, problem, result.loaded)


def drivers_chart(model: TrainedModel, top: int = 12) -> ChartData:
    """What drives the predictions, as bars of plain-named shares (percent)."""
    from ml.evaluation.charts import ChartData, ChartSeries
    from ml.models.explain import feature_importances

    drivers = feature_importances(model.ranker).head(top)
    return ChartData(
        title="What drives the predictions",
        caption="The longer the bar, the more that reason weighs in the model's "
        "predictions; each bar is its share of what the model learned.",
        x_label="Reason",
        y_label="Share of what the model learned (%)",
        kind="bar",
        series=(
            ChartSeries(
                "Weight",
                tuple(drivers["driver"]),
                tuple(float(v) * 100 for v in drivers["importance"]),
            ),
        ),
    )


def _backtest(
    project: Project,
    data: Interactions,
    exclusions: Exclusions,
    model: TrainedModel,
    settings: TrainSettings,
    report: ReportFn,
    stop: StopFn,
) -> tuple[BacktestReport | None, str]:
    import pandas as pd
    from sklearn.base import clone

    from ml.backtest import run_backtest
    from ml.features.categories import load_categories
    from ml.plan.rulesfile import load_project_rules

    horizon = model.meta.horizon_days
    try:
        backtest = run_backtest(
            data,
            folds=settings.folds,
            horizon_days=horizon,
            k=settings.k,
            as_of=model.meta.as_of - pd.Timedelta(days=horizon),
            exclusions=exclusions,
            categories=load_categories(project),
            ranker=clone(model.ranker),
            # The plan is scored as the user gets it: with the project's rules.
            rules=load_project_rules(project),
            report=report,
            stop_requested=stop,
        )
    except PushwiseError as error:
        reason = error.reason[:1].upper() + error.reason[1:]
        return None, f"{reason} {error.hint or ''}".strip()
    return backtest, ""
