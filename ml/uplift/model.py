"""UpliftModel: who buys because of a push, learned from a campaign with a
control group, with the approach chosen by Qini on held-out folds.

Every approach of ml.uplift.learners, on logistic regression and on boosted
trees, is fitted on k - 1 folds of the customers and scored on the k-th
(folds stratified by push and uptake); so are averages of the best two and
three and the default average. ml.uplift.choice picks one (the default
unless another is clearly better; only the default is tried when the folds
hold too few buyers to tell approaches apart), and it is refitted on every
customer. The chance without a push comes from a logistic model of the
held-back group; with a push it is that plus the uplift (kept within 0..1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.uplift.choice import DEFAULT, MIN_TAKERS, Candidate, choose
from ml.uplift.features import UpliftFeatures
from ml.uplift.learners import Approach, Design, TwoModels, approaches
from ml.uplift.metrics import qini_coefficient

FloatArray = npt.NDArray[np.float64]
PUT_OFF = "put off by pushes"
ANYWAY = "would buy anyway"
PERSUADABLE = "likely to buy only if pushed"
LITTLE = "little difference either way"


def _binary(name: str, values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=float).ravel()
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 and 1 (or True and False).")
    return array


class UpliftModel:
    """The extra chance of uptake a push brings, per customer.

    folds: how many held-out folds choose the approach (at least 2).
    ensemble_sizes: averages of the best n approaches that are also tried.
    only: names of approaches to try (default: all; see `learners.approaches`).
    """

    def __init__(
        self,
        folds: int = 5,
        ensemble_sizes: Sequence[int] = (2, 3),
        only: Sequence[str] | None = None,
        random_state: int = 0,
    ) -> None:
        self.folds = folds
        self.ensemble_sizes = ensemble_sizes
        self.only = only
        self.random_state = random_state

    def _approaches(self) -> dict[str, Approach]:
        found = {a.name: a for a in approaches(self.random_state)}
        if self.only is None:
            return found
        unknown = sorted(set(self.only) - set(found))
        if unknown:
            raise ValueError(f"Unknown approaches {unknown}; known: {sorted(found)}.")
        return {name: found[name] for name in self.only}

    def fit(
        self,
        customers: pd.DataFrame,
        treated: npt.ArrayLike,
        outcome: npt.ArrayLike,
        *,
        report: ReportFn = no_report,
        stop_requested: StopFn = never,
    ) -> Self:
        """Choose the approach on held-out folds, then refit it on everyone."""
        t, y = _binary("treated", treated), _binary("outcome", outcome)
        if not len(customers) == len(t) == len(y):
            raise ValueError("customers, treated and outcome differ in length.")
        groups = 2 * t + y
        if np.bincount(groups.astype(int), minlength=4).min() < self.folds:
            raise ValueError(
                "Too few customers to learn from: each of pushed and held back "
                f"needs at least {self.folds} who bought and {self.folds} who did not."
            )
        self.features_ = UpliftFeatures().fit(customers)
        design = self._design(customers)
        candidates = self._approaches()
        takers = min(y[t == 1].sum(), y[t == 0].sum()) / self.folds
        if takers < MIN_TAKERS and set(DEFAULT) <= set(candidates):
            candidates = {name: candidates[name] for name in DEFAULT}
        with threadpool_limits(limits=1, user_api="openmp"):
            self.candidates_ = self._validate(
                design, t, y, candidates, report, stop_requested
            )
            self.chosen_, self.reason_ = choose(self.candidates_, takers)
            check_cancel(stop_requested)
            report(0.9, "Fitting the chosen approach on every customer")
            self.members_ = [
                candidates[name].fit(design, t, y) for name in self.chosen_.members
            ]
            self.held_back_ = TwoModels("logistic", self.random_state)
            self.held_back_.fit(design, t, y)
            uplift = self._uplift(design)
        chances = self.held_back_.held_.predict_proba(design.linear)[:, 1]
        self.anyway_chance_ = float(np.quantile(chances, 0.75))
        self.persuadable_uplift_ = float(np.quantile(uplift, 0.75))
        report(1.0, "Done")
        return self

    def _design(self, customers: pd.DataFrame) -> Design:
        f = self.features_
        return Design(f.linear(customers), f.trees(customers), f.categorical_)

    def _validate(
        self,
        design: Design,
        t: FloatArray,
        y: FloatArray,
        candidates: dict[str, Approach],
        report: ReportFn,
        stop_requested: StopFn,
    ) -> list[Candidate]:
        """Each approach's and each average's Qini on every held-out fold."""
        split = StratifiedKFold(
            self.folds, shuffle=True, random_state=self.random_state
        )
        folds = list(split.split(design.linear, 2 * t + y))
        held: dict[str, list[FloatArray]] = {name: [] for name in candidates}
        steps = len(folds) * len(candidates)
        for i, (train, test) in enumerate(folds):
            for j, (name, approach) in enumerate(candidates.items()):
                check_cancel(stop_requested)
                report(0.9 * (i * len(candidates) + j) / steps, f"Trying {name}")
                approach.fit(design.rows(train), t[train], y[train])
                held[name].append(approach.uplift(design.rows(test)))

        def scored(members: tuple[str, ...]) -> Candidate:
            qinis = []
            for k, (_, test) in enumerate(folds):
                mean = np.mean([held[m][k] for m in members], axis=0)
                qinis.append(qini_coefficient(y[test], mean, t[test]))
            return Candidate(members, tuple(qinis))

        singles = sorted((scored((n,)) for n in held), key=lambda c: -c.qini)
        best = tuple(c.members[0] for c in singles)
        sets = [best[:n] for n in self.ensemble_sizes if 1 < n <= len(best)]
        if set(DEFAULT) <= set(held):
            sets.append(DEFAULT)
        unique = {frozenset(s): s for s in sets}.values()
        return singles + [scored(s) for s in unique]

    def _uplift(self, design: Design) -> FloatArray:
        mean: FloatArray = np.mean([m.uplift(design) for m in self.members_], axis=0)
        return mean

    def predict_uplift(self, customers: pd.DataFrame) -> FloatArray:
        """Extra chance of uptake if pushed (can be negative)."""
        design = self._design(customers)
        with threadpool_limits(limits=1, user_api="openmp"):
            return self._uplift(design)

    def predict_chances(self, customers: pd.DataFrame) -> pd.DataFrame:
        """Per customer (same index): chance without and with a push, uplift
        and a plain label (see `label`)."""
        design = self._design(customers)
        with threadpool_limits(limits=1, user_api="openmp"):
            uplift = self._uplift(design)
        without = self.held_back_.held_.predict_proba(design.linear)[:, 1]
        frame = pd.DataFrame(
            {
                "chance_without_push": without,
                "chance_with_push": np.clip(without + uplift, 0.0, 1.0),
                "uplift": uplift,
            },
            index=customers.index,
        )
        frame["label"] = self.label(without, uplift)
        return frame

    def label(self, without: FloatArray, uplift: FloatArray) -> npt.NDArray[np.str_]:
        """Plain labels, relative to the customers the model learned from:
        'put off by pushes' (the push takes away at least a tenth of their
        chance without it: a hair below zero is noise, not harm); 'would buy
        anyway' (chance without a push in their top quarter, and the push
        adds less than half of it); 'likely to buy only if pushed' (uplift in
        their top quarter); else 'little difference either way'."""
        return np.select(
            [
                (uplift < 0) & (uplift <= -without / 10),
                (without >= self.anyway_chance_) & (uplift < without / 2),
                uplift >= self.persuadable_uplift_,
            ],
            [PUT_OFF, ANYWAY, PERSUADABLE],
            default=LITTLE,
        )

    def describe(self) -> str:
        """What was tried and chosen, with each one's Qini on held-out folds."""
        lines = [
            f"Chosen: {self.chosen_.name} (Qini {self.chosen_.qini:.3f} on "
            f"{self.folds} held-out folds; 0 is random order, 1 perfect), "
            f"because {self.reason_}.",
            "Tried:",
        ]
        for c in sorted(self.candidates_, key=lambda c: -c.qini):
            folds = ", ".join(f"{q:.3f}" for q in c.fold_qini)
            lines.append(f"  {c.qini:7.3f}  {c.name}  (folds: {folds})")
        return "\n".join(lines)
