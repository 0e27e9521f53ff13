"""The argument parser of `pushwise`, with every subcommand registered."""

from __future__ import annotations

import argparse

from ml import __version__
from ml.cli import (
    backtest,
    campaign,
    demo,
    forecast,
    imports,
    info,
    recommend,
    train,
)
from ml.cli.common import EXIT_CODES_HELP

SUBCOMMANDS = (imports, train, recommend, campaign, forecast, backtest, demo, info)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pushwise",
        description="Pushwise: import order and feedback history, plan what to offer.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"pushwise {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(commands)
    return parser
