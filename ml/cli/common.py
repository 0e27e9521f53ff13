"""What the subcommands share: exit codes, argument types, the data source
(a project, or order and feedback files imported on the fly) and progress."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from ml import compute
from ml.cli import outcome
from ml.columns import Columns, Kind
from ml.dataset import OfferingLevel
from ml.importing.importer import import_file
from ml.mapping.mapping import ColumnMapping
from ml.plan.rules import PlanRules
from ml.plan.rulesfile import RulesFileError, read_rules
from ml.reading.sources import not_a_file_reason
from ml.store.project import Project

# The exit codes (listed in EXIT_CODES_HELP and by `pushwise --help`) live in
# ml.cli.outcome, which main() uses even before the engine has loaded.
EXIT_BAD_ARGUMENTS = outcome.EXIT_BAD_ARGUMENTS
EXIT_BAD_INPUT = outcome.EXIT_BAD_INPUT
EXIT_CANCELLED = outcome.EXIT_CANCELLED
EXIT_CANNOT_WRITE = outcome.EXIT_CANNOT_WRITE
EXIT_CODES_HELP = outcome.EXIT_CODES_HELP
EXIT_FAILED = outcome.EXIT_FAILED
EXIT_OK = outcome.EXIT_OK
EXIT_SAVED_WITH_WARNING = outcome.EXIT_SAVED_WITH_WARNING
Outcome = outcome.Outcome
UsageError = outcome.UsageError


def iso_date(text: str) -> pd.Timestamp:
    """argparse type: a YYYY-MM-DD date."""
    try:
        return pd.Timestamp(date.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD"
        ) from None


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number >= 1")
    return int(text)


def add_source_arguments(parser: argparse.ArgumentParser, *, files: bool) -> None:
    """--project (and, when `files`, --orders/--feedback), --as-of and --horizon."""
    if files:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--project", type=Path, metavar="P.pushwise")
        source.add_argument(
            "--orders",
            type=Path,
            metavar="FILE",
            help="orders file, imported on the fly",
        )
        parser.add_argument(
            "--feedback",
            type=Path,
            metavar="FILE",
            help="feedback file (with --orders)",
        )
    else:
        parser.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="as of this date (default: the day after the last order)",
    )
    parser.add_argument("--horizon", type=positive_int, default=28, metavar="DAYS")
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the heavy steps on the Dask cluster of this scheduler "
        f"(default: ${compute.SCHEDULER_ENV}, else the project's setting, else "
        "this computer; needs pip install 'pushwise[cluster]')",
    )


BY_UPLIFT = ("extra-uptake", "extra-revenue")  # --rank-by learnt from campaigns


def add_ranking_arguments(parser: argparse.ArgumentParser) -> None:
    """--rank-by and --budget: the plan by the chance of uptake, or by the
    extra uptake (or revenue) learnt from the project's campaigns."""
    parser.add_argument(
        "--rank-by",
        choices=["chance", *BY_UPLIFT],
        default="chance",
        help="rank pushes by the chance of uptake (default), or by the extra "
        "uptake (or revenue) a push brings, learnt from the project's campaigns "
        "with a control group (who buys only if pushed)",
    )
    parser.add_argument(
        "--budget",
        type=positive_int,
        metavar="N",
        help="with --rank-by extra-uptake or extra-revenue: the N pushes expected "
        "to add the most",
    )


def check_ranking_arguments(args: argparse.Namespace) -> None:
    """UsageError when --budget is given without a ranking learnt from campaigns."""
    if args.budget is not None and args.rank_by not in BY_UPLIFT:
        raise UsageError("--budget goes with --rank-by extra-uptake or extra-revenue.")


def add_rules_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """--rules RULES.json: the push rules (a JSON object of PlanRules fields)."""
    parser.add_argument("--rules", type=Path, metavar="RULES.json", help=help_text)


def rules_argument(path: Path | None) -> PlanRules | None:
    """The rules of --rules (None when not given); a file that cannot be used
    is a bad argument (exit 2), named with the key at fault."""
    if path is None:
        return None
    try:
        return read_rules(path)
    except RulesFileError as error:
        raise UsageError(error.message) from None


def open_source(args: argparse.Namespace, stack: contextlib.ExitStack) -> Project:
    """The project named by --project, or a temporary one holding --orders
    (and --feedback) imported with the automatic mapping."""
    orders = getattr(args, "orders", None)
    feedback = getattr(args, "feedback", None)
    if feedback is not None and orders is None:
        raise UsageError("--feedback goes with --orders.")
    for file in (args.project, orders, feedback):
        reason = None if file is None else not_a_file_reason(file)
        if reason is not None:
            raise UsageError(f"{file}: {reason}")
    stack.enter_context(cluster_argument(args))
    if args.project is not None:
        return stack.enter_context(Project.open(args.project))
    if orders is None:
        raise UsageError("give --project or --orders.")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    project = stack.enter_context(
        Project.open(folder / "on-the-fly.pushwise", create=True)
    )
    import_file(project, orders, kind=Kind.ORDERS)
    if feedback is not None:
        import_file(project, feedback, kind=Kind.FEEDBACK)
    return project


def cluster_argument(
    args: argparse.Namespace,
) -> contextlib.AbstractContextManager[None]:
    """Within this block the workflows use --scheduler (when given); an
    address that is none is a bad argument."""
    if args.scheduler is not None:
        try:
            compute.check_address(args.scheduler, where="--scheduler")
        except compute.ClusterError as error:
            raise UsageError(error.message) from None
    return compute.scheduler_given(args.scheduler)


def offering_level(project: Project, column: str | None) -> OfferingLevel:
    """What --offering-column means for this project's orders."""
    if column is None:
        return OfferingLevel.OFFERING
    usable: dict[str, OfferingLevel] = {}
    for record in project.imports():
        if record.kind == Kind.ORDERS:
            mapping = ColumnMapping.from_json(record.mapping_json)
            for canonical, level in (
                (Columns.OFFERING, OfferingLevel.OFFERING),
                (Columns.CATEGORY, OfferingLevel.CATEGORY),
            ):
                source = mapping.source_of(canonical)
                if source:
                    usable[source] = level
    if column in usable:
        return usable[column]
    names = ", ".join(sorted(usable)) or "none"
    raise UsageError(
        f"--offering-column '{column}' is not the product or category "
        f"column of the imported orders; usable columns: {names}."
    )


class ProgressPrinter:
    """Progress on stderr: one line kept up to date on a terminal; elsewhere
    (a log file, `make run` without a terminal) a plain line every
    `every_s` seconds once the command has run that long, so a long demo is
    never silent and a quick command prints nothing but its result."""

    def __init__(
        self,
        terminal: bool,
        every_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.terminal = terminal
        self.every_s = every_s
        self._clock = clock
        self._next_line_at = clock() + every_s

    def __call__(self, fraction: float, message: str) -> None:
        if self.terminal:
            end = "\n" if fraction >= 1.0 else ""
            print(f"\r{fraction:4.0%}  {message:<60}", end=end, file=sys.stderr)
            return
        now = self._clock()
        if now >= self._next_line_at:
            self._next_line_at = now + self.every_s
            print(f"{fraction:4.0%}  {message}", file=sys.stderr, flush=True)


def progress() -> ProgressPrinter:
    """Progress on stderr (see ProgressPrinter)."""
    return ProgressPrinter(sys.stderr.isatty())
