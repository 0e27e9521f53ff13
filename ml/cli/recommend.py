"""`pushwise recommend`: the push plan as PLAN.csv."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ml.cli.common import (
    BY_UPLIFT,
    EXIT_OK,
    Outcome,
    add_ranking_arguments,
    add_rules_argument,
    add_source_arguments,
    check_ranking_arguments,
    offering_level,
    open_source,
    positive_int,
    progress,
    rules_argument,
)
from ml.columns import Columns
from ml.plan import PlanRules, to_plan_csv
from ml.plan.holdback import describe_hold_back
from ml.plan.returns import describe_returns
from ml.plan.rules import removed_in_words
from ml.plan.rulesfile import load_project_rules, save_project_rules
from ml.safecells import write_safe_csv
from ml.workflows.settings import TrainSettings

if TYPE_CHECKING:
    from ml.workflows.uplift import UpliftPlan


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    recommend = commands.add_parser(
        "recommend",
        help="plan which offerings to push to which customers",
        description="Train on the order history as of a date and write the push "
        "plan: for every customer, the offerings most worth offering, best first.",
    )
    add_source_arguments(recommend, files=True)
    recommend.add_argument(
        "--top",
        type=positive_int,
        metavar="N",
        help="at most N pushes per customer (default: the rules' "
        "max_per_customer, 10 unless changed)",
    )
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
    add_rules_argument(
        recommend,
        "push rules as a JSON object (see README); with --project they are saved "
        "in the project, which the GUI's Push plan page then uses too (default: "
        "the rules saved in the project)",
    )
    add_ranking_arguments(recommend)
    recommend.add_argument("--out", required=True, type=Path, metavar="PLAN.csv")
    recommend.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Plan and write PLAN.csv with the project's saved model (or a new one);
    print which model, which hold-back and how many rows each rule removed."""
    # Imported here: `pushwise import` and `info` start without scikit-learn.
    from ml.workflows.plan import plan_project

    check_ranking_arguments(args)
    given = rules_argument(args.rules)
    outcome: Outcome = args.outcome
    ranked = None
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        if given is not None:
            rules = given
        elif args.project is not None:
            rules = load_project_rules(project)
        else:
            rules = PlanRules()
        if args.top is not None:
            rules = replace(rules, max_per_customer=args.top)
        with outcome.saving(project, "the new model"):
            settings = TrainSettings(
                as_of=args.as_of,
                horizon_days=args.horizon,
                level=offering_level(project, args.offering_column),
            )
            result = plan_project(
                project,
                settings,
                rules,
                new_only=args.new_only,
                # Files given with --orders live in a throw-away project: nothing
                # saved to reuse, so the plan trains its own model.
                # A read-only project is planned from, not saved to.
                save_model=args.project is not None and not project.read_only,
                report=progress(),
            )
        rules_saved = (
            given is not None and args.project is not None and not project.read_only
        )
        if rules_saved and given is not None:
            # Saved once the plan is made, so that a failed run changes nothing.
            with outcome.saving(project, "the push rules"):
                save_project_rules(project, given)
        if args.rank_by in BY_UPLIFT:
            from ml.workflows.uplift import plan_by_uplift

            ranked = plan_by_uplift(
                project.con,
                result.plan,
                budget=args.budget,
                by_revenue=args.rank_by == "extra-revenue",
                report=progress(),
            )
        read_only = project.read_only_reason
    plan, note = result.plan, result.note
    if ranked is None:
        to_plan_csv(plan, args.out)
    else:
        _write_ranked(ranked, args.out)
    if note:
        print(note)
    if result.model.meta.note:
        print(result.model.meta.note)
    if rules_saved:
        print(f"Push rules from {args.rules} saved in the project.")
    if read_only is not None:
        print(
            f"The project is read-only ({read_only}): the plan was made without "
            "saving the model or the push rules in it."
        )
    removed = removed_in_words(plan.removed_by_rule, returns_block=plan.returns_blocked)
    customers = plan.rows[Columns.CUSTOMER].nunique()
    written = f" written to {args.out}" if ranked is None else ""
    print(
        f"Push plan as of {plan.as_of:%Y-%m-%d}: {len(plan.rows):,} pushes for "
        f"{customers:,} customers{written}"
    )
    print(describe_hold_back(plan.rules, plan.intervals))
    print(describe_returns(plan.rules, plan.returns))
    print(f"Removed by the rules: {removed}")
    return EXIT_OK


def _write_ranked(ranked: UpliftPlan, out: Path) -> None:
    """Write the pushes ranked by extra uptake and the gain curve beside them;
    say what the list is expected to add."""
    from ml.workflows.uplift import extra_in_words, left_out_in_words

    write_safe_csv(ranked.rows, out)
    curve = write_safe_csv(ranked.curve, out.with_name(f"{out.stem}-gain.csv"))
    customers = write_safe_csv(
        ranked.customers, out.with_name(f"{out.stem}-customers.csv")
    )
    by = "revenue" if ranked.ranked_by == "extra_revenue" else "uptake"
    print(
        f"Ranked by extra {by}: the {len(ranked.rows):,} pushes written are "
        f"expected to bring {extra_in_words(ranked.rows)} that would not happen "
        f"without them (gain for every list size: {curve.name})."
    )
    print(f"{left_out_in_words(ranked)} Every customer's type: {customers.name}.")
    if ranked.caution:
        print(ranked.caution)
    print(ranked.description)
