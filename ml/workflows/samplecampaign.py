"""A campaign on the bundled sample, to see what a campaign's results look
like before running one: the sample's orders before SPLIT are imported, the
push plan as of SPLIT is saved as a campaign with a control group, then the
orders after it are imported. (Nobody was really pushed in the sample, so
the extra uptake over the control group is about nothing: that is what a
push that changed nothing looks like.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from ml.campaigns.create import create_campaign
from ml.importing.importer import import_file
from ml.plan.rulesfile import load_project_rules
from ml.progress import ReportFn, StopFn, never, no_report, scaled
from ml.resources import sample_orders
from ml.store.project import Project
from ml.workflows.plan import plan_project
from ml.workflows.settings import TrainSettings

SPLIT = pd.Timestamp("2011-11-01")
NAME = "Sample campaign, November 2011"
CONTROL_SHARE = 0.10
SEED = 2011


def make_sample_campaign(
    project: Project, *, report: ReportFn = no_report, stop_requested: StopFn = never
) -> str:
    """Fill an empty project with the sample and its campaign; return the
    campaign's name."""
    orders = pd.read_csv(sample_orders(), dtype=str)
    before = pd.to_datetime(orders["InvoiceDate"]) < SPLIT
    with tempfile.TemporaryDirectory() as folder:
        first = (
            Path(folder)
            / f"sample orders until {SPLIT - pd.Timedelta(days=1):%Y-%m-%d}.csv"
        )
        later = Path(folder) / f"sample orders from {SPLIT:%Y-%m-%d}.csv"
        orders[before].to_csv(first, index=False)
        orders[~before].to_csv(later, index=False)
        import_file(project, first, report=scaled(report, 0.0, 0.1))
        planned = plan_project(
            project,
            TrainSettings(as_of=SPLIT),
            load_project_rules(project),
            report=scaled(report, 0.1, 0.85),
            stop_requested=stop_requested,
        )
        create_campaign(
            project,
            NAME,
            planned.plan,
            horizon_days=planned.model.meta.horizon_days,
            model_id=planned.model.meta.model_id,
            control_share=CONTROL_SHARE,
            seed=SEED,
        )
        import_file(project, later, report=scaled(report, 0.9, 1.0))
    return NAME
