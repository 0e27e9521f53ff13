"""`pushwise campaign`: save the push plan as a campaign with a control group,
list the campaigns, and report what one did."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path

from ml.cli.common import (
    BY_UPLIFT,
    EXIT_OK,
    Outcome,
    UsageError,
    add_ranking_arguments,
    add_rules_argument,
    add_source_arguments,
    check_ranking_arguments,
    cluster_argument,
    progress,
    rules_argument,
)
from ml.modelmeta import ModelMeta
from ml.plan import PlanRules, PushPlan
from ml.plan.rulesfile import load_project_rules
from ml.reading.sources import not_a_file_reason
from ml.store.project import Project
from ml.workflows.settings import TrainSettings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand and its own subcommands."""
    campaign = commands.add_parser(
        "campaign",
        help="save the push plan as a campaign with a control group; report "
        "what a campaign did",
        description="Campaigns: a push plan frozen when it is sent, with a "
        "random control group held out, and what came of it once the orders "
        "after it are imported.",
    )
    actions = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="plan and save the plan (or some offerings of it) as a campaign",
        description="Make the push plan as `pushwise recommend` does and save it "
        "in the project as a campaign that never changes. A random control "
        "group, alike in predicted chance, is held out; with --out the list to "
        "send and the control group are written as CSV.",
    )
    add_source_arguments(create, files=False)
    create.add_argument("--name", required=True, help="the campaign's name")
    create.add_argument(
        "--control",
        type=share,
        default=0.10,
        metavar="SHARE",
        help="share of the customers held out as the control group, as 10%% or "
        "0.1 (default 10%%; 0 for none)",
    )
    add_rules_argument(
        create, "push rules as a JSON object (default: the project's saved rules)"
    )
    create.add_argument(
        "--offering",
        action="append",
        default=[],
        metavar="ID",
        help="only the pushes of this offering (repeat for several)",
    )
    add_ranking_arguments(create)
    create.add_argument(
        "--seed", type=int, help="seed of the control group's draw (default: random)"
    )
    create.add_argument(
        "--out", type=Path, metavar="DIR", help="write the lists to send here"
    )
    create.add_argument(
        "--check",
        action="store_true",
        help="check the model on past weeks first, so that the campaign's "
        "report compares it with what that check promised (takes a while)",
    )
    create.set_defaults(run=run_create)
    listing = actions.add_parser("list", help="the project's campaigns")
    listing.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    listing.set_defaults(run=run_list)
    report = actions.add_parser(
        "report",
        help="predicted versus actual uptake and extra uptake over the control group",
        description="What the campaign did, from the orders imported since it "
        "started: CSV tables and an HTML report in DIR.",
    )
    report.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    report.add_argument("--name", required=True, help="the campaign's name")
    report.add_argument("--out", required=True, type=Path, metavar="DIR")
    report.set_defaults(run=run_report)


def share(text: str) -> float:
    """A share given as 10% or 0.1."""
    value = text.strip()
    try:
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a share such as 10%"
        ) from None
    if not 0.0 <= number < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a share from 0% to 99%")
    return number


def run_create(args: argparse.Namespace) -> int:
    """Plan, save the campaign, print what it holds (and write its lists)."""
    from ml.campaigns.create import create_campaign, write_campaign_lists
    from ml.campaigns.store import campaign_pushes
    from ml.workflows.plan import plan_project

    check_ranking_arguments(args)
    outcome: Outcome = args.outcome
    with _project(args.project) as project, cluster_argument(args):
        given = rules_argument(args.rules)
        rules: PlanRules = given or load_project_rules(project)
        settings = TrainSettings(as_of=args.as_of, horizon_days=args.horizon)
        with outcome.saving(project, "the new model"):
            planned = plan_project(project, settings, rules, report=progress())
        plan = planned.plan
        if args.rank_by in BY_UPLIFT:
            plan = _by_uplift(project, plan, args)
        promised = _promise(project, planned.model.meta) if args.check else None
        with outcome.saving(project, f"the campaign '{args.name}'"):
            campaign = create_campaign(
                project,
                args.name,
                plan,
                horizon_days=planned.model.meta.horizon_days,
                model_id=planned.model.meta.model_id,
                control_share=args.control,
                offerings=args.offering,
                seed=args.seed,
                promised=promised,
            )
        lists = None
        if args.out is not None:
            lists = write_campaign_lists(project.con, campaign, args.out)
        pushes = campaign_pushes(project.con, campaign.campaign_id)
    held = pushes.loc[pushes["control"], "customer_id"].nunique()
    sent = pushes[~pushes["control"]]
    print(
        f"Campaign '{campaign.name}' saved as of {campaign.starts_at:%Y-%m-%d} for "
        f"{campaign.horizon_days} days: {len(sent):,} pushes to "
        f"{sent['customer_id'].nunique():,} customers."
    )
    if campaign.control_share:
        print(
            f"Control group: {held:,} customers held out ({campaign.control_share:.0%}"
            f" drawn at random within bands of predicted chance, seed "
            f"{campaign.seed}). Do not contact them for this campaign."
        )
    if lists is not None:
        print(f"To send: {lists[0]}")
        print(f"Control group (not to contact): {lists[1]}")
    return EXIT_OK


def _by_uplift(project: Project, plan: PushPlan, args: argparse.Namespace) -> PushPlan:
    """The plan's pushes that add the most uptake (or revenue), within the
    budget; says what the list is expected to add."""
    from ml.workflows.uplift import (
        extra_in_words,
        left_out_in_words,
        only_listed,
        plan_by_uplift,
    )

    ranked = plan_by_uplift(
        project.con,
        plan,
        budget=args.budget,
        by_revenue=args.rank_by == "extra-revenue",
        report=progress(),
    )
    print(
        f"Ranked by {args.rank_by}: the {len(ranked.rows):,} pushes kept are "
        f"expected to bring {extra_in_words(ranked.rows)} that would not happen "
        "without them."
    )
    print(left_out_in_words(ranked, args.budget))
    if ranked.caution:
        print(ranked.caution)
    return only_listed(plan, ranked.rows)


def _promise(project: Project, meta: ModelMeta) -> dict[str, float] | None:
    """What the check on past weeks promises for the plan (None when the
    history is too short to check: said why)."""
    from ml.campaigns.create import backtest_promise
    from ml.workflows.backtest import check_model
    from ml.workflows.settings import CheckSettings

    report, problem = check_model(project, meta, CheckSettings(), report=progress())
    if report is None:
        print(f"Not checked on past weeks: {problem}")
        return None
    return backtest_promise(report)


def run_list(args: argparse.Namespace) -> int:
    """Print the project's campaigns, oldest first."""
    from ml.campaigns.store import campaigns

    with _project(args.project) as project:
        found = campaigns(project.con)
    if not found:
        print("No campaigns yet: save a push plan with `pushwise campaign create`.")
    for campaign in found:
        control = (
            f"control {campaign.control_share:.0%}"
            if campaign.control_share
            else "no control group"
        )
        print(
            f"{campaign.name}: from {campaign.starts_at:%Y-%m-%d}, "
            f"{campaign.horizon_days} days, {control}"
        )
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    """Write the campaign's results and print them in words."""
    from ml.campaigns.report import write_campaign_report
    from ml.campaigns.results import campaign_results, results_in_words

    with _project(args.project) as project:
        results = campaign_results(project.con, args.name)
    written = write_campaign_report(results, args.out)
    for line in results_in_words(results):
        print(line)
    print(f"Report: {written[-1]}")
    print(f"Tables: {', '.join(path.name for path in written[:-1])} in {args.out}")
    return EXIT_OK


@contextlib.contextmanager
def _project(path: Path) -> Iterator[Project]:
    """The project at `path`, which must exist."""
    reason = not_a_file_reason(path)
    if reason is not None:
        raise UsageError(f"{path}: {reason}")
    with Project.open(path) as project:
        yield project
