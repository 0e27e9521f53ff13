"""The `pushwise` command line: the same engine as the GUI, for scripts and CI.

Each subcommand is a module with ``add_parser(commands)``, which registers its
options and sets ``run``. Exit codes: 0 ok, 2 bad arguments, 3 bad input data
(one-line reason on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ml import __version__
from ml.cli import backtest, demo, forecast, imports, info, recommend, train
from ml.cli.common import (
    EXIT_BAD_ARGUMENTS,
    EXIT_BAD_INPUT,
    EXIT_CANCELLED,
    UsageError,
)
from ml.errors import Cancelled, PushwiseError

SUBCOMMANDS = (imports, train, recommend, forecast, backtest, demo, info)


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
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except UsageError as error:
        print(f"pushwise: {error}", file=sys.stderr)
        return EXIT_BAD_ARGUMENTS
    except PushwiseError as error:
        print(f"pushwise: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (Cancelled, KeyboardInterrupt):
        print("pushwise: cancelled; the project was left as it was.", file=sys.stderr)
        return EXIT_CANCELLED
