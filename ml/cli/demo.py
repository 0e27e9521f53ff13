"""`pushwise demo`: the whole pipeline on the bundled sample, with a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from ml.cli.common import EXIT_OK, UsageError, positive_int, progress
from ml.demofolder import DemoFolderError
from ml.workflows.settings import DEMO_FOLDS

DEFAULT_FOLDER = Path("pushwise-demo")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    demo = commands.add_parser(
        "demo",
        help="run the whole pipeline on the bundled sample and write a report",
        description="Import the bundled sample of order history, train, check the "
        "model against what really happened at earlier dates, plan pushes and "
        "forecast uptake; writes report.html and the CSV files to a folder.",
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_FOLDER,
        metavar="DIR",
        help="folder for the report and files: new, empty or an earlier demo's "
        f"(default: ./{DEFAULT_FOLDER})",
    )
    demo.add_argument(
        "--folds",
        type=positive_int,
        default=DEMO_FOLDS,
        metavar="N",
        help=f"earlier dates to check the model at (default: {DEMO_FOLDS})",
    )
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo and say where its report is; a folder holding the user's
    files is a bad --out (exit 2), refused before anything is changed."""
    # Imported here: `pushwise import` and `info` start without scikit-learn.
    from ml.workflows.demo import check_folder, run_demo

    try:
        check_folder(args.out)
    except DemoFolderError as error:
        raise UsageError(error.message) from None
    result = run_demo(args.out, folds=args.folds, report=progress())
    print(result.headline)
    print(f"Report: {result.report.resolve()}")
    print(f"Files: {result.folder.resolve()}")
    return EXIT_OK
