"""The boosting part of the demand model: uptake relative to the naive
forecast and the market, fitted with histogram gradient boosting, and the
choice of loss, iterations, market level and blend on validation origins."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from ml.demand.base import PREDICTED_BUYERS
from ml.demand.features import (
    BASE,
    LAST_YEAR_RISE,
    ORIGIN,
    REPEAT_RATIO,
    ROW,
    TARGET,
)
from ml.demand.level import FLAT, level_at

FloatArray = npt.NDArray[np.float64]
CHECK_EVERY = 10  # iterations between the checkpoints validation compares
MAX_BINS = 255


@dataclass(frozen=True, slots=True)
class BoosterSettings:
    """The gradient boosting parameters and what the market level needs."""

    horizon_days: int
    max_iter: int
    learning_rate: float
    max_leaf_nodes: int
    min_samples_leaf: int
    l2_regularization: float
    recent_half_life_days: float
    random_state: int | None


@dataclass(frozen=True, slots=True)
class Choice:
    """What validation chose, and the WAPE of it and of the naive forecast
    over the validation origins (offerings the model forecasts)."""

    loss: str
    iterations: int
    level: str
    blend: float
    validation_wape: float
    naive_wape: float


def feature_columns(rows: pd.DataFrame) -> list[str]:
    """The model's inputs: every feature with at least one known value."""
    names = [c for c in rows.columns if c not in (ORIGIN, ROW, TARGET)]
    return [name for name in names if rows[name].notna().any()]


@dataclass(frozen=True, slots=True)
class Quantizer:
    """Features as the number of their quantile bin (NaN kept).

    With sample weights, scikit-learn finds its own bins through a weighted
    percentile per bin and feature, which took most of the fitting time; on
    at most MAX_BINS distinct values it takes them as they are.
    """

    features: tuple[str, ...]
    edges: tuple[FloatArray, ...]

    @classmethod
    def from_rows(cls, rows: pd.DataFrame, features: list[str]) -> Quantizer:
        """Bin edges at the quantiles of each feature over the rows."""
        quantiles = np.linspace(0.0, 1.0, MAX_BINS + 1)[1:-1]
        edges = []
        for name in features:
            values = rows[name].to_numpy(dtype=np.float64)
            values = values[~np.isnan(values)]
            edges.append(np.unique(np.quantile(values, quantiles)))
        return cls(tuple(features), tuple(edges))

    def transform(self, rows: pd.DataFrame) -> FloatArray:
        """The rows' bin numbers, one column per feature."""
        out = np.empty((len(rows), len(self.features)))
        for column, (name, edges) in enumerate(
            zip(self.features, self.edges, strict=True)
        ):
            values = rows[name].to_numpy(dtype=np.float64)
            binned = np.searchsorted(edges, values, side="right").astype(np.float64)
            out[:, column] = np.where(np.isnan(values), np.nan, binned)
        return out


@dataclass(frozen=True, slots=True)
class Booster:
    """A fitted model with the binning of its inputs."""

    quantizer: Quantizer
    model: HistGradientBoostingRegressor

    def predict(self, rows: pd.DataFrame) -> FloatArray:
        """The relative forecast of each row."""
        relative: FloatArray = self.model.predict(self.quantizer.transform(rows))
        return relative

    def staged_predict(self, rows: pd.DataFrame) -> Iterator[FloatArray]:
        """The relative forecasts after each boosting iteration."""
        yield from self.model.staged_predict(self.quantizer.transform(rows))


def fit_booster(
    settings: BoosterSettings,
    rows: pd.DataFrame,
    ratios: pd.Series,
    *,
    loss: str,
    iterations: int,
    features: list[str],
) -> Booster:
    """Fit buyers / ((naive + 1) x the origin's market ratio).

    Weighted by the divisor, so that the loss on the ratio is the loss on
    buyers (for Poisson, exactly a log offset).
    """
    quantizer = Quantizer.from_rows(rows, features)
    scale = (rows[BASE].to_numpy() + 1.0) * ratios.reindex(rows[ORIGIN]).to_numpy()
    model = HistGradientBoostingRegressor(
        loss=loss,
        learning_rate=settings.learning_rate,
        max_iter=iterations,
        max_leaf_nodes=settings.max_leaf_nodes,
        min_samples_leaf=settings.min_samples_leaf,
        l2_regularization=settings.l2_regularization,
        early_stopping=False,
        random_state=settings.random_state,
    )
    target = rows[TARGET].to_numpy() / scale
    model.fit(quantizer.transform(rows), target, sample_weight=scale)
    return Booster(quantizer, model)


def combine(
    relative: FloatArray, rows: pd.DataFrame, level: FloatArray | float, blend: float
) -> FloatArray:
    """Buyers from the relative forecast, the market level and the blend
    weight of the model against the naive forecast (moved by last year's
    rise over the same weeks, where that is known)."""
    base = rows[BASE].to_numpy()
    model = np.maximum(relative, 0.0) * (base + 1.0)
    naive = base * np.nan_to_num(rows[LAST_YEAR_RISE].to_numpy(), nan=1.0)
    buyers: FloatArray = np.asarray(level) * (blend * model + (1.0 - blend) * naive)
    return buyers


def choose(
    settings: BoosterSettings,
    losses: tuple[str, ...],
    blends: tuple[float, ...],
    levels: tuple[str, ...],
    inner: pd.DataFrame,
    validation: pd.DataFrame,
    ratios: pd.Series,
    trends: pd.Series,
) -> tuple[Choice, pd.DataFrame]:
    """Fit on the inner origins, score every combination on the validation
    origins and keep the lowest WAPE (ties: the simpler, listed first).

    Returns the choice and the validation rows with the chosen forecast.
    """
    features = feature_columns(inner)
    actual = validation[TARGET].to_numpy()
    total = max(float(actual.sum()), 1.0)
    at_origins = _levels(levels, validation, ratios, trends, settings)
    best: tuple[float, Choice, FloatArray] | None = None
    for loss in losses:
        model = fit_booster(
            settings,
            inner,
            ratios,
            loss=loss,
            iterations=settings.max_iter,
            features=features,
        )
        for step, relative in enumerate(model.staged_predict(validation)):
            iterations = step + 1
            if iterations % CHECK_EVERY and iterations != settings.max_iter:
                continue
            for kind, level in at_origins.items():
                for blend in blends:
                    predicted = combine(relative, validation, level, blend)
                    wape = float(np.abs(predicted - actual).sum() / total)
                    if best is None or wape < best[0]:
                        choice = Choice(loss, iterations, kind, blend, wape, np.nan)
                        best = (wape, choice, predicted)
    assert best is not None
    naive = float(np.abs(validation[BASE].to_numpy() - actual).sum() / total)
    _, choice, predicted = best
    choice = Choice(
        choice.loss,
        choice.iterations,
        choice.level,
        choice.blend,
        choice.validation_wape,
        naive,
    )
    return choice, validation.assign(**{PREDICTED_BUYERS: predicted})


def _levels(
    levels: tuple[str, ...],
    rows: pd.DataFrame,
    ratios: pd.Series,
    trends: pd.Series,
    settings: BoosterSettings,
) -> dict[str, FloatArray]:
    """Each market level the rows' origins and as_of (0) can all use (the
    flat level when none of those asked for can)."""
    origins = rows[ORIGIN].to_numpy()
    out: dict[str, FloatArray] = {}
    for kind in levels:
        at = {
            int(origin): level_at(
                kind,
                int(origin),
                ratios,
                settings.horizon_days,
                settings.recent_half_life_days,
                trends,
            )
            for origin in [*np.unique(origins), 0]
        }
        if not np.isnan(list(at.values())).any():
            out[kind] = np.array([at[int(origin)] for origin in origins])
    return out or {FLAT: np.ones(len(origins))}


def weekly_forecast(rows: pd.DataFrame, horizon_days: int, days: int) -> FloatArray:
    """Buyers in ``days`` days from the rows' horizon forecasts: distinct
    buyers of a week add up to more than those of a month when buyers come
    back week after week, by the offering's recent repeat ratio."""
    per_day = rows[PREDICTED_BUYERS].to_numpy() / horizon_days
    weekly: FloatArray = per_day * rows[REPEAT_RATIO].to_numpy() * days
    return weekly
