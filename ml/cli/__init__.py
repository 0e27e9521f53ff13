"""The `pushwise` command line: the same engine as the GUI, for scripts and CI.

Each subcommand is a module with ``add_parser(commands)``, which registers its
options and sets ``run``. Every failure ends in one plain line on stderr and an
exit code (listed in ml.cli.common), never a traceback. This module imports
nothing heavy, so that even a Ctrl-C while the engine loads is answered in
plain words.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from ml.cli.outcome import Outcome, failure_message
from ml.interrupts import interrupt_received, watch_interrupts


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    outcome = Outcome(project=_project_argument(sys.argv[1:] if argv is None else argv))
    previous = _current_handler()
    try:
        watch_interrupts()
        from ml.cli.commands import build_parser

        args = build_parser().parse_args(argv)
        outcome.project = getattr(args, "project", None)
        args.outcome = outcome
        code: int = args.run(args)
        if argv is None:
            # Run as the program and done: a Ctrl-C from here to the exit
            # could only hide what was done and reported.
            _ignore_interrupts()
        return code
    except BaseException as error:
        if isinstance(error, SystemExit):  # --help, --version, bad arguments
            raise
        # A second Ctrl-C must not cut the one line that says what was saved.
        _ignore_interrupts()
        outcome.interrupted = interrupt_received()
        line, code = failure_message(error, outcome)
        print(f"pushwise: {line}", file=sys.stderr)
        return code
    finally:
        if argv is not None and previous is not None:
            # Called from Python (tests, scripts): Ctrl-C as it was before.
            signal.signal(signal.SIGINT, previous)


def _project_argument(argv: Sequence[str]) -> Path | None:
    """The --project of the arguments, known before the engine has loaded."""
    for index, part in enumerate(argv):
        if part == "--project" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if part.startswith("--project="):
            return Path(part.split("=", 1)[1])
    return None


def _current_handler() -> Callable[[int, FrameType | None], Any] | int | None:
    """The Ctrl-C handler to put back, or None off the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.getsignal(signal.SIGINT) or signal.default_int_handler


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
