"""`pushwise demo`: the whole pipeline on the bundled sample, from import to a
report a marketing user can open: import, train, backtest, plan, forecast."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ml.backtest.report import BacktestReport
from ml.columns import Columns
from ml.demofolder import check_demo_folder, prepare_demo_folder
from ml.htmlreport.html import ReportInputs, write_report
from ml.importing.importer import import_file
from ml.plan import PlanRules, load_offering_names, to_plan_csv
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.resources import sample_orders
from ml.store.project import Project
from ml.workflows.backtest import backtest_project
from ml.workflows.forecast import forecast_project, to_forecast_csv, uptake_gap
from ml.workflows.plan import plan_project
from ml.workflows.settings import DEMO_FOLDS, TrainSettings

C = Columns
PROJECT_NAME = "sample.pushwise"
BACKTEST_FOLDER = "backtest"
# Every file the demo writes, relative to its folder: the only files a later
# demo replaces there (see ml.demofolder).
DEMO_OUTPUTS = (
    PROJECT_NAME,
    PROJECT_NAME + ".wal",
    "plan.csv",
    "forecast.csv",
    "report.html",
    *(f"{BACKTEST_FOLDER}/{name}" for name in BacktestReport.file_names()),
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Where the demo wrote its report and files, and its one-line findings."""

    folder: Path
    report: Path
    files: tuple[Path, ...]
    headline: str


def run_demo(
    folder: Path,
    *,
    folds: int = DEMO_FOLDS,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> DemoResult:
    """Import the sample into `folder`/sample.pushwise (made anew), train,
    backtest, plan and forecast, and write report.html with the CSVs there.

    `folder` must be new, empty or an earlier demo's output (DemoFolderError
    otherwise, before anything is changed): no file of the user's is replaced.
    """
    prepare_demo_folder(folder, DEMO_OUTPUTS, PROJECT_NAME)
    project_path = folder / PROJECT_NAME
    with Project.open(project_path, create=True) as project:
        import_file(
            project,
            sample_orders(),
            report=scaled(report, 0.0, 0.1),
            stop_requested=stop_requested,
        )
        result = plan_project(
            project,
            TrainSettings(),
            PlanRules(),
            report=scaled(report, 0.1, 0.45),
            stop_requested=stop_requested,
        )
        plan = result.plan
        check_cancel(stop_requested)
        report(0.45, "Forecasting the uptake of each offering")
        forecast = forecast_project(
            project, as_of=plan.as_of, stop_requested=stop_requested
        )
        customers = sorted(plan.rows[C.CUSTOMER].unique())
        gap = uptake_gap(forecast, result.model.ranker.scored(customers))
        backtest = backtest_project(
            project,
            folds=folds,
            rules=PlanRules(),
            report=scaled(report, 0.55, 0.95),
            stop_requested=stop_requested,
        )
        names = load_offering_names(project)
        summary = project.info().to_text()
    report(0.95, "Writing the report")
    files = [
        to_plan_csv(plan, folder / "plan.csv"),
        to_forecast_csv(forecast, folder / "forecast.csv"),
        *backtest.write(folder / BACKTEST_FOLDER),
    ]
    page = write_report(
        ReportInputs(
            data_summary=summary,
            model_note=result.note,
            backtest=backtest,
            plan=plan,
            forecast=forecast,
            gap=gap,
            names=names,
        ),
        folder / "report.html",
    )
    report(1.0, "Demo finished")
    return DemoResult(
        folder=folder,
        report=page,
        files=(project_path, *files),
        headline=backtest.headline(),
    )


def check_folder(folder: Path) -> None:
    """Raise DemoFolderError when the demo may not write into folder (a file,
    or a folder holding files an earlier demo did not write)."""
    check_demo_folder(folder, DEMO_OUTPUTS, PROJECT_NAME)
