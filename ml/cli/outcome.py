"""How a command ends when something goes wrong: one plain line, an exit code,
and the truth about what was saved in the project before it stopped.

This module is light on purpose (no pandas, no DuckDB at import): main()
needs it even when Ctrl-C arrives while the engine is still loading.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_ARGUMENTS = 2
EXIT_BAD_INPUT = 3
EXIT_CANNOT_WRITE = 4
EXIT_SAVED_WITH_WARNING = 5
EXIT_CANCELLED = 130

EXIT_CODES_HELP = """\
exit codes:
  0    done
  1    an unexpected problem inside Pushwise (please report it)
  2    the arguments cannot be used
  3    an input file or the project cannot be used as it is (bad data, a
       damaged, read-only or newer project, a project open elsewhere)
  4    the disk is full, a size limit was reached, or a file could not be
       read or written
  5    done and saved in the project, but a side file (the list of rejected
       lines) could not be written
  130  stopped (Ctrl-C)
Every failure prints one line saying whether the project changed."""

_DAMAGE_WORDS = ("corrupt database file", "could not read enough bytes", "checksum")


class UsageError(Exception):
    """Arguments that cannot be used; main prints the message and exits with 2."""


class Committing(Protocol):
    """What `Outcome.saving` needs of a project: its count of commits."""

    @property
    def commits(self) -> int:
        """How many transactions the project has committed."""
        ...


@dataclass
class Outcome:
    """What a command has saved in its project so far (filled as it goes)."""

    project: Path | None = None
    saved: list[str] = field(default_factory=list)
    interrupted: bool = False  # Ctrl-C came: whatever failed, it was a stop

    @contextmanager
    def saving(self, project: Committing, what: str) -> Iterator[None]:
        """Note `what` ("the import of orders.csv") as saved if the block
        committed, whether it then returned or failed."""
        before = project.commits
        try:
            yield
        finally:
            if project.commits > before:
                self.saved.append(what)

    def state(self) -> str:
        """Whether the project changed, as the end of a sentence."""
        if self.saved:
            return (
                f"{_join(self.saved)} {'was' if len(self.saved) == 1 else 'were'} "
                "saved in the project before that"
            )
        if self.project is None:
            return "nothing was saved"
        return "the project was left as it was"


def failure_message(error: BaseException, outcome: Outcome) -> tuple[str, int]:
    """The one line (without "pushwise: ") and exit code for a failed command."""
    if os.environ.get("PUSHWISE_DEBUG"):
        traceback.print_exception(error)
    from ml.errors import Cancelled, PushwiseError, disk_full
    from ml.interrupts import is_interrupt

    if isinstance(error, UsageError):
        return str(error), EXIT_BAD_ARGUMENTS
    if isinstance(error, Cancelled) or is_interrupt(error) or outcome.interrupted:
        return _stopped(outcome), EXIT_CANCELLED
    full = disk_full(error)
    if full is not None:
        where = f" while writing {full}" if full else ""
        return (
            f"The disk is full (or a file-size limit was reached){where}; "
            f"{outcome.state()}. Free some space, then try again.",
            EXIT_CANNOT_WRITE,
        )
    if isinstance(error, PushwiseError):
        return _with_saved(error.message, outcome), EXIT_BAD_INPUT
    if _is_damage(error) and outcome.project is not None:
        from ml.store.connection import damaged

        return damaged(outcome.project, str(error)).message, EXIT_BAD_INPUT
    if isinstance(error, OSError):
        name = error.filename or "a file"
        reason = error.strerror or str(error)
        return f"{name}: {reason}; {outcome.state()}.", EXIT_CANNOT_WRITE
    if isinstance(error, MemoryError):
        return (
            f"The computer ran out of memory; {outcome.state()}. Close other "
            "programs, or work on a smaller file, and try again.",
            EXIT_FAILED,
        )
    return (
        f"An unexpected problem inside Pushwise ({type(error).__name__}: "
        f"{_first_line(str(error))}); {outcome.state()}. Please report this "
        "problem (run again with PUSHWISE_DEBUG=1 for the details).",
        EXIT_FAILED,
    )


def _stopped(outcome: Outcome) -> str:
    if outcome.saved:
        verb = "was" if len(outcome.saved) == 1 else "were"
        return (
            f"Stopped after {_join(outcome.saved)} {verb} saved: the project has "
            f"{'it' if verb == 'was' else 'them'}; nothing after that was done."
        )
    if outcome.project is None:
        return "Stopped; nothing was saved."
    return "Stopped; the project was left as it was."


def _with_saved(message: str, outcome: Outcome) -> str:
    if not outcome.saved:
        return message
    return f"{message} (Saved in the project before this: {_join(outcome.saved)}.)"


def _is_damage(error: BaseException) -> bool:
    from_duckdb = type(error).__module__.lstrip("_").startswith("duckdb")
    return from_duckdb and any(word in str(error).lower() for word in _DAMAGE_WORDS)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else "no details"
