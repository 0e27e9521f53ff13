"""Forecasts of whole groups of offerings (all of them, or one category) as
weekly series of their own, with intervals learnt from the same forecasts
made at earlier origins.

A group's weekly value is the sum over its offerings of each one's distinct
buyers that week (a customer who bought three of its offerings counts three
times): the number the per-offering rows of a backtest add up to. Adding up
the per-offering intervals instead gives a band as wide as the whole range
of possible totals, because the offerings' errors partly cancel.

The weekly shape within the horizon comes from the data: the candidate
``methods`` (by default the flat mean of the last four weeks, that level
carried on by the growth of the last 13 weeks over the 13 before, and, with
more than a year of history, last year's same weeks scaled to the recent
level) forecast the newest earlier origins, and the one with the lowest WAPE over
all groups is used. A partial last week gets the share of the lines its
weekdays had over the last eight weeks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from ml.columns import Columns
from ml.dataset import purchases_before
from ml.demand.base import LOWER, PREDICTED_BUYERS, UPPER
from ml.demand.intervals import EmpiricalInterval
from ml.demand.series import DAY, WEEK_START, check_days, check_purchases
from ml.demand.windows import DayLines

C = Columns
FloatArray = npt.NDArray[np.float64]
LAST_YEAR = "last year"
TREND = "trend"
TREND_WEEKS = 13  # the trend compares the last 13 weeks with the 13 before
SEASON_WEEKS = 52
LEVEL_WEEKS = 4  # the recent level that last year's shape is scaled to
NAIVE = f"last {LEVEL_WEEKS} weeks"
PROFILE_DAYS = 56  # days whose lines give the weekday profile


@dataclass(frozen=True, slots=True)
class TotalsChoice:
    """The method validation chose, its WAPE and the naive last-4-weeks' WAPE
    (weekly values of every group at the validation origins)."""

    method: str
    validation_wape: float
    naive_wape: float


class GroupTotalsForecaster(BaseEstimator):  # type: ignore[misc]
    """Weekly and whole-horizon buyers of groups of offerings, with intervals.

    ``fit`` takes ``groups`` (offering_id -> group name; None: every offering
    is a group of its own). The newest ``validation_origins`` weekly origins
    whose weeks ended by as_of choose among ``methods`` ("last N weeks": the
    flat mean of those weeks; "trend": the last four weeks' mean grown by the
    weekly growth of the last 13 weeks over the 13 before; "last year": last
    year's same weeks scaled to the last four); the chosen method's errors at
    the newest ``error_origins`` give the ``level`` intervals
    (EmpiricalInterval, pooled over groups and weeks ahead, by forecast
    size). Longer flat means and a trend over 4 or 8 weeks did worse on the
    benchmarks' earlier windows (tests/benchmarks/RESULTS.md, "Demand per
    level"), so they are not offered by default.
    """

    def __init__(
        self,
        horizon_days: int = 28,
        *,
        methods: tuple[str, ...] = (NAIVE, TREND, LAST_YEAR),
        validation_origins: int = 8,
        error_origins: int = 26,
        level: float = 0.8,
        min_group_size: int = 30,
    ) -> None:
        self.horizon_days = horizon_days
        self.methods = methods
        self.validation_origins = validation_origins
        self.error_origins = error_origins
        self.level = level
        self.min_group_size = min_group_size

    def fit(
        self,
        purchases: pd.DataFrame,
        as_of: pd.Timestamp,
        groups: pd.Series | None = None,
    ) -> Self:
        """Learn each group's weekly series from the purchases before as_of."""
        check_purchases(purchases)
        check_days(self.horizon_days)
        unknown = [name for name in self.methods if not _known_method(name)]
        if not self.methods or unknown:
            raise ValueError(
                f"methods must be 'last N weeks', {TREND!r} or {LAST_YEAR!r}; got "
                f"{self.methods!r}"
            )
        as_of = pd.Timestamp(as_of)
        before = purchases_before(purchases, as_of)
        sold = pd.Index(sorted(before[C.OFFERING].astype(str).unique()))
        if groups is None:
            groups = pd.Series(sold, index=sold)
        known = groups.loc[~groups.index.duplicated()]
        known.index = known.index.astype(str)
        offerings = sold.intersection(known.index)
        self.as_of_ = as_of
        self.groups_ = pd.Index(sorted(known.astype(str).unique()))
        code = self.groups_.get_indexer(known.reindex(offerings).astype(str))
        lines = DayLines.from_purchases(before, as_of, offerings)
        self.weeks_ = _grouped(
            lines.distinct_buyers(self._week_ends(lines), 7), code, len(self.groups_)
        )
        self.weekday_share_ = _weekday_share(lines.day)
        self._learn(lines, code)
        return self

    # -- learning -----------------------------------------------------------------

    def _week_ends(self, lines: DayLines) -> npt.NDArray[np.int64]:
        """Ends of the whole weeks in the data, oldest first (the last is 0)."""
        start = int(lines.day.min()) if len(lines.day) else 0
        return -7 * np.arange(max(0, -start // 7))[::-1].astype(np.int64)

    def _weeks_ahead(self) -> int:
        """Weeks in the horizon, the last one perhaps partial."""
        return -(-self.horizon_days // 7)

    def _steps(self) -> int:
        """Whole weeks ahead that earlier origins are scored on (at least one)."""
        return max(1, self.horizon_days // 7)

    def _forecast(self, method: str, back: int) -> FloatArray | None:
        """Weekly forecasts (groups x weeks ahead) at the origin ``back`` weeks
        before as_of, from the weeks before it; None without the history."""
        if back >= self.weeks_.shape[1]:
            return None
        history = self.weeks_[:, : self.weeks_.shape[1] - back]
        steps = self._weeks_ahead()
        if method == LAST_YEAR:
            now = history.shape[1]
            if now - SEASON_WEEKS - LEVEL_WEEKS < 0:
                return None
            level = _level(history)
            then = history[:, now - SEASON_WEEKS - LEVEL_WEEKS : now - SEASON_WEEKS]
            same = history[:, now - SEASON_WEEKS : now - SEASON_WEEKS + steps]
            shape = (same + 1.0) / (then.mean(axis=1, keepdims=True) + 1.0)
            forecast: FloatArray = level * shape
            return forecast
        if method == TREND:
            growth = trend_factors(history, steps)
            return None if growth is None else growth * _level(history)
        weeks = int(method.split()[1])
        if history.shape[1] == 0:
            return None
        # A young history: the mean of the weeks there are.
        level = history[:, -weeks:].mean(axis=1, keepdims=True)
        return np.repeat(level, steps, axis=1)

    def _scored(self, method: str, backs: range) -> tuple[FloatArray, FloatArray]:
        """Forecasts and actual values of whole weeks at the given origins."""
        steps = self._steps()
        predicted, actual = [], []
        for back in backs:
            forecast = self._forecast(method, back)
            if forecast is None or back < steps:
                continue
            start = self.weeks_.shape[1] - back
            predicted.append(forecast[:, :steps].ravel())
            actual.append(self.weeks_[:, start : start + steps].ravel())
        if not predicted:
            return np.empty(0), np.empty(0)
        return np.concatenate(predicted), np.concatenate(actual)

    def _learn(self, lines: DayLines, code: npt.NDArray[np.int64]) -> None:
        """Choose the method, learn its intervals and forecast as of as_of."""
        steps = self._steps()
        validation = range(steps, steps + self.validation_origins)
        scores = {}
        for method in self.methods:
            predicted, actual = self._scored(method, validation)
            # A method must forecast every validation origin to compete.
            if predicted.size == steps * len(self.groups_) * len(validation):
                scores[method] = _wape(predicted, actual)
        # Without enough history to compare, the first method given.
        best = min(scores, key=scores.__getitem__) if scores else self.methods[0]
        naive = _wape(*self._scored(NAIVE, validation))
        self.choice_ = TotalsChoice(best, scores.get(best, np.nan), naive)
        errors = range(steps, steps + self.error_origins)
        predicted, actual = self._scored(best, errors)
        self.weekly_interval_ = self._interval(predicted, actual)
        ratio, horizon_errors = self._horizon_errors(lines, code, best, errors)
        self.horizon_interval_ = self._interval(*horizon_errors)
        weekly = self._forecast(best, 0)
        if weekly is None:  # too little history even for the shortest mean
            weekly = np.zeros((len(self.groups_), self._weeks_ahead()))
        self.weekly_forecast_ = weekly  # whole weeks; predict_weekly cuts the last
        self.horizon_forecast_ = ratio * (weekly * self._week_shares()).sum(axis=1)

    def _horizon_errors(
        self,
        lines: DayLines,
        code: npt.NDArray[np.int64],
        method: str,
        backs: range,
    ) -> tuple[FloatArray, tuple[FloatArray, FloatArray]]:
        """The ratio of horizon buyers to the sum of weekly buyers now, and the
        method's horizon forecasts against actuals at earlier origins.

        A customer who buys an offering in two weeks of the horizon counts
        twice in the weekly sum and once in the horizon's buyers; the ratio of
        the last horizon before each origin turns one into the other."""
        days = self.horizon_days
        origins = np.array([-7 * back for back in backs if 7 * back >= days])
        points = np.union1d(np.append(origins, 0), origins + days).astype(np.int64)
        buyers = _grouped(lines.distinct_buyers(points, days), code, len(self.groups_))
        at = {int(point): buyers[:, i] for i, point in enumerate(points)}
        ratio = self._ratio(at[0], 0)
        predicted, actual = [], []
        for origin in origins:
            back = int(-origin // 7)
            forecast = self._forecast(method, back)
            if forecast is None:
                continue
            weekly = (forecast * self._week_shares()).sum(axis=1)
            predicted.append(self._ratio(at[int(origin)], back) * weekly)
            actual.append(at[int(origin) + days])
        if not predicted:
            return ratio, (np.empty(0), np.empty(0))
        return ratio, (np.concatenate(predicted), np.concatenate(actual))

    def _ratio(self, horizon_buyers: FloatArray, back: int) -> FloatArray:
        """Buyers of the horizon before an origin over the weekly buyers of
        the same days (whole weeks, scaled to the horizon's length)."""
        steps = self._weeks_ahead()
        end = self.weeks_.shape[1] - back
        weekly = self.weeks_[:, max(0, end - steps) : end].sum(axis=1)
        weekly = weekly * self.horizon_days / (7 * steps)
        ratio: FloatArray = (horizon_buyers + 1.0) / (weekly + 1.0)
        return np.minimum(ratio, 1.0)

    def _week_shares(self) -> FloatArray:
        """Each week's share of a whole week (a partial last week: its weekdays')."""
        steps = self._weeks_ahead()
        shares = np.ones(steps)
        rest = self.horizon_days - 7 * (steps - 1)
        shares[-1] = self.weekday_share_[:rest].sum()
        return shares

    def _interval(self, predicted: FloatArray, actual: FloatArray) -> EmpiricalInterval:
        return EmpiricalInterval.from_errors(
            predicted, actual, level=self.level, min_group_size=self.min_group_size
        )

    # -- forecasting --------------------------------------------------------------

    def predict(
        self, groups: Sequence[str], horizon_days: int | None = None
    ) -> pd.DataFrame:
        """Buyers of each group in [as_of, as_of + horizon): the sum of its
        offerings' distinct buyers. Columns: offering_id (the group),
        predicted_buyers, lower, upper; an unknown group is forecast 0."""
        self._check(horizon_days)
        rows = self.groups_.get_indexer(pd.Index([str(g) for g in groups]))
        buyers = np.append(self.horizon_forecast_, 0.0)[rows]  # unknown: 0
        lower, upper = self.horizon_interval_.bounds(buyers)
        return pd.DataFrame(
            {
                C.OFFERING: [str(g) for g in groups],
                PREDICTED_BUYERS: buyers,
                LOWER: lower,
                UPPER: upper,
            }
        )

    def predict_weekly(
        self, groups: Sequence[str], horizon_days: int | None = None
    ) -> pd.DataFrame:
        """Each week of the horizon, group by group: offering_id (the group),
        week_start, predicted_buyers, lower, upper."""
        self._check(horizon_days)
        ids = [str(g) for g in groups]
        rows = self.groups_.get_indexer(pd.Index(ids))
        steps = self.weekly_forecast_.shape[1]
        # Unknown groups (-1) read the appended row of zeros.
        whole = np.vstack([self.weekly_forecast_, np.zeros((1, steps))])[rows].ravel()
        # The interval is relative: a partial week gets its share of a whole one.
        lower, upper = self.weekly_interval_.bounds(whole)
        shares = np.tile(self._week_shares(), len(ids))
        return pd.DataFrame(
            {
                C.OFFERING: np.repeat(ids, steps),
                WEEK_START: np.tile(
                    [self.as_of_ + 7 * step * DAY for step in range(steps)], len(ids)
                ),
                PREDICTED_BUYERS: whole * shares,
                LOWER: lower * shares,
                UPPER: upper * shares,
            }
        )

    def _check(self, horizon_days: int | None) -> None:
        if not hasattr(self, "as_of_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(purchases, "
                "as_of) first."
            )
        if horizon_days is not None and horizon_days != self.horizon_days:
            raise ValueError(
                f"this model forecasts {self.horizon_days}-day horizons, not "
                f"{horizon_days}."
            )


def trend_factors(history: FloatArray, steps: int) -> FloatArray | None:
    """Each week ahead over the mean of the last LEVEL_WEEKS weeks, if the
    weekly growth of the last TREND_WEEKS over the TREND_WEEKS before held
    (groups x steps); None with fewer than 2 x TREND_WEEKS weeks of history."""
    if history.shape[1] < 2 * TREND_WEEKS:
        return None
    recent = history[:, -TREND_WEEKS:].mean(axis=1, keepdims=True)
    older = history[:, -2 * TREND_WEEKS : -TREND_WEEKS].mean(axis=1, keepdims=True)
    growth = ((recent + 1.0) / (older + 1.0)) ** (1.0 / TREND_WEEKS)
    # Weeks from the middle of the last LEVEL_WEEKS to each week ahead.
    ahead = np.arange(steps)[None, :] + (LEVEL_WEEKS + 1) / 2.0
    factors: FloatArray = growth**ahead
    return factors


def _level(history: FloatArray) -> FloatArray:
    """The mean of each group's last LEVEL_WEEKS weeks (a column)."""
    level: FloatArray = history[:, -LEVEL_WEEKS:].mean(axis=1, keepdims=True)
    return level


def _grouped(
    values: FloatArray, code: npt.NDArray[np.int64], groups: int
) -> FloatArray:
    """Rows of offerings added up per group (rows without a group dropped)."""
    out = np.zeros((groups, values.shape[1]))
    keep = code >= 0
    np.add.at(out, code[keep], values[keep])
    return out


def _weekday_share(days: npt.NDArray[np.int64]) -> FloatArray:
    """Share of the lines of the last PROFILE_DAYS days on each weekday,
    counted from as_of's weekday (an even split without such lines)."""
    recent = days[days >= -PROFILE_DAYS]
    if recent.size == 0:
        return np.full(7, 1.0 / 7.0)
    counts = np.bincount(recent % 7, minlength=7).astype("float64")
    share: FloatArray = counts / counts.sum()
    return share


def _known_method(name: str) -> bool:
    words = name.split()
    flat = len(words) == 3 and words[0] == "last" and words[2] == "weeks"
    return name in (TREND, LAST_YEAR) or (
        flat and words[1].isdigit() and int(words[1]) > 0
    )


def _wape(predicted: FloatArray, actual: FloatArray) -> float:
    total = float(actual.sum())
    return float(np.abs(predicted - actual).sum() / total) if total > 0 else np.nan
