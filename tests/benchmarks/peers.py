"""Outside peers for the plan benchmark: implicit's ALS, EASE and a LightGBM
two-stage ranker. Benchmark-only (the `bench` extra); never imported by ml/.

Each follows ml.models.base.Recommender (fit(purchases, as_of), recommend(...,
new_only=...)), so bench_quality scores it with the same split and metric code
as Pushwise and the baseline ladder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares
from lightgbm import LGBMClassifier, LGBMRanker

from ml.columns import Columns
from ml.dataset import Interactions
from ml.models.base import BaseRecommender, Indices, PurchaseMatrix
from ml.models.baselines import TifuKNNRecommender
from ml.models.candidates import BOUGHT, Origin, candidates
from ml.models.examples import LABEL, MODEL_FEATURES, examples, feature_table
from ml.models.ranker import TwoStageRanker, as_interactions

C = Columns


def _positive_rows(scores: np.ndarray) -> sp.csr_matrix:
    """Dense scores as strictly positive sparse rows, order kept (the shared
    ranking code treats a score <= 0 as no evidence)."""
    shifted = scores - scores.min(axis=1, keepdims=True) + 1e-6
    return sp.csr_matrix(shifted)


class ALSRecommender(BaseRecommender):
    """implicit's alternating least squares on the customer x offering matrix of
    purchase-line counts (confidence 1 + alpha * count)."""

    def __init__(
        self,
        factors: int = 64,
        regularization: float = 0.1,
        alpha: float = 10.0,
        iterations: int = 15,
        random_state: int = 0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state

    def _fit_model(self, history: pd.DataFrame, matrix: PurchaseMatrix) -> None:
        model = AlternatingLeastSquares(
            factors=self.factors,
            regularization=self.regularization,
            alpha=self.alpha,
            iterations=self.iterations,
            random_state=self.random_state,
            num_threads=2,
        )
        model.fit(sp.csr_matrix(matrix.counts, dtype=np.float32), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors)
        self.item_factors_ = np.asarray(model.item_factors)

    def _model_scores(self, rows: Indices) -> sp.csr_matrix:
        return _positive_rows(self.user_factors_[rows] @ self.item_factors_.T)


class EASERecommender(BaseRecommender):
    """EASE (Steck, WWW 2019): a closed-form item-item model with a zero
    diagonal, B = I - P / diag(P), P = (X'X + l2 I)^-1, X binary."""

    def __init__(self, l2: float = 200.0) -> None:
        self.l2 = l2

    def _fit_model(self, history: pd.DataFrame, matrix: PurchaseMatrix) -> None:
        gram = (self.bought_.T @ self.bought_).toarray()
        gram[np.diag_indices_from(gram)] += self.l2
        inverse = np.linalg.inv(gram)
        weights = -inverse / np.diag(inverse)
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights_ = weights.astype(np.float32)

    def _model_scores(self, rows: Indices) -> sp.csr_matrix:
        return _positive_rows(np.asarray(self.bought_[rows] @ self.weights_))


class LightGBMRanker:
    """A LightGBM two-stage ranker on Pushwise's own candidates and features
    (ml.models.candidates, ml.models.examples), trained on the same earlier
    windows: one model for every candidate (with the bought-before flag), one
    for never-bought pairs.

    objective "lambdarank" (LGBMRanker, one query per customer and window) or
    "binary" (LGBMClassifier). prepare() builds the training windows once, so
    that a parameter grid can refit the models alone (fit_models()).
    """

    def __init__(
        self,
        objective: str = "lambdarank",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        training_windows: int = 6,
        horizon_days: int = 28,
        random_state: int = 0,
    ) -> None:
        self.objective = objective
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.training_windows = training_windows
        self.horizon_days = horizon_days
        self.random_state = random_state

    def set_params(self, **params: object) -> Self:
        """Change parameters (the prepared windows stay)."""
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Build the training windows before as_of and fit both models."""
        return self.prepare(purchases, as_of).fit_models()

    def prepare(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Labelled candidates of the windows before as_of (active customers)."""
        as_of = pd.Timestamp(as_of)
        reference = TwoStageRanker(horizon_days=self.horizon_days)
        past = as_interactions(purchases)
        past = Interactions(
            past.purchases.loc[past.purchases[C.ORDERED_AT] < as_of],
            past.returns,
            past.feedback,
        )
        horizon = pd.Timedelta(days=self.horizon_days)
        first = past.purchases[C.ORDERED_AT].min()
        windows = []
        rng = np.random.default_rng(self.random_state)
        for j in range(1, self.training_windows + 1):
            origin = as_of - j * horizon
            if origin <= first:
                break
            windows.append(
                examples(
                    past,
                    origin,
                    horizon,
                    active_only=True,
                    max_repeat=reference.max_repeat,
                    max_new=max(reference.max_new, reference.max_new_only),
                    per_source=reference.per_source,
                )
            )
            # Pushwise's share of the negatives, so both learn from as many rows.
            table = windows[-1]
            keep = (table[LABEL] == 1) | (
                rng.random(len(table)) < reference.negative_share
            )
            windows[-1] = table.loc[keep]
        self.windows_ = pd.concat(
            [w.assign(window=j) for j, w in enumerate(windows)], ignore_index=True
        )
        self.reference_ = reference
        self.origin_ = Origin.at(past, as_of, TifuKNNRecommender())
        self.tables_: dict[tuple[tuple[str, ...], bool], pd.DataFrame] = {}
        return self

    def fit_models(self) -> Self:
        """Fit the "all" and "new" models on the prepared windows."""
        self.models_: dict[str, LGBMRanker | LGBMClassifier] = {}
        self.features_: dict[str, list[str]] = {}
        for key in ("all", "new"):
            # The rows Pushwise's two models learn from.
            windows, reference = self.windows_, self.reference_
            if key == "new":
                new = ~windows[BOUGHT] & (windows["new_rank"] < reference.max_new_only)
                train = windows.loc[new]
            else:
                top = windows["new_rank"] < reference.max_new
                train = windows.loc[windows[BOUGHT] | top]
            features = [n for n in MODEL_FEATURES if train[n].notna().any()]
            if key == "all":
                features.append(BOUGHT)
            self.features_[key] = features
            params = {
                "n_estimators": self.n_estimators,
                "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves,
                "min_child_samples": self.min_child_samples,
                "random_state": self.random_state,
                "n_jobs": 2,
                "verbose": -1,
            }
            x = train[features].astype(np.float64)
            if self.objective == "lambdarank":
                # A query per customer and window; queries without any uptake
                # carry no ranking information.
                query = train["window"].astype(str) + "|" + train[C.CUSTOMER]
                useful = train.groupby(query)[LABEL].transform("max") > 0
                order = np.argsort(query[useful].to_numpy(), kind="stable")
                rows = np.flatnonzero(useful.to_numpy())[order]
                sizes = query.iloc[rows].value_counts(sort=False)
                groups = sizes.loc[pd.unique(query.iloc[rows])].to_numpy()
                model = LGBMRanker(objective="lambdarank", **params)
                model.fit(x.iloc[rows], train[LABEL].iloc[rows], group=groups)
            else:
                model = LGBMClassifier(objective="binary", **params)
                model.fit(x, train[LABEL])
            self.models_[key] = model
        return self

    def recommend(
        self, customers: Sequence[str], k: int = 10, *, new_only: bool = False
    ) -> dict[str, list[str]]:
        """Top-k offering ids per customer, best first, padded with popularity."""
        ids = list(customers)
        key = (tuple(ids), new_only)
        if key not in self.tables_:
            reference = self.reference_
            pairs = candidates(
                self.origin_,
                ids,
                max_repeat=0 if new_only else reference.max_repeat,
                max_new=reference.max_new_only if new_only else reference.max_new,
                per_source=reference.per_source,
            )
            if new_only:
                pairs = pairs.loc[~pairs[BOUGHT]].reset_index(drop=True)
            table = feature_table(self.origin_, pairs).astype(np.float32)
            table[BOUGHT] = pairs[BOUGHT].to_numpy()
            table[C.CUSTOMER] = pairs[C.CUSTOMER].to_numpy()
            table[C.OFFERING] = pairs[C.OFFERING].to_numpy()
            self.tables_[key] = table
        table = self.tables_[key]
        mode = "new" if new_only else "all"
        x = table[self.features_[mode]].astype(np.float64)
        model = self.models_[mode]
        if isinstance(model, LGBMClassifier):
            score = model.predict_proba(x)[:, 1]
        else:
            score = model.predict(x)
        ranked = table[[C.CUSTOMER, C.OFFERING]].assign(score=score)
        ranked = ranked.sort_values(
            [C.CUSTOMER, "score"], ascending=[True, False], kind="stable"
        )
        chosen = ranked.groupby(C.CUSTOMER, sort=False).head(k)
        lists = chosen.groupby(C.CUSTOMER, sort=False)[C.OFFERING].agg(list)
        return _padded(self.origin_, ids, lists.to_dict(), k, new_only=new_only)


def _padded(
    origin: Origin,
    customers: list[str],
    chosen: dict[str, list[str]],
    k: int,
    *,
    new_only: bool,
) -> dict[str, list[str]]:
    """Each list filled up to k with the most popular offerings it lacks
    (never-bought ones in new-only mode)."""
    tifu = origin.tifu
    popular = tifu.offerings_[tifu.popularity_order_]
    rows = tifu.rows(customers)
    lists: dict[str, list[str]] = {}
    for customer, row in zip(customers, rows, strict=True):
        picked = list(chosen.get(customer, []))
        banned = set(picked)
        if new_only and row >= 0:
            lo, hi = tifu.bought_.indptr[row], tifu.bought_.indptr[row + 1]
            banned.update(tifu.offerings_[tifu.bought_.indices[lo:hi]])
        for offering in popular:
            if len(picked) >= k:
                break
            if offering not in banned:
                picked.append(offering)
                banned.add(offering)
        lists[customer] = picked
    return lists
