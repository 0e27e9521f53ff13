"""`pushwise backtest`: predicted against actual at earlier dates, as CSV tables."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

import pandas as pd

from ml.backtest import run_backtest
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
from ml.dataset import OfferingLevel, load_interactions
from ml.features.categories import load_categories
from ml.plan import PlanRules, load_exclusions
from ml.plan.rulesfile import load_project_rules


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
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"{args.out} is a file; --out takes a folder.")
    rules = rules_argument(args.rules)
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        level = offering_level(project, args.offering_column)
        data = load_interactions(project, level=level)
        by_offering = level is OfferingLevel.OFFERING
        categories = load_categories(project) if by_offering else None
        exclusions = load_exclusions(project)
        if rules is None:
            rules = load_project_rules(project) if args.project else PlanRules()
    report = run_backtest(
        data,
        folds=args.folds,
        horizon_days=args.horizon,
        as_of=args.as_of,
        exclusions=exclusions,
        categories=categories,
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
