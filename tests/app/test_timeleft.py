"""The estimate of a job's time left, fed fractions and clock times (no Qt)."""

from __future__ import annotations

import pytest

from app.timeleft import TimeLeftEstimate, time_left_text


def test_nothing_is_told_before_5_percent_and_10_seconds() -> None:
    left = TimeLeftEstimate(0.0, now=100.0)
    assert left.update(0.04, now=200.0) is None  # long, but too little done
    left = TimeLeftEstimate(0.0, now=100.0)
    assert left.update(0.5, now=109.0) is None  # much done, but too soon


def test_a_steady_job_gets_the_time_its_speed_gives() -> None:
    left = TimeLeftEstimate(0.0, now=0.0)
    for second in range(10, 100, 5):
        seconds = left.update(second / 200, now=float(second))
        assert seconds == pytest.approx(200 - second)


def test_progress_counts_from_where_the_estimate_began() -> None:
    left = TimeLeftEstimate(0.5, now=0.0)  # bound to a job half done
    assert left.update(0.6, now=20.0) == pytest.approx(80.0)


def test_a_sudden_burst_moves_the_estimate_only_part_of_the_way() -> None:
    left = TimeLeftEstimate(0.0, now=0.0)
    assert left.update(0.1, now=60.0) == pytest.approx(540.0)
    fresh = 0.5 * 70.0 / 0.5  # what the average speed alone would say: 70 s
    shown = left.update(0.5, now=70.0)
    assert shown is not None
    assert fresh < shown < 530.0


def test_a_stalled_job_is_given_more_time_not_less() -> None:
    left = TimeLeftEstimate(0.0, now=0.0)
    first = left.update(0.1, now=60.0)
    later = left.update(0.1, now=120.0)  # no progress for a minute
    assert first is not None and later is not None
    assert later > first - 60.0


def test_progress_going_back_starts_afresh() -> None:
    left = TimeLeftEstimate(0.0, now=0.0)
    assert left.update(0.5, now=50.0) is not None
    assert left.update(0.2, now=51.0) is None
    assert left.update(0.3, now=61.0) == pytest.approx(70.0)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, ""),
        (float("inf"), ""),
        (5, "less than a minute left"),
        (59, "less than a minute left"),
        (60, "about 1 minute left"),
        (170, "about 3 minutes left"),
        (9 * 60, "about 9 minutes left"),
        (23 * 60, "about 25 minutes left"),
        (54 * 60, "about 55 minutes left"),
        (70 * 60, "about 1 hour left"),
        (150 * 60, "about 2 hours left"),
    ],
)
def test_time_left_in_plain_words(seconds: float | None, text: str) -> None:
    assert time_left_text(seconds) == text


def test_asking_often_does_not_undo_the_smoothing() -> None:
    once, often = TimeLeftEstimate(0.0, now=0.0), TimeLeftEstimate(0.0, now=0.0)
    once.update(0.1, now=60.0)
    often.update(0.1, now=60.0)
    expected = once.update(0.5, now=70.1)
    shown = None
    for step in range(1, 21):  # twenty reports within a tenth of a second
        shown = often.update(0.5, now=70.0 + step / 200)
    assert expected is not None and expected > 200.0
    assert shown == pytest.approx(expected, rel=0.02)
