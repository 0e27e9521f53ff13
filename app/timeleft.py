"""How long a job still needs, from its progress so far (no Qt here).

The estimate divides the work left by the average speed since the estimate
began, and smooths what is shown so that it does not jump with every report.
It stays silent until enough is known: MIN_FRACTION of the work and
MIN_SECONDS of time.
"""

from __future__ import annotations

import math

MIN_FRACTION = 0.05  # of the whole job done since the estimate began
MIN_SECONDS = 10.0  # since the estimate began
SMOOTHING_S = 10.0  # how fast the shown estimate follows a fresh one


class TimeLeftEstimate:
    """Seconds left of a job, fed (fraction done, clock time) pairs.

    >>> left = TimeLeftEstimate(0.0, now=0.0)
    >>> left.update(0.5, now=60.0)
    60.0
    """

    def __init__(self, fraction: float = 0.0, *, now: float) -> None:
        self._start = (_clamp(fraction), now)
        self._last_fraction = _clamp(fraction)
        self._shown: tuple[float, float] | None = None  # seconds left, at when

    def update(self, fraction: float, *, now: float) -> float | None:
        """The smoothed seconds left at `now`, or None while it cannot be told.

        Progress going backwards (a job starting a step over) starts the
        estimate afresh.
        """
        fraction = _clamp(fraction)
        if fraction < self._last_fraction:
            self._start = (fraction, now)
            self._shown = None
        self._last_fraction = fraction
        start_fraction, start_time = self._start
        done, elapsed = fraction - start_fraction, now - start_time
        if done < MIN_FRACTION or elapsed < MIN_SECONDS:
            return None
        fresh = (1.0 - fraction) * elapsed / done
        if self._shown is None:
            seconds = fresh
        else:
            # What was shown, counted down since, pulled towards the fresh
            # figure by how long ago it was shown (not by how often it is asked).
            before, when = self._shown
            since = max(now - when, 0.0)
            counted_down = max(before - since, 0.0)
            weight = 1.0 - math.exp(-since / SMOOTHING_S)
            seconds = counted_down + weight * (fresh - counted_down)
        self._shown = (seconds, now)
        return seconds


def time_left_text(seconds: float | None) -> str:
    """'about 3 minutes left' for 170 s; '' when nothing can be told."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    if seconds < 60:
        return "less than a minute left"
    minutes = seconds / 60
    if minutes < 10:
        count = max(round(minutes), 1)
        return f"about {count} minute{'s' if count > 1 else ''} left"
    if minutes < 55:
        return f"about {5 * round(minutes / 5)} minutes left"
    hours = max(round(minutes / 60), 1)
    return f"about {hours} hour{'s' if hours > 1 else ''} left"


def _clamp(fraction: float) -> float:
    return min(max(float(fraction), 0.0), 1.0)
