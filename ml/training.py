"""Training a project's model as of a date, saving it, and reusing a saved one
when it was trained for the same question on the same data."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sklearn.base import clone

from ml.columns import Columns
from ml.dataset import Interactions, OfferingLevel
from ml.demand.base import DemandForecaster
from ml.features.comments import rate_comments
from ml.modelmeta import ModelMeta, library_versions
from ml.models.ranker import TwoStageRanker
from ml.plan import load_exclusions
from ml.planning import default_as_of, without_offerings
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.store.models import (
    LoadedModel,
    ModelUnavailable,
    data_fingerprint,
    list_models,
    load_model,
    save_model,
)
from ml.store.project import Project

__all__ = [
    "ModelMeta",
    "TrainedModel",
    "load_or_train",
    "train_and_save",
    "train_model",
]

C = Columns
# What a saved model holds, with the version of its internals: a model saved
# with other internals (2: sparse neighbour lists) is retrained, not reused.
COMPONENTS = ("ranker:2",)


@dataclass(frozen=True, slots=True)
class TrainedModel:
    """A fitted ranker (and demand model, when there is one) with its description."""

    meta: ModelMeta
    ranker: TwoStageRanker
    demand: DemandForecaster | None


def train_model(
    data: Interactions,
    *,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    level: OfferingLevel = OfferingLevel.OFFERING,
    fingerprint: str,
    ranker: TwoStageRanker | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> TrainedModel:
    """Fit the ranker on `data` (loaded at `level`) as of `as_of` (default: the
    day after the last order) and describe it; `ranker` gives other parameters
    than the defaults, `fingerprint` identifies the data (data_fingerprint)."""
    as_of = default_as_of(data) if as_of is None else pd.Timestamp(as_of)
    template = _template(ranker, horizon_days)
    started = time.perf_counter()
    check_cancel(stop_requested)
    report(0.0, f"Learning from the purchases before {as_of:%Y-%m-%d}")
    # The ranker learns from the same ratings the plan uses, including those
    # read from unrated comments (learnt before as_of only).
    data, _ = rate_comments(data, as_of, stop_requested=stop_requested)
    fitted = clone(template).fit(
        data,
        as_of,
        report=scaled(report, 0.05, 0.95),
        stop_requested=stop_requested,
    )
    check_cancel(stop_requested)
    before = data.purchases.loc[data.purchases[C.ORDERED_AT] < as_of]
    meta = ModelMeta(
        model_id=uuid.uuid4().hex,
        created_at=datetime.now(UTC),
        as_of=as_of,
        horizon_days=horizon_days,
        level=str(level),
        parameters=template.get_params(),
        versions=library_versions(),
        fingerprint=fingerprint,
        customers=int(before[C.CUSTOMER].nunique()),
        offerings=int(before[C.OFFERING].nunique()),
        purchases=len(before),
        validation=_validation(fitted),
        components=COMPONENTS,
        seconds=time.perf_counter() - started,
    )
    report(1.0, "Model trained")
    return TrainedModel(meta=meta, ranker=fitted, demand=None)


def train_and_save(
    project: Project,
    data: Interactions,
    *,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    level: OfferingLevel = OfferingLevel.OFFERING,
    ranker: TwoStageRanker | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> TrainedModel:
    """Train on the project's data (`data`, loaded from it at `level`) and save
    the model in the project; a cancel or an error leaves the project as it was."""
    return _train_and_save(
        project,
        _learning_data(project, data),
        as_of=as_of,
        horizon_days=horizon_days,
        level=level,
        ranker=ranker,
        report=report,
        stop_requested=stop_requested,
    )


def load_or_train(
    project: Project,
    data: Interactions,
    *,
    as_of: pd.Timestamp | None = None,
    horizon_days: int = 28,
    level: OfferingLevel = OfferingLevel.OFFERING,
    ranker: TwoStageRanker | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> tuple[TrainedModel, str]:
    """The newest saved model for this as-of date, horizon, level and data that
    verifies (with its history given back), else a newly trained and saved
    one; with a note saying which."""
    data = _learning_data(project, data)
    as_of = default_as_of(data) if as_of is None else pd.Timestamp(as_of)
    parameters = _template(ranker, horizon_days).get_params()
    fingerprint = data_fingerprint(project)
    same_question = [
        meta
        for meta in list_models(project)
        if meta.as_of == as_of
        and meta.horizon_days == horizon_days
        and meta.level == str(level)
    ]
    same_settings = [
        meta
        for meta in same_question
        if meta.parameters == parameters and meta.components == COMPONENTS
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
            rated, _ = rate_comments(data, as_of, stop_requested=stop_requested)
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
            f"No model as of {as_of:%Y-%m-%d} with a {horizon_days}-day horizon "
            f"by {level} was saved, so Pushwise trained one"
        )
    model = _train_and_save(
        project,
        data,
        as_of=as_of,
        horizon_days=horizon_days,
        level=level,
        ranker=ranker,
        report=report,
        stop_requested=stop_requested,
    )
    return model, f"{why} and saved it in the project."


def _train_and_save(
    project: Project,
    data: Interactions,
    *,
    as_of: pd.Timestamp | None,
    horizon_days: int,
    level: OfferingLevel,
    ranker: TwoStageRanker | None,
    report: ReportFn,
    stop_requested: StopFn,
) -> TrainedModel:
    model = train_model(
        data,
        as_of=as_of,
        horizon_days=horizon_days,
        level=level,
        fingerprint=data_fingerprint(project),
        ranker=ranker,
        report=scaled(report, 0.0, 0.95),
        stop_requested=stop_requested,
    )
    check_cancel(stop_requested)
    report(0.95, "Saving the model in the project")
    save_model(project, model.meta, model)
    report(1.0, "Model saved")
    return model


def _learning_data(project: Project, data: Interactions) -> Interactions:
    """The data without charges such as postage, as the push plan sees it."""
    return without_offerings(data, load_exclusions(project).services)


def _template(ranker: TwoStageRanker | None, horizon_days: int) -> TwoStageRanker:
    if ranker is None:
        return TwoStageRanker(horizon_days=horizon_days, random_state=0)
    template: TwoStageRanker = clone(ranker).set_params(horizon_days=horizon_days)
    return template


def _validation(ranker: TwoStageRanker) -> dict[str, float]:
    """Figures on the held-out newest window, where the probabilities were
    calibrated: mean |predicted - observed| uptake over the deciles, the
    observed uptake rate and the number of candidate pairs."""
    table = ranker.calibration_
    pairs = int(table["pairs"].sum())
    return {
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
