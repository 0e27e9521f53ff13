"""Time splits of the purchase history, exactly as BENCHMARK_PROTOCOL.md defines them.

Train is every row strictly before the cutoff ``as_of``; test is
``as_of <= ordered_at < as_of + horizon``. Rows after the test window are in
neither, so nothing from the future can leak into a model or its ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.columns import Columns
from ml.errors import InputDataError

C = Columns

_REQUIRED = (C.CUSTOMER, C.OFFERING, C.ORDERED_AT)


# eq=False: the fields are DataFrames, whose == is element-wise, so a generated
# __eq__ (and __hash__) would raise instead of answering.
@dataclass(frozen=True, slots=True, eq=False)
class Split:
    """One evaluation cutoff: the history before ``as_of`` and the window after it.

    train: purchases with ordered_at < as_of (anonymous rows included: they are
        demand, only never a customer's history or ground truth).
    test: purchases with as_of <= ordered_at < as_of + horizon_days.
    Both keep the index of the frame they were cut from.
    """

    as_of: pd.Timestamp
    horizon_days: int
    train: pd.DataFrame
    test: pd.DataFrame

    @property
    def test_end(self) -> pd.Timestamp:
        """The end of the test window (exclusive): ``as_of + horizon_days``."""
        return self.as_of + pd.Timedelta(days=self.horizon_days)


def protocol_split(
    purchases: pd.DataFrame,
    *,
    horizon_days: int = 28,
    as_of: pd.Timestamp | str | None = None,
) -> Split:
    """Split purchases at ``as_of`` (default: the last complete days are the test)."""
    _check_horizon(horizon_days)
    _check_frame(purchases)
    if as_of is None:
        cutoff = default_test_end(purchases) - pd.Timedelta(days=horizon_days)
        first = purchases[C.ORDERED_AT].min()
        if not first < cutoff:
            raise InputDataError(
                f"the purchases cover {_span(purchases)}, too short for a "
                f"{horizon_days}-day test window with history before it.",
                column=C.ORDERED_AT,
                hint="Import a longer history or choose a shorter horizon.",
            )
    else:
        cutoff = _timestamp(as_of, purchases[C.ORDERED_AT])
    return _cut(purchases, cutoff, horizon_days)


def validation_split(split: Split) -> Split:
    """Carve a validation window ``[T - H, T)`` out of a split's training data."""
    cutoff = split.as_of - pd.Timedelta(days=split.horizon_days)
    train = split.train
    earlier = train[C.ORDERED_AT] < cutoff
    if not earlier.any():
        raise InputDataError(
            f"no purchases before {cutoff:%Y-%m-%d}, so no validation window of "
            f"{split.horizon_days} days can be carved from the training data.",
            column=C.ORDERED_AT,
            hint="Import a longer history or choose a shorter horizon.",
        )
    return _cut(train, cutoff, split.horizon_days)


def rolling_origins(
    purchases: pd.DataFrame,
    *,
    horizon_days: int = 28,
    folds: int = 4,
    as_of: pd.Timestamp | str | None = None,
) -> list[Split]:
    """Backtest splits stepping back one horizon at a time, the newest last.

    The newest fold is ``protocol_split(purchases, horizon_days=..., as_of=as_of)``
    (so by default its test window is the last complete days); each earlier fold
    moves the cutoff back by ``horizon_days``, so the test windows are adjacent and
    never overlap. Pass ``as_of=split.as_of - horizon`` to keep every fold clear of
    a protocol test window (for tuning).
    """
    _check_horizon(horizon_days)
    if folds < 1:
        raise ValueError(f"folds must be at least 1, got {folds}.")
    _check_frame(purchases)
    if as_of is None:
        newest = default_test_end(purchases) - pd.Timedelta(days=horizon_days)
    else:
        newest = _timestamp(as_of, purchases[C.ORDERED_AT])
    step = pd.Timedelta(days=horizon_days)
    cutoffs = [newest - step * back for back in range(folds - 1, -1, -1)]
    first = purchases[C.ORDERED_AT].min()
    if not first < cutoffs[0]:
        possible = sum(1 for cutoff in cutoffs if first < cutoff)
        raise InputDataError(
            f"the purchases cover {_span(purchases)}: enough for {possible} "
            f"backtest fold(s) of {horizon_days} days with history before each, "
            f"not {folds}.",
            column=C.ORDERED_AT,
            hint="Ask for fewer folds or a shorter horizon.",
        )
    return [_cut(purchases, cutoff, horizon_days) for cutoff in cutoffs]


def default_test_end(purchases: pd.DataFrame) -> pd.Timestamp:
    """The end (exclusive) of the last complete day in the data.

    With timestamped data the last day is taken to be partial and dropped; when
    every timestamp is at midnight (dates only) the last day counts as complete.
    """
    _check_frame(purchases)
    at = purchases[C.ORDERED_AT]
    last_day = pd.Timestamp(at.max()).normalize()
    timestamped = bool((at != at.dt.normalize()).any())
    return last_day if timestamped else last_day + pd.Timedelta(days=1)


def _cut(frame: pd.DataFrame, cutoff: pd.Timestamp, horizon_days: int) -> Split:
    at = frame[C.ORDERED_AT]
    end = cutoff + pd.Timedelta(days=horizon_days)
    train = frame[at < cutoff]
    test = frame[(at >= cutoff) & (at < end)]
    return Split(as_of=cutoff, horizon_days=horizon_days, train=train, test=test)


def _timestamp(value: pd.Timestamp | str, column: pd.Series) -> pd.Timestamp:
    """A cutoff comparable with the column (same time zone, or none)."""
    stamp = pd.Timestamp(value)
    tz = getattr(column.dt, "tz", None)
    if tz is not None and stamp.tzinfo is None:
        return stamp.tz_localize(tz)
    if tz is None and stamp.tzinfo is not None:
        return stamp.tz_convert(None)
    return stamp


def _check_horizon(horizon_days: int) -> None:
    if horizon_days < 1:
        raise ValueError(f"horizon_days must be at least 1, got {horizon_days}.")


def _check_frame(purchases: pd.DataFrame) -> None:
    missing = [name for name in _REQUIRED if name not in purchases.columns]
    if missing:
        raise InputDataError(
            f"the purchases have no column {', '.join(missing)}.",
            hint="Pass the purchases frame of ml.dataset.load_interactions.",
        )
    if not pd.api.types.is_datetime64_any_dtype(purchases[C.ORDERED_AT]):
        raise InputDataError(
            f"ordered_at holds {purchases[C.ORDERED_AT].dtype}, not timestamps.",
            column=C.ORDERED_AT,
            hint="Convert it with pandas.to_datetime first.",
        )
    if purchases[C.ORDERED_AT].notna().sum() == 0:
        raise InputDataError(
            "there are no purchases to split.",
            hint="Import orders into the project first.",
        )


def _span(purchases: pd.DataFrame) -> str:
    at = purchases[C.ORDERED_AT]
    return f"{at.min():%Y-%m-%d} to {at.max():%Y-%m-%d}"
