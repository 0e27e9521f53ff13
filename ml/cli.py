"""The `pushwise` command line: the same engine as the GUI, for scripts and CI.

Exit codes: 0 ok, 2 bad arguments, 3 bad input data (one-line reason on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from ml import __version__
from ml.columns import Columns, Kind
from ml.dataset import OfferingLevel, load_interactions
from ml.errors import Cancelled, PushwiseError
from ml.importing.importer import import_file
from ml.importing.report import ImportReport
from ml.mapping.mapping import ColumnMapping
from ml.plan import load_exclusions, load_offering_names, to_plan_csv
from ml.planning import plan_for_customers
from ml.store.project import Project

EXIT_OK = 0
EXIT_BAD_ARGUMENTS = 2
EXIT_BAD_INPUT = 3
EXIT_CANCELLED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pushwise",
        description="Pushwise: import order and feedback history, plan what to offer.",
    )
    parser.add_argument(
        "--version", action="version", version=f"pushwise {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = commands.add_parser(
        "import",
        help="import order, feedback, offering or customer files into a project",
        description="Import files into a project (created if missing). Each file "
        "is imported completely or not at all.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path)
    imp.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    imp.add_argument(
        "--kind",
        choices=[k.value for k in Kind],
        help="what the files hold (detected from the columns when omitted)",
    )
    imp.add_argument(
        "--mapping", type=Path, metavar="M.json", help="column mapping saved as JSON"
    )
    imp.add_argument("--sheet", metavar="NAME", help="Excel sheet to read")
    imp.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep exact duplicate lines instead of importing them once",
    )
    imp.add_argument(
        "--save-mapping",
        type=Path,
        metavar="M.json",
        help="write the mapping used for the (last) file to this JSON file",
    )

    recommend = commands.add_parser(
        "recommend",
        help="plan which offerings to push to which customers",
        description="Train on the order history as of a date and write the push "
        "plan: for every customer, the offerings most worth offering, best first.",
    )
    source = recommend.add_mutually_exclusive_group(required=True)
    source.add_argument("--project", type=Path, metavar="P.pushwise")
    source.add_argument(
        "--orders", type=Path, metavar="FILE", help="orders file, imported on the fly"
    )
    recommend.add_argument(
        "--feedback", type=Path, metavar="FILE", help="feedback file (with --orders)"
    )
    recommend.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="plan as of this date (default: the day after the last order)",
    )
    recommend.add_argument("--horizon", type=_positive, default=28, metavar="DAYS")
    recommend.add_argument("--top", type=_positive, default=10, metavar="N")
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

    info = commands.add_parser("info", help="describe a project")
    info.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    info.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "import":
            return _run_import(args)
        if args.command == "recommend":
            return _run_recommend(args)
        return _run_info(args)
    except PushwiseError as error:
        print(f"pushwise: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (Cancelled, KeyboardInterrupt):
        print("pushwise: cancelled; the project was left as it was.", file=sys.stderr)
        return EXIT_CANCELLED


def _run_import(args: argparse.Namespace) -> int:
    for file in args.files:
        if not file.is_file():
            print(f"pushwise: {file}: no such file.", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
    mapping = None
    if args.mapping is not None:
        if not args.mapping.is_file():
            print(f"pushwise: {args.mapping}: no such mapping file.", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
        text = args.mapping.read_text(encoding="utf-8")
        mapping = ColumnMapping.from_json(text, file=args.mapping.name)
    created = not args.project.exists()
    kind = Kind(args.kind) if args.kind else None
    imported_any = False
    project = Project.open(args.project, create=True)
    try:
        for file in args.files:
            report = import_file(
                project,
                file,
                kind=kind,
                mapping=mapping,
                sheet=args.sheet,
                keep_duplicates=args.keep_duplicates,
                report=ProgressPrinter(sys.stderr.isatty()),
            )
            imported_any = True
            print(report.to_text())
            if report.rows_rejected and report.import_id is not None:
                print(f"  All rejected rows: {_write_rejects(project, report)}")
            if args.save_mapping is not None:
                args.save_mapping.write_text(report.mapping.to_json(), encoding="utf-8")
    finally:
        project.close()
        # A project this command created but could not fill is not left behind.
        if created and not imported_any:
            args.project.unlink(missing_ok=True)
            args.project.with_name(args.project.name + ".wal").unlink(missing_ok=True)
    print(f"Project: {args.project}")
    return EXIT_OK


def _write_rejects(project: Project, report: ImportReport) -> Path:
    """Write an import's rejected rows beside the project, as CSV."""
    assert report.import_id is not None
    stem = project.path.with_suffix("").name
    target = project.path.with_name(f"{stem}-import{report.import_id}-rejects.csv")
    frame = project.rejects(report.import_id)
    frame.insert(0, "file", report.file)
    frame.to_csv(target, index=False)
    return target


def _date(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(date.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD"
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number >= 1")
    return int(text)


def _run_recommend(args: argparse.Namespace) -> int:
    if args.feedback is not None and args.orders is None:
        print("pushwise: --feedback goes with --orders.", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    for file in (args.project, args.orders, args.feedback):
        if file is not None and not file.is_file():
            print(f"pushwise: {file}: no such file.", file=sys.stderr)
            return EXIT_BAD_ARGUMENTS
    with contextlib.ExitStack() as stack:
        if args.project is not None:
            project = stack.enter_context(Project.open(args.project))
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            project = stack.enter_context(
                Project.open(folder / "on-the-fly.pushwise", create=True)
            )
            import_file(project, args.orders, kind=Kind.ORDERS)
            if args.feedback is not None:
                import_file(project, args.feedback, kind=Kind.FEEDBACK)
        level = _offering_level(project, args.offering_column)
        if level is None:
            return EXIT_BAD_ARGUMENTS
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
            report=ProgressPrinter(sys.stderr.isatty()),
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


def _offering_level(project: Project, column: str | None) -> OfferingLevel | None:
    """What --offering-column means for this project's orders (None: unusable)."""
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
    print(
        f"pushwise: --offering-column '{column}' is not the product or category "
        f"column of the imported orders; usable columns: {names}.",
        file=sys.stderr,
    )
    return None


def _run_info(args: argparse.Namespace) -> int:
    if not args.project.exists():
        print(f"pushwise: {args.project}: no such project.", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    with Project.open(args.project) as project:
        info = project.info()
        if args.json:
            print(json.dumps(info.to_dict(), indent=2))
        else:
            print(info.to_text())
    return EXIT_OK


class ProgressPrinter:
    """Shows progress on one terminal line; silent when not on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, fraction: float, message: str) -> None:
        if self.enabled:
            end = "\n" if fraction >= 1.0 else ""
            print(f"\r{fraction:4.0%}  {message:<60}", end=end, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
