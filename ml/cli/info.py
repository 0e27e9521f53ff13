"""`pushwise info`: describe a project."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ml.cli.common import EXIT_OK, UsageError
from ml.store.project import Project


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    info = commands.add_parser("info", help="describe a project")
    info.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the project's summary."""
    if not args.project.exists():
        raise UsageError(f"{args.project}: no such project.")
    with Project.open(args.project) as project:
        info = project.info()
        read_only = project.read_only_reason
        if args.json:
            print(json.dumps({**info.to_dict(), "read_only": read_only}, indent=2))
        else:
            print(info.to_text())
            if read_only is not None:
                print(
                    f"Read-only: {read_only}. It can be viewed and exported, not "
                    "changed; copy it somewhere you can write to for that."
                )
    return EXIT_OK
