"""`pushwise recommend`: the push plan as PLAN.csv."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from ml.cli.common import (
    EXIT_OK,
    add_source_arguments,
    offering_level,
    open_source,
    positive_int,
    progress,
)
from ml.columns import Columns
from ml.pipeline import plan_project
from ml.plan import to_plan_csv


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    recommend = commands.add_parser(
        "recommend",
        help="plan which offerings to push to which customers",
        description="Train on the order history as of a date and write the push "
        "plan: for every customer, the offerings most worth offering, best first.",
    )
    add_source_arguments(recommend, files=True)
    recommend.add_argument("--top", type=positive_int, default=10, metavar="N")
    recommend.add_argument(
        "--new-only",
        action="store_true",
        help="only offerings the customer has never bought",
    )
    recommend.add_argument(
        "--offering-column",
        metavar="COL",
        help="plan by this column of the orders file (e.g. its category column)",
    )
    recommend.add_argument("--out", required=True, type=Path, metavar="PLAN.csv")
    recommend.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Plan and write PLAN.csv with the project's saved model (or a new one);
    print which model and how many rows each rule removed."""
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        result = plan_project(
            project,
            level=offering_level(project, args.offering_column),
            as_of=args.as_of,
            horizon_days=args.horizon,
            top=args.top,
            new_only=args.new_only,
            # Files given with --orders live in a throw-away project: nothing
            # saved to reuse, so the plan trains its own model.
            save_model=args.project is not None,
            report=progress(),
        )
    plan, note = result.plan, result.note
    to_plan_csv(plan, args.out)
    if note:
        print(note)
    removed = ", ".join(f"{rule} {n:,}" for rule, n in plan.removed_by_rule.items())
    customers = plan.rows[Columns.CUSTOMER].nunique()
    print(
        f"Push plan as of {plan.as_of:%Y-%m-%d}: {len(plan.rows):,} pushes for "
        f"{customers:,} customers written to {args.out}"
    )
    print(f"Removed by the rules: {removed}")
    return EXIT_OK
