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
from ml.dataset import OfferingLevel, load_interactions
from ml.plan import load_exclusions, load_offering_names, to_plan_csv
from ml.planning import plan_for_customers


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
    """Plan and write PLAN.csv; print how many rows each rule removed."""
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        level = offering_level(project, args.offering_column)
        data = load_interactions(project, level=level)
        plan = plan_for_customers(
            data,
            as_of=args.as_of,
            horizon_days=args.horizon,
            top=args.top,
            new_only=args.new_only,
            exclusions=load_exclusions(project),
            names=load_offering_names(project)
            if level is OfferingLevel.OFFERING
            else None,
            report=progress(),
        )
    to_plan_csv(plan, args.out)
    removed = ", ".join(f"{rule} {n:,}" for rule, n in plan.removed_by_rule.items())
    customers = plan.rows[Columns.CUSTOMER].nunique()
    print(
        f"Push plan as of {plan.as_of:%Y-%m-%d}: {len(plan.rows):,} pushes for "
        f"{customers:,} customers written to {args.out}"
    )
    print(f"Removed by the rules: {removed}")
    return EXIT_OK
