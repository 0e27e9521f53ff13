"""The uplift approaches UpliftModel chooses from, each on scikit-learn models.

Every approach learns from customers with a push (t = 1) or held back (t = 0)
and whether they took the offer up (y), and predicts the extra chance of
uptake a push brings, p(y | x, pushed) - p(y | x, not pushed):

* two models (T-learner): one chance model per group, uplift = difference;
* one model with push interactions (S-learner): a logistic regression on the
  columns, the push, and the push times each column; boosted trees get the
  push as one more column;
* X-learner (Kuenzel et al. 2019): two chance models, then each group's
  imputed effect (own outcome minus the other group's model) is regressed on
  the columns, and the two effect models are blended by the share pushed;
* class transformation (Jaskowski and Jaroszewicz 2012): one classifier on
  z = 1 for pushed buyers and held-back non-buyers, with the groups weighted
  to equal size, so that 2 p(z) - 1 is the uplift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, Self

import numpy as np
import numpy.typing as npt
from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge

FloatArray = npt.NDArray[np.float64]
Base = Literal["logistic", "trees"]


@dataclass(frozen=True, slots=True)
class Design:
    """The same customers in both views (see ml.uplift.features)."""

    linear: FloatArray
    trees: FloatArray
    categorical: npt.NDArray[np.bool_]

    def rows(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Design:
        """The customers at `index`."""
        return Design(self.linear[index], self.trees[index], self.categorical)

    def view(self, base: Base) -> FloatArray:
        """The view the base model reads."""
        return self.linear if base == "logistic" else self.trees


class Approach(Protocol):
    """What UpliftModel needs from an approach."""

    name: str

    def fit(self, x: Design, treated: FloatArray, outcome: FloatArray) -> Self: ...

    def uplift(self, x: Design) -> FloatArray: ...


def classifier(base: Base, x: Design, random_state: int) -> ClassifierMixin:
    """A regularised chance model: logistic regression or shallow boosted trees."""
    if base == "logistic":
        return LogisticRegression(C=0.1, max_iter=500)
    return HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=150,
        max_leaf_nodes=8,
        min_samples_leaf=200,
        l2_regularization=1.0,
        categorical_features=x.categorical,
        early_stopping=False,
        random_state=random_state,
    )


def regressor(base: Base, x: Design, random_state: int) -> RegressorMixin:
    """A regularised effect model for the X-learner."""
    if base == "logistic":
        return Ridge(alpha=100.0)
    return HistGradientBoostingRegressor(
        learning_rate=0.05,
        max_iter=100,
        max_leaf_nodes=8,
        min_samples_leaf=400,
        l2_regularization=1.0,
        categorical_features=x.categorical,
        early_stopping=False,
        random_state=random_state,
    )


def _chance(model: ClassifierMixin, x: FloatArray) -> FloatArray:
    return np.asarray(model.predict_proba(x)[:, 1], dtype=float)


class TwoModels:
    """T-learner: a chance model per group."""

    def __init__(self, base: Base, random_state: int = 0) -> None:
        self.base = base
        self.random_state = random_state
        self.name = f"two models, {base}"

    def fit(self, x: Design, treated: FloatArray, outcome: FloatArray) -> Self:
        """Fit the pushed and the held-back group's chance models."""
        view = x.view(self.base)
        model = classifier(self.base, x, self.random_state)
        on = treated == 1
        self.pushed_ = clone(model).fit(view[on], outcome[on])
        self.held_ = clone(model).fit(view[~on], outcome[~on])
        return self

    def uplift(self, x: Design) -> FloatArray:
        """Chance if pushed minus chance if not."""
        view = x.view(self.base)
        return _chance(self.pushed_, view) - _chance(self.held_, view)


class OneModel:
    """S-learner: the push as a column (and, for logistic, push x each column)."""

    def __init__(self, base: Base, random_state: int = 0) -> None:
        self.base = base
        self.random_state = random_state
        self.name = f"one model with push interactions, {base}"

    def _with_push(self, x: Design, push: FloatArray) -> FloatArray:
        view = x.view(self.base)
        column = push[:, None]
        if self.base == "logistic":
            return np.hstack([view, column * view, column])
        return np.hstack([view, column])

    def fit(self, x: Design, treated: FloatArray, outcome: FloatArray) -> Self:
        """Fit one chance model on the columns and the push."""
        model = classifier(self.base, x, self.random_state)
        if self.base == "trees":
            model.set_params(categorical_features=np.r_[x.categorical, False])
        self.model_ = model.fit(self._with_push(x, treated), outcome)
        return self

    def uplift(self, x: Design) -> FloatArray:
        """The model's chance with the push set to 1, minus set to 0."""
        ones, zeros = np.ones(len(x.linear)), np.zeros(len(x.linear))
        pushed = _chance(self.model_, self._with_push(x, ones))
        return pushed - _chance(self.model_, self._with_push(x, zeros))


class XLearner:
    """X-learner with a constant share pushed (campaigns are randomised)."""

    def __init__(self, base: Base, random_state: int = 0) -> None:
        self.base = base
        self.random_state = random_state
        self.name = f"X-learner, {base}"

    def fit(self, x: Design, treated: FloatArray, outcome: FloatArray) -> Self:
        """Fit the chance models, then the two effect models."""
        view = x.view(self.base)
        on = treated == 1
        chances = TwoModels(self.base, self.random_state).fit(x, treated, outcome)
        effect_on = outcome[on] - _chance(chances.held_, view[on])
        effect_off = _chance(chances.pushed_, view[~on]) - outcome[~on]
        model = regressor(self.base, x, self.random_state)
        self.effect_on_ = clone(model).fit(view[on], effect_on)
        self.effect_off_ = clone(model).fit(view[~on], effect_off)
        self.share_pushed_ = float(on.mean())
        return self

    def uplift(self, x: Design) -> FloatArray:
        """Effects blended by the share pushed (more weight to the model from
        the smaller group's imputations, as the paper suggests)."""
        view = x.view(self.base)
        on = np.asarray(self.effect_on_.predict(view), dtype=float)
        off = np.asarray(self.effect_off_.predict(view), dtype=float)
        return self.share_pushed_ * off + (1.0 - self.share_pushed_) * on


class ClassTransformation:
    """Class transformation with the two groups weighted to equal size."""

    def __init__(self, base: Base, random_state: int = 0) -> None:
        self.base = base
        self.random_state = random_state
        self.name = f"class transformation, {base}"

    def fit(self, x: Design, treated: FloatArray, outcome: FloatArray) -> Self:
        """Fit p(z = 1), z = pushed buyer or held-back non-buyer."""
        z = outcome * treated + (1 - outcome) * (1 - treated)
        share = treated.mean()
        weight = np.where(treated == 1, 0.5 / share, 0.5 / (1 - share))
        model = classifier(self.base, x, self.random_state)
        self.model_ = model.fit(x.view(self.base), z, sample_weight=weight)
        return self

    def uplift(self, x: Design) -> FloatArray:
        """2 p(z = 1) - 1."""
        return 2.0 * _chance(self.model_, x.view(self.base)) - 1.0


def approaches(random_state: int = 0) -> list[Approach]:
    """Every approach UpliftModel tries, on both base models."""
    kinds = (TwoModels, OneModel, XLearner, ClassTransformation)
    bases: tuple[Base, ...] = ("logistic", "trees")
    return [kind(base, random_state) for kind in kinds for base in bases]
