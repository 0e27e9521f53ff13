"""Holding Ctrl-C back while a commit finishes, so "was it saved?" has one answer.

Python raises KeyboardInterrupt between any two steps, and DuckDB turns a
Ctrl-C during a query into "Query interrupted". A Ctrl-C pressed during a
COMMIT would otherwise surface just after the commit returned but before the
caller had noted it, and the command would then say "nothing was saved"
although it was. Inside ``interrupts_deferred()`` a Ctrl-C is only noted; it is
raised when the block ends, after the caller has recorded what was saved.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_received = threading.Event()


def watch_interrupts() -> None:
    """Raise KeyboardInterrupt on Ctrl-C, as Python does, and remember it.

    Ctrl-C while a compiled library loads or works can surface as another
    error ("ImportError: initialization failed"); interrupt_received() tells
    that such an error was a stop, not a fault.
    """
    _received.clear()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        _received.set()
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)


def interrupt_received() -> bool:
    """Whether Ctrl-C came since watch_interrupts() (or during a deferral)."""
    return _received.is_set()


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block with Ctrl-C noted, not raised; raise it after the block.

    Signals only reach the main thread, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        _received.set()
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        # None: a handler set outside Python; the default is the closest match.
        signal.signal(signal.SIGINT, previous or signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt


def is_interrupt(exc: BaseException) -> bool:
    """Whether an exception is Ctrl-C, as Python or as DuckDB reports it."""
    if isinstance(exc, KeyboardInterrupt):
        return True
    # DuckDB ends a query stopped by Ctrl-C with "Query interrupted" (a
    # RuntimeError or its InterruptException, depending on where it stopped).
    name = type(exc).__name__
    return (
        isinstance(exc, RuntimeError) or name == "InterruptException"
    ) and "interrupted" in str(exc).lower()
