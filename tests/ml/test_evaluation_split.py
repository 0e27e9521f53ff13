"""Time splits: the protocol's dates, and no test row ever in training."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from ml.errors import InputDataError
from ml.evaluation.split import (
    default_test_end,
    protocol_split,
    rolling_origins,
    validation_split,
)

DAY = pd.Timedelta(days=1)


def _daily(first: str, last: str, *, at: str = "10:30:00") -> pd.DataFrame:
    """One purchase a day at the given time, every third one anonymous."""
    days = pd.date_range(first, last, freq="D")
    stamps = days + pd.Timedelta(at) if at else days
    customers = [None if i % 3 == 0 else f"c{i % 5}" for i in range(len(days))]
    return pd.DataFrame(
        {
            "customer_id": pd.Series(customers, dtype="str"),
            "offering_id": pd.Series([f"o{i % 7}" for i in range(len(days))]),
            "ordered_at": stamps.astype("datetime64[us]"),
            "quantity": 1.0,
        }
    )


@pytest.fixture
def timestamped() -> pd.DataFrame:
    """2024-01-01 .. 2024-03-10, the last day partial (a 10:30 purchase only)."""
    return _daily("2024-01-01", "2024-03-10")


def test_default_test_window_is_the_last_complete_days(timestamped) -> None:
    split = protocol_split(timestamped)
    # 2024-03-10 is partial, so the window is the 28 days ending 2024-03-09.
    assert split.as_of == pd.Timestamp("2024-02-11")
    assert split.test_end == pd.Timestamp("2024-03-10")
    assert split.horizon_days == 28
    assert split.test.ordered_at.min() == pd.Timestamp("2024-02-11 10:30")
    assert split.test.ordered_at.max() == pd.Timestamp("2024-03-09 10:30")
    assert len(split.test) == 28
    assert split.train.ordered_at.max() == pd.Timestamp("2024-02-10 10:30")
    assert len(split.train) + len(split.test) == len(timestamped) - 1  # last day


def test_date_only_data_keeps_its_last_day() -> None:
    dates = _daily("2024-01-01", "2024-03-10", at="")
    assert default_test_end(dates) == pd.Timestamp("2024-03-11")
    split = protocol_split(dates, horizon_days=7)
    assert split.as_of == pd.Timestamp("2024-03-04")
    assert split.test.ordered_at.max() == pd.Timestamp("2024-03-10")
    assert len(split.test) == 7


def test_no_test_row_is_in_training(timestamped) -> None:
    split = protocol_split(timestamped, horizon_days=14)
    assert split.train.index.intersection(split.test.index).empty
    assert (split.train.ordered_at < split.as_of).all()
    assert (split.test.ordered_at >= split.as_of).all()
    assert (split.test.ordered_at < split.test_end).all()
    # Everything before the window's end is in exactly one of the two parts.
    before_end = timestamped[timestamped.ordered_at < split.test_end]
    assert sorted([*split.train.index, *split.test.index]) == list(before_end.index)


def test_anonymous_rows_stay_in_both_parts(timestamped) -> None:
    split = protocol_split(timestamped)
    assert split.train.customer_id.isna().any()
    assert split.test.customer_id.isna().any()


def test_an_explicit_cutoff_is_used_as_given(timestamped) -> None:
    split = protocol_split(timestamped, as_of="2024-01-20", horizon_days=10)
    assert split.as_of == pd.Timestamp("2024-01-20")
    assert split.test_end == pd.Timestamp("2024-01-30")
    assert split.test.ordered_at.min() == pd.Timestamp("2024-01-20 10:30")
    assert split.test.ordered_at.max() == pd.Timestamp("2024-01-29 10:30")
    assert split.train.ordered_at.max() == pd.Timestamp("2024-01-19 10:30")


def test_a_cutoff_exactly_at_a_purchase_puts_it_in_the_test(timestamped) -> None:
    split = protocol_split(timestamped, as_of=pd.Timestamp("2024-01-20 10:30"))
    assert split.test.ordered_at.min() == pd.Timestamp("2024-01-20 10:30")
    assert split.train.ordered_at.max() == pd.Timestamp("2024-01-19 10:30")


def test_validation_window_is_carved_from_training_only(timestamped) -> None:
    split = protocol_split(timestamped)
    tuning = validation_split(split)
    assert tuning.as_of == split.as_of - 28 * DAY
    assert tuning.test_end == split.as_of
    assert tuning.horizon_days == split.horizon_days
    assert set(tuning.test.index) <= set(split.train.index)
    assert set(tuning.train.index) <= set(split.train.index)
    assert tuning.test.index.intersection(split.test.index).empty
    assert len(tuning.train) + len(tuning.test) == len(split.train)


def test_rolling_origins_step_back_one_horizon_newest_last(timestamped) -> None:
    folds = rolling_origins(timestamped, horizon_days=14, folds=3)
    assert [fold.as_of for fold in folds] == [
        pd.Timestamp("2024-01-28"),
        pd.Timestamp("2024-02-11"),
        pd.Timestamp("2024-02-25"),
    ]
    newest = protocol_split(timestamped, horizon_days=14)
    assert folds[-1].as_of == newest.as_of
    assert folds[-1].test.equals(newest.test)
    for earlier, later in itertools.pairwise(folds):
        assert earlier.test_end == later.as_of  # adjacent, never overlapping
        assert earlier.test.index.intersection(later.test.index).empty
    for fold in folds:
        assert fold.test_end <= pd.Timestamp("2024-03-10")  # horizon in the past
        assert fold.train.index.intersection(fold.test.index).empty
        assert (fold.train.ordered_at < fold.as_of).all()


def test_rolling_origins_can_stay_clear_of_the_test_window(timestamped) -> None:
    split = protocol_split(timestamped, horizon_days=14)
    folds = rolling_origins(
        timestamped, horizon_days=14, folds=2, as_of=split.as_of - 14 * DAY
    )
    assert folds[-1].test_end == split.as_of
    assert all(fold.test.ordered_at.max() < split.as_of for fold in folds)


def test_too_many_folds_are_explained(timestamped) -> None:
    with pytest.raises(InputDataError, match="enough for 2 backtest fold"):
        rolling_origins(timestamped, horizon_days=28, folds=3)


def test_data_shorter_than_the_horizon_is_explained() -> None:
    with pytest.raises(InputDataError, match="too short for a 28-day test window"):
        protocol_split(_daily("2024-01-01", "2024-01-20"))
    with pytest.raises(InputDataError, match="no validation window"):
        validation_split(protocol_split(_daily("2024-01-01", "2024-02-10")))


def test_frames_that_cannot_be_split_are_explained(timestamped) -> None:
    with pytest.raises(InputDataError, match="no column ordered_at"):
        protocol_split(timestamped.drop(columns="ordered_at"))
    as_text = timestamped.assign(ordered_at=timestamped.ordered_at.astype(str))
    with pytest.raises(InputDataError, match="not timestamps"):
        protocol_split(as_text)
    with pytest.raises(InputDataError, match="no purchases"):
        protocol_split(timestamped.iloc[:0])
    with pytest.raises(ValueError, match="horizon_days"):
        protocol_split(timestamped, horizon_days=0)
    with pytest.raises(ValueError, match="folds"):
        rolling_origins(timestamped, folds=0)
