"""The demand baselines: naive last-4-weeks (a moving average) and seasonal
naive, each with an empirical interval from its own past errors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError

from ml.columns import Columns
from ml.dataset import purchases_before
from ml.demand.base import FALLBACK, LOWER, PREDICTED_BUYERS, PREDICTED_UNITS, UPPER
from ml.demand.intervals import EmpiricalInterval
from ml.demand.series import (
    BUYERS,
    DAY,
    UNITS,
    WEEK_START,
    check_days,
    check_purchases,
    window_uptake,
)

C = Columns
ORIGIN = "origin"
ACTUAL_BUYERS = "actual_buyers"


def by_offering(weeks: list[pd.DataFrame]) -> pd.DataFrame:
    """Weekly frames (each listing the same offerings in the same order) as
    one frame, offering by offering with weeks in order."""
    out = pd.concat(weeks, ignore_index=True)
    position = np.tile(np.arange(len(weeks[0])), len(weeks))
    return out.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


class _WindowForecaster(ABC):
    """Shared machinery: fit keeps the purchases before as_of; the interval
    comes from re-running the same forecast at earlier origins whose horizon
    ends on or before as_of, so it never looks at the test window."""

    purchases_: pd.DataFrame
    as_of_: pd.Timestamp
    first_sale_: pd.Series
    data_start_: pd.Timestamp | None  # first day with data; None without data

    def __init__(
        self,
        *,
        level: float = 0.8,
        error_windows: int = 8,
        error_step_days: int = 7,
        min_group_size: int = 30,
    ) -> None:
        self.level = level
        self.error_windows = error_windows
        self.error_step_days = error_step_days
        self.min_group_size = min_group_size

    # -- the part each method defines ------------------------------------------

    @abstractmethod
    def _forecast(
        self, at: pd.Timestamp, horizon_days: int, offset_days: int = 0
    ) -> pd.DataFrame:
        """Buyers and units per offering in [at + offset_days, at + offset_days
        + horizon_days), from what was known before ``at`` (index offering_id)."""

    @abstractmethod
    def _history_days(self, horizon_days: int) -> int:
        """Days of data the forecast needs before its origin."""

    # -- estimator API ----------------------------------------------------------

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Keep the purchases before ``as_of`` (later rows are ignored)."""
        check_purchases(purchases)
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level must be between 0 and 1, got {self.level}")
        if self.error_windows < 0 or self.error_step_days < 1:
            raise ValueError(
                "error_windows must be >= 0 and error_step_days >= 1, got "
                f"{self.error_windows} and {self.error_step_days}"
            )
        as_of = pd.Timestamp(as_of)
        columns = [C.OFFERING, C.CUSTOMER, C.ORDERED_AT, C.QUANTITY]
        rows = purchases_before(purchases, as_of)[columns]
        self.purchases_ = rows.sort_values(C.ORDERED_AT, kind="stable").reset_index(
            drop=True
        )
        self.as_of_ = as_of
        self.first_sale_ = rows.groupby(C.OFFERING)[C.ORDERED_AT].min()
        self.data_start_ = (
            pd.Timestamp(rows[C.ORDERED_AT].min()).normalize() if len(rows) else None
        )
        return self

    def predict(self, offerings: Sequence[str], horizon_days: int = 28) -> pd.DataFrame:
        """Forecast buyers and units of each offering in [as_of, as_of + horizon).

        Columns: offering_id, predicted_buyers, predicted_units, lower, upper
        (the interval bounds distinct buyers; NaN when there is too little
        history for a single past error). Unknown offerings are forecast 0.
        """
        self._check_fitted()
        check_days(horizon_days)
        point = self._forecast(self.as_of_, horizon_days)
        return self._rows(offerings, point, self.interval(horizon_days))

    def _rows(
        self, offerings: Sequence[str], point: pd.DataFrame, interval: EmpiricalInterval
    ) -> pd.DataFrame:
        """The forecast frame of the given offerings, with its interval."""
        ids = pd.Index([str(offering) for offering in offerings], name=C.OFFERING)
        point = point.reindex(ids)
        buyers = point[BUYERS].fillna(0.0).to_numpy(dtype="float64")
        lower, upper = interval.bounds(buyers)
        out = pd.DataFrame(
            {
                C.OFFERING: ids.to_numpy(),
                PREDICTED_BUYERS: buyers,
                PREDICTED_UNITS: point[UNITS].fillna(0.0).to_numpy(dtype="float64"),
                LOWER: lower,
                UPPER: upper,
            }
        )
        if FALLBACK in point.columns:
            out[FALLBACK] = point[FALLBACK].fillna(True).to_numpy(dtype=bool)
        return out

    def predict_weekly(
        self, offerings: Sequence[str], horizon_days: int = 28
    ) -> pd.DataFrame:
        """Forecast each week of [as_of, as_of + horizon_days), offering by offering.

        Weeks start at as_of, as_of + 7 days, ...; the last one is cut at the
        horizon's end when the horizon is not a whole number of weeks. Columns:
        offering_id, week_start, then those of :meth:`predict`; each week's
        interval comes from the method's past forecasts of that many days.
        """
        self._check_fitted()
        check_days(horizon_days)
        frames = []
        intervals: dict[int, EmpiricalInterval] = {}
        for offset in range(0, horizon_days, 7):
            days = min(7, horizon_days - offset)
            if days not in intervals:
                intervals[days] = self.interval(days)
            point = self._forecast(self.as_of_, days, offset)
            week = self._rows(offerings, point, intervals[days])
            week.insert(1, WEEK_START, self.as_of_ + offset * DAY)
            frames.append(week)
        return by_offering(frames)

    def backtest(self, horizon_days: int = 28) -> pd.DataFrame:
        """The method's past forecasts against actuals, at earlier origins.

        Origins step back ``error_step_days`` from as_of - horizon_days, so each
        horizon ends on or before as_of; origins without enough history are
        skipped. Columns: origin, offering_id, predicted_buyers, actual_buyers.
        """
        self._check_fitted()
        check_days(horizon_days)
        frames = []
        horizon = horizon_days * DAY
        for step in range(self.error_windows):
            origin = self.as_of_ - horizon - step * self.error_step_days * DAY
            needed = origin - self._history_days(horizon_days) * DAY
            if self.data_start_ is None or needed < self.data_start_:
                break
            predicted = self._forecast(origin, horizon_days)[BUYERS]
            actual = window_uptake(self.purchases_, origin, origin + horizon)[BUYERS]
            frame = pd.DataFrame(
                {
                    PREDICTED_BUYERS: predicted.astype("float64"),
                    ACTUAL_BUYERS: actual.reindex(predicted.index, fill_value=0),
                }
            )
            frame.insert(0, ORIGIN, origin)
            frames.append(frame.reset_index())
        if not frames:
            return pd.DataFrame(
                {
                    ORIGIN: pd.Series(dtype="datetime64[us]"),
                    C.OFFERING: pd.Series(dtype="str"),
                    PREDICTED_BUYERS: pd.Series(dtype="float64"),
                    ACTUAL_BUYERS: pd.Series(dtype="int64"),
                }
            )
        return pd.concat(frames, ignore_index=True)

    def interval(self, horizon_days: int = 28) -> EmpiricalInterval:
        """The empirical interval learnt from :meth:`backtest`."""
        errors = self.backtest(horizon_days)
        return EmpiricalInterval.from_errors(
            errors[PREDICTED_BUYERS],
            errors[ACTUAL_BUYERS],
            level=self.level,
            min_group_size=self.min_group_size,
        )

    # -- helpers ------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "as_of_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(purchases, "
                "as_of) first."
            )

    def _known(self, at: pd.Timestamp) -> pd.Index:
        """Offerings with a purchase before ``at``."""
        mask = (self.first_sale_ < at).to_numpy(dtype=bool)
        known: pd.Index = pd.Index(
            self.first_sale_.index.to_numpy()[mask], name=C.OFFERING
        )
        return known

    def _recent(
        self, at: pd.Timestamp, window_days: int, horizon_days: int
    ) -> pd.DataFrame:
        """Uptake in the window_days before ``at``, scaled to the horizon."""
        uptake = window_uptake(self.purchases_, at - window_days * DAY, at)
        scale = horizon_days / window_days
        out = uptake.astype("float64").reindex(self._known(at), fill_value=0.0)
        return out * scale


class MovingAverageForecaster(_WindowForecaster):
    """Naive last-4-weeks: distinct buyers (and units) in the ``window_days``
    before as_of, scaled by horizon_days / window_days.

    With the defaults (a 28-day window, a 28-day horizon) the forecast is
    exactly the buyers of the last 28 days. Scaling distinct buyers to a
    shorter horizon is approximate: a customer buying every week counts once
    in 28 days but would count once in each week.
    """

    def __init__(
        self,
        window_days: int = 28,
        *,
        level: float = 0.8,
        error_windows: int = 8,
        error_step_days: int = 7,
        min_group_size: int = 30,
    ) -> None:
        super().__init__(
            level=level,
            error_windows=error_windows,
            error_step_days=error_step_days,
            min_group_size=min_group_size,
        )
        self.window_days = window_days

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Keep the purchases before ``as_of`` (later rows are ignored)."""
        check_days(self.window_days, "window_days")
        return super().fit(purchases, as_of)

    def _history_days(self, horizon_days: int) -> int:
        return self.window_days

    def _forecast(
        self, at: pd.Timestamp, horizon_days: int, offset_days: int = 0
    ) -> pd.DataFrame:
        return self._recent(at, self.window_days, horizon_days)


class SeasonalNaiveForecaster(_WindowForecaster):
    """Seasonal naive: the uptake of the same horizon one season earlier
    (``season_days`` = 364, 52 whole weeks, so weekdays line up).

    An offering whose first sale is after the start of that earlier window has
    no history a year back; it gets the naive last-4-weeks forecast instead
    (``fallback_window_days``), flagged in the ``fallback`` column.
    """

    def __init__(
        self,
        season_days: int = 364,
        *,
        fallback_window_days: int = 28,
        level: float = 0.8,
        error_windows: int = 8,
        error_step_days: int = 7,
        min_group_size: int = 30,
    ) -> None:
        super().__init__(
            level=level,
            error_windows=error_windows,
            error_step_days=error_step_days,
            min_group_size=min_group_size,
        )
        self.season_days = season_days
        self.fallback_window_days = fallback_window_days

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Keep the purchases before ``as_of`` (later rows are ignored)."""
        check_days(self.season_days, "season_days")
        check_days(self.fallback_window_days, "fallback_window_days")
        return super().fit(purchases, as_of)

    def _history_days(self, horizon_days: int) -> int:
        # The fallback must be sound; the seasonal part checks its own history.
        return self.fallback_window_days

    def _forecast(
        self, at: pd.Timestamp, horizon_days: int, offset_days: int = 0
    ) -> pd.DataFrame:
        if offset_days + horizon_days > self.season_days:
            raise ValueError(
                f"horizon_days ({offset_days + horizon_days}) is longer than the "
                f"season ({self.season_days} days): the window a season back "
                "would overlap the forecast."
            )
        recent = self._recent(at, self.fallback_window_days, horizon_days)
        start = at + offset_days * DAY - self.season_days * DAY
        seasonal = window_uptake(self.purchases_, start, start + horizon_days * DAY)
        seasonal = seasonal.astype("float64").reindex(recent.index, fill_value=0.0)
        has_history = (self.first_sale_.reindex(recent.index) <= start).to_numpy()
        out = recent.copy()
        out[BUYERS] = np.where(has_history, seasonal[BUYERS], recent[BUYERS])
        out[UNITS] = np.where(has_history, seasonal[UNITS], recent[UNITS])
        out[FALLBACK] = ~has_history
        return out
