"""Training a project's model: fit it as of a date, save it in the project,
reuse a saved one fitted for the same question on the same data, load the
newest, and check it at earlier dates (the Model page's Train)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pandas as pd
from sklearn.base import clone

from ml import compute
from ml.columns import Columns
from ml.dataset import Interactions, OfferingLevel, load_interactions
from ml.errors import Cancelled, ProjectError
from ml.features.comments import rate_comments
from ml.modelmeta import ModelMeta, library_versions
from ml.models.explain import feature_importances
from ml.models.fallback import BaselineRanker
from ml.models.ranker import ThinHistory, TwoStageRanker
from ml.plan.inputs import Exclusions, load_exclusions
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.store.project import Project
from ml.store.savedmodels import (
    LoadedModel,
    ModelUnavailable,
    data_fingerprint,
    list_models,
    load_model,
    save_model,
)
from ml.workflows.backtest import check_model
from ml.workflows.results import ModelResult, drivers_chart
from ml.workflows.settings import CHECK_STARTS, CheckSettings, TrainSettings

C = Columns
# What a saved model holds, with the version of its internals: a model saved
# with other internals (2: sparse neighbour lists) is retrained, not reused.
COMPONENTS = ("ranker:2",)
# What a model holds when the history was too thin for the ranker and the
# best simple rule stands in (BaselineRanker).
FALLBACK_COMPONENTS = ("baseline:1",)
# The check on past weeks compares the ranker's lists; a simple rule has none.
_NOT_CHECKED = (
    "This history is too thin for Pushwise's model, so the plan uses a simple "
    "rule, and the check on past weeks compares Pushwise's model with such "
    "rules. The rule's own figures on the newest weeks are above."
)


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """A fitted ranker (or, for a history too thin for it, the best simple
    rule) with its description."""

    meta: ModelMeta
    ranker: TwoStageRanker | BaselineRanker

    @property
    def is_fallback(self) -> bool:
        """Whether a simple rule stands in for the ranker."""
        return is_fallback(self.meta)


def is_fallback(meta: ModelMeta) -> bool:
    """Whether the model `meta` describes is a simple rule standing in for
    the ranker (a history too thin for it)."""
    return tuple(meta.components) == FALLBACK_COMPONENTS


@dataclass(frozen=True, slots=True)
class LearningData:
    """A project's events as the models learn from them (charges such as
    postage left out) and its exclusions."""

    data: Interactions
    exclusions: Exclusions


def read_learning_data(
    project: Project, level: OfferingLevel = OfferingLevel.OFFERING
) -> LearningData:
    """The project's purchases, returns and feedback at `level`, without
    charges such as postage, and its exclusions (read once)."""
    exclusions = load_exclusions(project)
    data = load_interactions(project, level=level)
    return LearningData(data.without_offerings(exclusions.services), exclusions)


def train_model(
    data: Interactions,
    settings: TrainSettings,
    *,
    fingerprint: str,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> TrainedModel:
    """Fit the ranker on `data` (LearningData.data) with `settings` and
    describe it; `fingerprint` identifies the project's data (data_fingerprint).
    A history too thin for the ranker but at least a horizon long gets the
    best simple rule instead (BaselineRanker), which its description says."""
    as_of = settings.as_of_for(data)
    template = _ranker(settings)
    started = time.perf_counter()
    check_cancel(stop_requested)
    report(0.0, f"Learning from the purchases before {as_of:%Y-%m-%d}")
    # The ranker learns from the same ratings the plan uses, including those
    # read from unrated comments (learnt before as_of only).
    data, _ = rate_comments(data, as_of, stop_requested=stop_requested)
    fitted: TwoStageRanker | BaselineRanker
    try:
        fitted = clone(template).fit(
            data,
            as_of,
            report=scaled(report, 0.05, 0.95),
            stop_requested=stop_requested,
        )
    except ThinHistory:
        before = data.before(as_of).purchases
        first = before[C.ORDERED_AT].min()
        # Shorter than one horizon: no week to show that any rule works.
        if first >= as_of - pd.Timedelta(days=settings.horizon_days):
            raise
        fitted = BaselineRanker(horizon_days=settings.horizon_days).fit(
            data,
            as_of,
            report=scaled(report, 0.3, 0.95),
            stop_requested=stop_requested,
        )
    check_cancel(stop_requested)
    before = data.before(as_of).purchases
    fallback = fitted if isinstance(fitted, BaselineRanker) else None
    meta = ModelMeta(
        model_id=uuid.uuid4().hex,
        created_at=datetime.now(UTC),
        as_of=as_of,
        horizon_days=settings.horizon_days,
        level=str(settings.level),
        parameters=template.get_params(),
        versions=library_versions(),
        fingerprint=fingerprint,
        customers=int(before[C.CUSTOMER].nunique()),
        offerings=int(before[C.OFFERING].nunique()),
        purchases=len(before),
        validation=_validation(fitted),
        components=COMPONENTS if fallback is None else FALLBACK_COMPONENTS,
        seconds=time.perf_counter() - started,
        # A simple rule has no learned drivers: its sentence says what it is.
        drivers=_drivers(fitted) if fallback is None else (),
        note="" if fallback is None else fallback.sentence(),
    )
    report(1.0, "Model trained")
    return TrainedModel(meta=meta, ranker=fitted)


@compute.uses_cluster
def train_and_save(
    project: Project,
    settings: TrainSettings,
    *,
    learning: LearningData | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> TrainedModel:
    """Train on the project's data (`learning`, read_learning_data at the
    settings' level, read here when not given) and save the model in the
    project; a cancel or an error leaves the project as it was."""
    project.check_writable()  # before the training, not at its save
    if learning is None:
        report(0.0, "Reading the orders")
        learning = read_learning_data(project, settings.level)
    model = train_model(
        learning.data,
        settings,
        fingerprint=data_fingerprint(project),
        report=scaled(report, 0.0, 0.95),
        stop_requested=stop_requested,
    )
    check_cancel(stop_requested)
    report(0.95, "Saving the model in the project")
    save_model(project, model.meta, model)
    report(1.0, "Model saved")
    return model


def load_or_train(
    project: Project,
    settings: TrainSettings,
    *,
    learning: LearningData,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> tuple[TrainedModel, str]:
    """The newest saved model for these settings and this data that verifies,
    else a newly trained and saved one; with a note saying which."""
    as_of = settings.as_of_for(learning.data)
    parameters = _ranker(settings).get_params()
    fingerprint = data_fingerprint(project)
    same_question = [
        meta
        for meta in list_models(project)
        if meta.as_of == as_of
        and meta.horizon_days == settings.horizon_days
        and meta.level == str(settings.level)
    ]
    same_settings = [
        meta
        for meta in same_question
        if meta.parameters == parameters
        and tuple(meta.components) in (COMPONENTS, FALLBACK_COMPONENTS)
    ]
    problem: str | None = None
    for meta in same_settings:
        if meta.fingerprint != fingerprint:
            continue
        report(0.0, "Loading the saved model")
        loaded = load_model(project, meta.model_id)
        if isinstance(loaded, LoadedModel) and isinstance(loaded.model, TrainedModel):
            # Saved without the history it learnt from: the same data, rated
            # as train_model rated it, gives it back.
            rated, _ = rate_comments(
                learning.data, as_of, stop_requested=stop_requested
            )
            loaded.model.ranker.with_history(rated)
            return loaded.model, _loaded_note(loaded.model.meta)
        if problem is None:
            problem = (
                loaded.reason
                if isinstance(loaded, ModelUnavailable)
                else "does not hold a Pushwise model"
            )
    if problem is not None:
        why = (
            f"The saved model {problem}, so Pushwise retrained it from the "
            "project's data"
        )
    elif same_settings:
        why = (
            "The project's data changed since the saved model was trained, so "
            "Pushwise trained a new model"
        )
    elif same_question:
        why = (
            "The saved model was trained with other settings, so Pushwise "
            "trained a new model"
        )
    else:
        why = (
            f"No model as of {as_of:%Y-%m-%d} with a {settings.horizon_days}-day "
            f"horizon by {settings.level} was saved, so Pushwise trained one"
        )
    model = train_and_save(
        project,
        replace(settings, as_of=as_of),
        learning=learning,
        report=report,
        stop_requested=stop_requested,
    )
    return model, f"{why} and saved it in the project."


@compute.uses_cluster
def train_and_check(
    project: Project,
    settings: TrainSettings,
    check: CheckSettings,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ModelResult:
    """Train and save the model, then check it at earlier dates.

    A cancel while training leaves the project as it was; a cancel during the
    (much longer) check keeps the saved model and returns it unchecked."""
    project.check_writable()  # before the training, not at its save
    report(0.0, "Reading the orders")
    learning = read_learning_data(project, settings.level)
    check_cancel(stop_requested)
    model = train_and_save(
        project,
        settings,
        learning=learning,
        report=scaled(report, 0.02, CHECK_STARTS - 0.02),
        stop_requested=stop_requested,
    )
    drivers = drivers_chart(model.meta)
    if model.is_fallback:
        report(1.0, "Simple rule chosen and saved")
        return ModelResult(model.meta, drivers, None, _NOT_CHECKED)
    try:
        backtest, problem = check_model(
            project,
            model.meta,
            check,
            level=settings.level,
            data=learning.data,
            report=scaled(report, CHECK_STARTS, 1.0),
            stop_requested=stop_requested,
        )
    except Cancelled:
        return ModelResult(model.meta, drivers, check_stopped=True)
    report(1.0, "Model trained, saved and checked")
    return ModelResult(model.meta, drivers, backtest, problem)


@compute.uses_cluster
def check_again(
    project: Project,
    result: ModelResult,
    check: CheckSettings,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ModelResult:
    """The same model with a check at earlier dates (nothing is saved)."""
    if is_fallback(result.meta):
        return ModelResult(
            result.meta, result.drivers, None, _NOT_CHECKED, result.loaded
        )
    report(0.0, "Reading the orders")
    level = OfferingLevel(result.meta.level)
    backtest, problem = check_model(
        project,
        result.meta,
        check,
        level=level,
        data=read_learning_data(project, level).data,
        report=report,
        stop_requested=stop_requested,
    )
    return ModelResult(result.meta, result.drivers, backtest, problem, result.loaded)


def load_trained(project: Project, meta: ModelMeta) -> TrainedModel:
    """The saved model `meta` describes, unpickled; ProjectError saying why
    when it can no longer be read (removed, changed, other library versions)."""
    loaded = load_model(project, meta.model_id)
    if isinstance(loaded, LoadedModel) and isinstance(loaded.model, TrainedModel):
        return loaded.model
    reason = (
        loaded.reason
        if isinstance(loaded, ModelUnavailable)
        else "does not hold a Pushwise model"
    )
    raise ProjectError(
        f"the model trained on {meta.created_at.astimezone():%d %b %Y at %H:%M} "
        f"{reason}.",
        hint="Train the model again on the Model page.",
    )


def _ranker(settings: TrainSettings) -> TwoStageRanker:
    """An unfitted ranker with these settings (seeded: the same data gives
    the same model)."""
    options = {"random_state": 0, **settings.ranker_options}
    return TwoStageRanker(**{**options, "horizon_days": settings.horizon_days})


def _drivers(ranker: TwoStageRanker, top: int = 12) -> tuple[tuple[str, float], ...]:
    """What drives the ranker's predictions, largest first (kept in its
    description, so the window shows them without loading the model)."""
    drivers = feature_importances(ranker).head(top)
    return tuple(
        (str(name), float(share))
        for name, share in zip(drivers["driver"], drivers["importance"], strict=True)
    )


def _validation(ranker: TwoStageRanker | BaselineRanker) -> dict[str, float]:
    """Figures on the held-out newest window, where the probabilities were
    calibrated: mean |predicted - observed| uptake over the deciles, the
    observed uptake rate and the number of candidate pairs; for a simple
    rule also the customers who bought in the window, how many it caught and
    each rule's share caught ("hit_rate:popularity", ...), and no
    calibration figures when it had no window or no uptake."""
    figures: dict[str, float] = {}
    if isinstance(ranker, BaselineRanker):
        figures = {"buyers": float(ranker.buyers_), "caught": float(ranker.caught_)}
        figures.update(
            {f"hit_rate:{rule}": rate for rule, rate in ranker.hit_rates_.items()}
        )
    table = ranker.calibration_
    if table is None:
        return figures
    pairs = int(table["pairs"].sum())
    return {
        **figures,
        "calibration_gap": float((table["predicted"] - table["observed"]).abs().mean()),
        "uptake_rate": float((table["observed"] * table["pairs"]).sum() / pairs),
        "pairs": float(pairs),
    }


def _loaded_note(meta: ModelMeta) -> str:
    trained = meta.created_at.astimezone()
    return (
        f"Using the model saved in the project on {trained:%Y-%m-%d %H:%M} "
        f"(as of {meta.as_of:%Y-%m-%d}, {meta.horizon_days}-day horizon)."
    )
