"""The demand model: one histogram gradient boosting model over all offerings'
histories, forecasting each offering's distinct buyers over the horizon.

Training rows are (offering, origin) pairs at weekly origins before as_of
whose horizon ended by as_of. The target is the offering's buyers in the
horizon divided by its naive forecast (buyers of the last 28 days, plus one)
and by the market ratio of that origin (ml/demand/level.py): the model learns
which offerings gain or lose against the market, and a separate forecast of
the market ratio scales its answer. The loss, the number of boosting
iterations, the market level and a blend with the naive forecast are chosen
on validation origins (the newest ones, held out from a first fit), never on
the forecast window; the errors made there give the interval. Offerings with
a short or mostly-zero history get the naive last-4-weeks forecast instead
(``fallback``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from threadpoolctl import threadpool_limits

from ml.columns import Columns
from ml.dataset import Interactions, purchases_before
from ml.demand.base import FALLBACK, LOWER, PREDICTED_BUYERS, PREDICTED_UNITS, UPPER
from ml.demand.baselines import MovingAverageForecaster
from ml.demand.boosting import (
    Booster,
    BoosterSettings,
    Choice,
    choose,
    combine,
    feature_columns,
    fit_booster,
    weekly_forecast,
)
from ml.demand.features import (
    ACTIVE,
    AGE,
    ORIGIN,
    ROW,
    SEASON,
    TARGET,
    UNITS_PER_BUYER,
    UNITS_PER_WEEKLY_BUYER,
    FeedbackLines,
    feature_table,
    targets,
)
from ml.demand.intervals import EmpiricalInterval
from ml.demand.level import (
    FLAT,
    LAST_YEAR,
    TREND,
    level_at,
    market_ratio,
    trend_levels,
    trend_paths,
)
from ml.demand.series import WEEK_START, check_days, check_purchases
from ml.demand.windows import DayLines

C = Columns
DAY = pd.Timedelta(days=1)
MIN_TRAINING_ORIGINS = 4  # before the validation origins
WEEKLY_BUYERS = "weekly_buyers"  # per 7 days
WEEKLY_UNITS = "weekly_units"
VALUES = [PREDICTED_BUYERS, PREDICTED_UNITS, LOWER, UPPER]


class GradientBoostingDemandForecaster(BaseEstimator):  # type: ignore[misc]
    """Distinct buyers (and units) per offering over the horizon and per week.

    ``horizon_days`` is the horizon the model is trained for (predict asks for
    the same one). The newest ``training_origins`` weekly origins, and those
    within ``seasonal_weeks`` of the same date one and two years back, feed
    the model. The newest ``validation_origins`` are first held out to
    choose, by WAPE, among ``losses`` (scikit-learn's histogram boosting has
    Poisson but no Tweedie loss), up to ``max_iter`` iterations, the market
    ``levels`` (ml/demand/level.py) and ``blends`` (the model's weight
    against the naive forecast). Offerings younger than ``min_history_days``
    or with buyers in fewer than ``min_active_weeks`` of the last 13 weeks
    fall back to the naive last-4-weeks forecast. The interval holds
    ``level`` of the validation errors (EmpiricalInterval). A big catalogue
    gives millions of (offering, origin) rows: at most ``max_training_rows``
    of them, a seeded random sample, feed the model (``training_rows_`` says
    how many did); on the 1.5 M-line grocery-shaped history 250,000 of 1.26 M
    fitted 4x faster for a WAPE 0.2711 instead of 0.2694 on its 500 biggest
    offerings (tests/benchmarks/RESULTS.md, "Demand per level").

    Defaults were chosen on Online Retail at as-of dates before the
    benchmark's test window (tests/benchmarks/bench_demand.py) and on
    synthetic shops: the "recent" level (the market keeps its recent rise
    against the naive forecast, past ratios weighed by
    ``recent_half_life_days``) did worse than "flat" there, so it is not on
    offer by default. The "trend" level (all offerings' weekly buyers keep
    the growth of the last 13 weeks over the 13 before, as the forecast of
    the total does) is: validation took it at Online Retail's newest
    earlier dates, where it did better by category and no worse by offering
    (tests/benchmarks/RESULTS.md, "Demand per level").
    """

    def __init__(
        self,
        horizon_days: int = 28,
        *,
        training_origins: int = 26,
        seasonal_weeks: int = 8,
        validation_origins: int = 4,
        losses: tuple[str, ...] = ("poisson", "squared_error"),
        max_iter: int = 100,
        learning_rate: float = 0.2,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 50,
        l2_regularization: float = 1.0,
        blends: tuple[float, ...] = (1.0, 0.5),
        levels: tuple[str, ...] = (FLAT, LAST_YEAR, TREND),
        recent_half_life_days: float = 56.0,
        min_history_days: int = 56,
        min_active_weeks: int = 3,
        level: float = 0.8,
        min_group_size: int = 30,
        max_training_rows: int | None = 250_000,
        random_state: int | None = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.training_origins = training_origins
        self.seasonal_weeks = seasonal_weeks
        self.validation_origins = validation_origins
        self.losses = losses
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.blends = blends
        self.levels = levels
        self.recent_half_life_days = recent_half_life_days
        self.min_history_days = min_history_days
        self.min_active_weeks = min_active_weeks
        self.level = level
        self.min_group_size = min_group_size
        self.max_training_rows = max_training_rows
        self.random_state = random_state

    # -- fitting ------------------------------------------------------------------

    def fit(self, purchases: pd.DataFrame | Interactions, as_of: pd.Timestamp) -> Self:
        """Learn from the purchases (and ratings, given Interactions) before as_of."""
        feedback = None
        if isinstance(purchases, Interactions):
            feedback = purchases.feedback
            purchases = purchases.purchases
        check_purchases(purchases)
        self._check_params()
        as_of = pd.Timestamp(as_of)
        before = purchases_before(purchases, as_of)
        self.as_of_ = as_of
        self.fallback_model_ = MovingAverageForecaster(
            level=self.level, min_group_size=self.min_group_size
        ).fit(before, as_of)
        # Until a model is learnt, every offering gets the fallback.
        self.choice_: Choice | None = None
        self.model_: Booster | None = None
        self.training_rows_ = 0
        self.market_level_ = np.nan
        # Each week's share of the horizon's weekly mean (a trend tilts it).
        self.weekly_shape_ = np.ones(-(-self.horizon_days // 7))
        self.interval_ = EmpiricalInterval.from_errors([], [], level=self.level)
        self.weekly_interval_ = self.interval_
        self.forecast_ = pd.DataFrame(
            columns=[*VALUES, WEEKLY_BUYERS, WEEKLY_UNITS],
            index=pd.Index([], name=C.OFFERING),
            dtype="float64",
        )
        offerings = pd.Index(sorted(before[C.OFFERING].astype(str).unique()))
        lines = DayLines.from_purchases(before, as_of, offerings)
        if len(lines.day):
            rated = (
                FeedbackLines.from_feedback(feedback, as_of, offerings)
                if feedback is not None
                else None
            )
            # Each tree is little work: on a busy 2-core machine, OpenMP threads
            # waiting on each other made fitting over ten times slower.
            with threadpool_limits(limits=1, user_api="openmp"):
                self._learn(lines, rated)
        return self

    def _learn(self, lines: DayLines, rated: FeedbackLines | None) -> None:
        """Choose on the validation origins, fit the final model, forecast."""
        data_start = int(lines.day.min())
        origins = self._origins(data_start)
        validation = origins[-self.validation_origins :]
        inner = origins[origins + self.horizon_days <= validation.min(initial=0)]
        if len(inner) < MIN_TRAINING_ORIGINS:
            return  # too little history to learn and check a model
        table = feature_table(
            lines,
            np.append(origins, 0),
            self.horizon_days,
            data_start=data_start,
            feedback=rated,
        )
        usable = (table[AGE] >= self.min_history_days) & (
            table[ACTIVE] >= self.min_active_weeks
        )
        rows = self._within_budget(table.loc[usable & (table[ORIGIN] < 0)])
        rows[TARGET] = targets(lines, rows, 0, self.horizon_days)
        in_inner = rows[ORIGIN].isin(inner).to_numpy()
        in_validation = rows[ORIGIN].isin(validation).to_numpy()
        if in_inner.sum() < 2 * self.min_samples_leaf or not in_validation.any():
            return
        self.training_rows_ = len(rows)
        ratios = market_ratio(rows)
        trends = trend_levels(lines, np.append(origins, 0), self.horizon_days)
        settings = self._settings()
        choice, checked = choose(
            settings,
            tuple(self.losses),
            tuple(self.blends),
            tuple(self.levels),
            rows.loc[in_inner],
            rows.loc[in_validation],
            ratios,
            trends,
        )
        self.interval_ = self._interval(checked)
        self.weekly_interval_ = self._interval(self._weekly_errors(lines, checked))
        self.model_ = fit_booster(
            settings,
            rows,
            ratios,
            loss=choice.loss,
            iterations=choice.iterations,
            features=feature_columns(rows.loc[in_inner]),
        )
        self.market_level_ = level_at(
            choice.level,
            0,
            ratios,
            self.horizon_days,
            self.recent_half_life_days,
            trends,
        )
        self.choice_ = choice
        if choice.level == TREND:
            path = trend_paths(lines, np.zeros(1, np.int64), self.horizon_days)[0]
            days = np.minimum(7, self.horizon_days - 7 * np.arange(len(path)))
            self.weekly_shape_ = path * days.sum() / (path * days).sum()
        current = table.loc[usable & (table[ORIGIN] == 0)].reset_index(drop=True)
        self.forecast_ = self._current(current, lines.offerings)

    def _within_budget(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The training rows, or a seeded random sample of max_training_rows
        of them (trees of a few leaves need far fewer than millions)."""
        budget = self.max_training_rows
        if budget is None or len(rows) <= budget:
            return rows.reset_index(drop=True)
        keep = np.random.default_rng(self.random_state).choice(
            len(rows), budget, replace=False
        )
        return rows.iloc[np.sort(keep)].reset_index(drop=True)

    def _interval(self, checked: pd.DataFrame) -> EmpiricalInterval:
        return EmpiricalInterval.from_errors(
            checked[PREDICTED_BUYERS],
            checked[TARGET],
            level=self.level,
            min_group_size=self.min_group_size,
        )

    def _settings(self) -> BoosterSettings:
        return BoosterSettings(
            horizon_days=self.horizon_days,
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            recent_half_life_days=self.recent_half_life_days,
            random_state=self.random_state,
        )

    def _check_params(self) -> None:
        check_days(self.horizon_days)
        check_days(self.min_history_days, "min_history_days")
        if self.validation_origins < 1 or self.training_origins < (
            self.validation_origins + MIN_TRAINING_ORIGINS
        ):
            raise ValueError(
                "validation_origins must be >= 1 and training_origins at least "
                f"{MIN_TRAINING_ORIGINS} more, got {self.validation_origins} and "
                f"{self.training_origins}"
            )
        if not self.losses or not self.blends:
            raise ValueError("give at least one loss and one blend weight")
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level must be between 0 and 1, got {self.level}")

    def _origins(self, data_start: int) -> npt.NDArray[np.int64]:
        """Weekly training origins (ascending): the newest training_origins
        whose horizon ended by as_of, and those within seasonal_weeks of the
        same date one and two years back; each with four weeks of data
        before it."""
        last = -7 * -(-self.horizon_days // 7)  # ceil to whole weeks
        recent = np.arange(last, data_start + 27, -7)[: self.training_origins]
        weeks = 7 * np.arange(-self.seasonal_weeks, self.seasonal_weeks + 1)
        seasonal = np.concatenate([weeks - SEASON * year for year in (1, 2)])
        seasonal = seasonal[(seasonal <= last) & (seasonal - 28 >= data_start)]
        return np.union1d(recent, seasonal).astype(np.int64)

    def _weekly_errors(self, lines: DayLines, checked: pd.DataFrame) -> pd.DataFrame:
        """Weekly forecasts at the validation origins against actual buyers."""
        frames = []
        for offset in range(0, self.horizon_days, 7):
            days = min(7, self.horizon_days - offset)
            predicted = weekly_forecast(checked, self.horizon_days, days)
            actual = targets(lines, checked, offset, days)
            frames.append(pd.DataFrame({PREDICTED_BUYERS: predicted, TARGET: actual}))
        return pd.concat(frames, ignore_index=True)

    def _current(self, current: pd.DataFrame, offerings: pd.Index) -> pd.DataFrame:
        """The model's forecast at as_of for the offerings it knows well."""
        assert self.model_ is not None and self.choice_ is not None
        relative = self.model_.predict(current)
        buyers = combine(relative, current, self.market_level_, self.choice_.blend)
        frame = current.assign(**{PREDICTED_BUYERS: buyers})
        per_buyer = frame[UNITS_PER_BUYER].fillna(frame[UNITS_PER_BUYER].median())
        weekly = weekly_forecast(frame, self.horizon_days, 7)
        per_weekly = frame[UNITS_PER_WEEKLY_BUYER].fillna(per_buyer)
        lower, upper = self.interval_.bounds(buyers)
        return pd.DataFrame(
            {
                PREDICTED_BUYERS: buyers,
                PREDICTED_UNITS: buyers * per_buyer.fillna(1.0).to_numpy(),
                LOWER: lower,
                UPPER: upper,
                WEEKLY_BUYERS: weekly,
                WEEKLY_UNITS: weekly * per_weekly.fillna(1.0).to_numpy(),
            },
            index=pd.Index(offerings[current[ROW].to_numpy()], name=C.OFFERING),
        )

    # -- forecasting --------------------------------------------------------------

    def predict(
        self, offerings: Sequence[str], horizon_days: int | None = None
    ) -> pd.DataFrame:
        """Forecast buyers and units of each offering in [as_of, as_of + horizon).

        Columns: offering_id, predicted_buyers, predicted_units, lower, upper,
        fallback (True where the naive last-4-weeks forecast was used: short,
        mostly-zero or unknown offerings, or too little history for a model).
        """
        horizon = self._check_horizon(horizon_days)
        out = self.fallback_model_.predict(offerings, horizon)
        model = self.forecast_.reindex(out[C.OFFERING])
        return _merge(out, model)

    def predict_weekly(
        self, offerings: Sequence[str], horizon_days: int | None = None
    ) -> pd.DataFrame:
        """Forecast each week of [as_of, as_of + horizon), offering by offering.

        Weeks start at as_of, as_of + 7 days, ...; the last one is cut at the
        horizon's end. The model's weekly buyers share its horizon forecast
        by how often the offering's buyers came back week after week lately,
        tilted by the market's trend where validation chose the trend level.
        Columns: offering_id, week_start, then those of :meth:`predict`.
        """
        horizon = self._check_horizon(horizon_days)
        out = self.fallback_model_.predict_weekly(offerings, horizon)
        model = self.forecast_.reindex(out[C.OFFERING])
        offset = (out[WEEK_START] - self.as_of_).dt.days.to_numpy()
        part = np.minimum(7, horizon - offset) / 7 * self.weekly_shape_[offset // 7]
        buyers = model[WEEKLY_BUYERS].to_numpy() * part
        lower, upper = self.weekly_interval_.bounds(np.nan_to_num(buyers))
        weekly = pd.DataFrame(
            {
                PREDICTED_BUYERS: buyers,
                PREDICTED_UNITS: model[WEEKLY_UNITS].to_numpy() * part,
                LOWER: lower,
                UPPER: upper,
            },
            index=model.index,
        )
        return _merge(out, weekly)

    def uses_fallback(self, offerings: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Whether each offering is forecast by the naive fallback."""
        self._check_horizon(None)
        ids = pd.Index([str(offering) for offering in offerings])
        known = self.forecast_[PREDICTED_BUYERS].reindex(ids).notna()
        fallback: npt.NDArray[np.bool_] = ~known.to_numpy(dtype=bool)
        return fallback

    def _check_horizon(self, horizon_days: int | None) -> int:
        if not hasattr(self, "as_of_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet; call fit(purchases, "
                "as_of) first."
            )
        if horizon_days is None:
            return int(self.horizon_days)
        check_days(horizon_days)
        if horizon_days != self.horizon_days:
            raise ValueError(
                f"this model forecasts {self.horizon_days}-day horizons, not "
                f"{horizon_days}; fit GradientBoostingDemandForecaster("
                f"horizon_days={horizon_days}) for that."
            )
        return int(horizon_days)


def _merge(fallback: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """The model's rows where it has one, the fallback's elsewhere."""
    has = model[PREDICTED_BUYERS].notna().to_numpy()
    out = fallback.copy()
    for name in VALUES:
        out[name] = np.where(has, model[name].to_numpy(), out[name].to_numpy())
    out[FALLBACK] = ~has
    return out
