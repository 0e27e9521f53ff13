"""Progress reporting and cancellation through plain callables (no threads here)."""

from __future__ import annotations

from collections.abc import Callable

from ml.errors import Cancelled

ReportFn = Callable[[float, str], None]
StopFn = Callable[[], bool]


def no_report(fraction: float, message: str) -> None:
    """Ignore progress (the default for scripts and tests)."""


def never() -> bool:
    """Never ask to stop (the default for scripts and tests)."""
    return False


def check_cancel(stop_requested: StopFn) -> None:
    """Raise `Cancelled` if the caller asked to stop."""
    if stop_requested():
        raise Cancelled


def scaled(report: ReportFn, start: float, end: float) -> ReportFn:
    """Map a sub-step's progress 0..1 onto the range start..end of the whole job."""

    def report_part(fraction: float, message: str) -> None:
        report(start + (end - start) * min(max(fraction, 0.0), 1.0), message)

    return report_part
