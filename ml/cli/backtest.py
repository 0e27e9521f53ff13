"""`pushwise backtest`: predicted against actual at earlier dates, as CSV tables."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import pandas as pd

from ml.cli.common import (
    EXIT_OK,
    UsageError,
    add_rules_argument,
    add_source_arguments,
    offering_level,
    open_source,
    positive_int,
    progress,
    rules_argument,
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    backtest = commands.add_parser(
        "backtest",
        help="check the predictions against what really happened",
        description="Run the same training and planning at earlier dates (one "
        "per fold, each horizon fully in the past) and compare the push lists, "
        "probabilities and demand forecasts with what customers really bought, "
        "next to simple baselines. --as-of is the newest of those dates (by "
        "default the last HORIZON complete days are its test window).",
    )
    add_source_arguments(backtest, files=True)
    backtest.add_argument(
        "--folds",
        type=positive_int,
        default=4,
        metavar="N",
        help="how many earlier dates, one horizon apart (default 4)",
    )
    backtest.add_argument(
        "--offering-column",
        metavar="COL",
        help="backtest by this column of the orders file (e.g. its category "
        "column): lists, plan and baselines at that level",
    )
    add_rules_argument(
        backtest,
        "push rules (JSON) the plan is scored with (default: the rules saved in "
        "the project)",
    )
    backtest.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="REPORT_DIR",
        help="folder for the report's CSV tables (created if missing)",
    )
    backtest.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Backtest, write the tables into REPORT_DIR, print the headline and summary
    (the model alone, its plan with the push rules, and the baselines)."""
    # Imported here: `pushwise import` and `info` start without scikit-learn.
    from ml.workflows.backtest import backtest_project

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"{args.out} is a file; --out takes a folder.")
    rules = rules_argument(args.rules)
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        report = backtest_project(
            project,
            level=offering_level(project, args.offering_column),
            folds=args.folds,
            horizon_days=args.horizon,
            as_of=args.as_of,
            rules=rules,
            report=progress(),
        )
    written = report.write(args.out)
    print(report.headline())
    print()
    summary = report.summary().rename(columns={"hit_rate": "hit rate"})
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(summary.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print()
    print(f"Wrote {len(written)} tables to {args.out}")
    return EXIT_OK
