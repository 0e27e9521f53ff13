"""The saved model a window shows: its description, checked as far as that
needs no unpickling (light: no scikit-learn; workers load the model itself)."""

from __future__ import annotations

from ml.modelmeta import ModelMeta
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.store.project import Project
from ml.store.savedmodels import described_models
from ml.workflows.results import ModelResult, drivers_chart


def newest_model(
    project: Project, report: ReportFn = no_report, stop_requested: StopFn = never
) -> ModelResult | str:
    """The newest saved model this computer can use, or why none is ("" if
    none is saved)."""
    report(0.0, "Reading the saved models")
    problem = ""
    for found in described_models(project):
        check_cancel(stop_requested)
        if isinstance(found, ModelMeta):
            return ModelResult(found, drivers_chart(found), loaded=True)
        problem = problem or f"The saved model {found.reason}."
    return problem
