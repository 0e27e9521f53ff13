"""`pushwise train`: train the project's model and save it in the project."""

from __future__ import annotations

import argparse
import contextlib
from typing import TYPE_CHECKING

import pandas as pd

from ml.cli.common import (
    EXIT_OK,
    Outcome,
    add_source_arguments,
    open_source,
    progress,
)
from ml.store.savedmodels import KEEP
from ml.workflows.settings import TrainSettings

if TYPE_CHECKING:
    from ml.workflows.train import TrainedModel


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    train = commands.add_parser(
        "train",
        help="train the model of a project and save it in the project",
        description="Learn from the project's order history as of a date what "
        "each customer is likely to take up within the horizon, check it on the "
        "newest weeks before that date, and save the model in the project "
        f"(the {KEEP} newest models are kept).",
    )
    add_source_arguments(train, files=False)
    train.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train, save in one transaction, and print what was trained and how well."""
    # Imported here: `pushwise import` and `info` start without scikit-learn.
    from ml.workflows.train import train_and_save

    outcome: Outcome = args.outcome
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        project.check_writable()  # before the training, not after it
        with outcome.saving(project, "the new model"):
            model = train_and_save(
                project,
                TrainSettings(as_of=args.as_of, horizon_days=args.horizon),
                report=progress(),
            )
    for line in summary(model):
        print(line)
    print(f"Saved in {args.project} as model {model.meta.model_id}.")
    return EXIT_OK


def summary(model: TrainedModel) -> list[str]:
    """What was trained, on what, and its figures on the held-out window (for
    a simple rule standing in for the model, the sentence saying so)."""
    meta = model.meta
    start = meta.as_of - pd.Timedelta(days=meta.horizon_days)
    last = meta.as_of - pd.Timedelta(days=1)
    figures = meta.validation
    trained = (
        f"Trained as of {meta.as_of:%Y-%m-%d} for a {meta.horizon_days}-day horizon "
        f"in {meta.seconds:.1f} s, on {meta.purchases:,} purchase lines of "
        f"{meta.customers:,} customers and {meta.offerings:,} offerings."
    )
    if meta.note:
        return [trained, meta.note]
    return [
        trained,
        f"Held-out window {start:%Y-%m-%d} to {last:%Y-%m-%d}: "
        f"{figures['pairs']:,.0f} candidate pairs, {figures['uptake_rate']:.1%} "
        f"taken up; calibration gap {figures['calibration_gap']:.4f} (mean "
        "|predicted - observed| uptake over ten deciles, on the window that "
        "calibrated the probabilities).",
    ]
