"""The two-stage ranker: candidates from the baselines and co-purchase, then
gradient-boosted, calibrated probabilities of uptake within the horizon."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from ml.columns import Columns
from ml.dataset import Interactions
from ml.errors import InputDataError
from ml.models.base import purchases_before
from ml.models.baselines import TifuKNNRecommender
from ml.models.candidates import (
    BOUGHT,
    MODEL_FEATURES,
    Origin,
    candidates,
    feature_table,
    tifu_lookup,
)

C = Columns
Floats = npt.NDArray[np.float64]
LABEL = "taken_up"
ACTIVE = "active_in_window"
# Calibrated probabilities tie in isotonic steps; this much of the raw score
# breaks the ties without moving any probability visibly.
_TIE_BREAK = 1e-6
# One classifier ranks every candidate ("all"); one trained on never-bought
# pairs alone ranks for new_only, where replenishment signals are absent.
MODES = ("all", "new")


def as_interactions(data: Interactions | pd.DataFrame) -> Interactions:
    """Wrap a bare purchases frame as Interactions with no returns or feedback."""
    if isinstance(data, Interactions):
        return data
    returns = pd.DataFrame(
        {
            C.CUSTOMER: pd.Series(dtype=object),
            C.OFFERING: pd.Series(dtype=object),
            "returned_at": pd.Series(dtype="datetime64[us]"),
            C.QUANTITY: pd.Series(dtype=np.float64),
            C.AMOUNT: pd.Series(dtype=np.float64),
            "reason": pd.Series(dtype=object),
        }
    )
    feedback = pd.DataFrame(
        {
            C.CUSTOMER: pd.Series(dtype=object),
            C.OFFERING: pd.Series(dtype=object),
            C.SUBMITTED_AT: pd.Series(dtype="datetime64[us]"),
            C.RATING: pd.Series(dtype=np.float64),
            C.COMMENT: pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
        }
    )
    return Interactions(data, returns, feedback)


def _before(data: Interactions, as_of: pd.Timestamp) -> Interactions:
    """Keep only the purchases, returns and feedback strictly before as_of."""
    returns = data.returns.loc[data.returns["returned_at"] < as_of]
    feedback = data.feedback.loc[data.feedback[C.SUBMITTED_AT] < as_of]
    return Interactions(purchases_before(data.purchases, as_of), returns, feedback)


class TwoStageRanker(BaseEstimator):  # type: ignore[misc]
    """Candidates (past offerings, co-purchase, TIFU-KNN, popularity) ranked by
    calibrated histogram gradient boosting.

    Training examples come from earlier windows: as of as_of - j * horizon_days
    (j = 1 .. training_windows, as many as the history allows, at least 2),
    labelled with the purchases in the following horizon_days. The newest
    window (j = 1, every customer) is held out to calibrate the probabilities
    (isotonic); the others train the classifiers on the customers who bought
    something in the window. One classifier ("all", with a bought-before flag)
    ranks every candidate and gives predict_proba; a second one, trained on
    never-bought pairs only, ranks for new_only. Unknown customers get
    popularity (last 28 days, anonymous orders included).
    calibration_ holds predicted against observed uptake by decile on the
    held-out window. With refit_newest, once the newest window has fitted the
    calibration it is added to the training rows and the classifiers refitted
    (the isotonic maps are kept). Defaults chosen on the validation window of
    Online Retail (NDCG@10 all / new: 5 windows 0.331 / 0.092; 8 windows
    0.329 / 0.102; 6 windows + refit_newest 0.336 / 0.105, within the time
    budget; 8 + refit 0.340 / 0.104 but about 10 s slower).
    """

    def __init__(
        self,
        horizon_days: int = 28,
        training_windows: int = 6,
        max_repeat: int = 50,
        max_new: int = 50,
        per_source: int = 30,
        max_iter: int = 200,
        learning_rate: float = 0.08,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 100,
        refit_newest: bool = True,
        random_state: int | None = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.training_windows = training_windows
        self.max_repeat = max_repeat
        self.max_new = max_new
        self.per_source = per_source
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.refit_newest = refit_newest
        self.random_state = random_state

    def fit(self, data: Interactions | pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Learn from the rows strictly before as_of only."""
        if self.training_windows < 2:
            raise ValueError(
                f"training_windows must be >= 2 (one calibrates), got "
                f"{self.training_windows!r}"
            )
        as_of = pd.Timestamp(as_of)
        past = _before(as_interactions(data), as_of)
        if past.purchases.empty:
            raise InputDataError(
                f"there are no purchases before {as_of:%Y-%m-%d}, so there is "
                "nothing to learn from.",
                hint="Choose a later as-of date or import older orders.",
            )
        horizon = pd.Timedelta(days=self.horizon_days)
        first = past.purchases[C.ORDERED_AT].min()
        examples: list[pd.DataFrame] = []
        for j in range(1, self.training_windows + 1):
            origin = as_of - j * horizon
            if origin <= first:
                break
            examples.append(self._examples(past, origin, horizon, active_only=j > 1))
        if len(examples) < 2:
            raise InputDataError(
                f"the purchases before {as_of:%Y-%m-%d} are too short for two "
                f"{self.horizon_days}-day training windows.",
                hint="Import a longer history or choose a shorter horizon.",
            )
        calibration, training = examples[0], pd.concat(examples[1:], ignore_index=True)
        # A feature with no value at all (ratings, when there is no feedback)
        # carries nothing and would break the binning.
        self.features_: dict[str, list[str]] = {}
        self.models_: dict[str, HistGradientBoostingClassifier] = {}
        self.calibrators_: dict[str, IsotonicRegression] = {}
        for key in MODES:
            train = training
            held = calibration
            if key == "new":
                train = training.loc[~training[BOUGHT]]
                held = calibration.loc[~calibration[BOUGHT]]
            if train[LABEL].nunique() < 2 or held[LABEL].nunique() < 2:
                raise InputDataError(
                    f"the windows before {as_of:%Y-%m-%d} have too little uptake "
                    f"({key} offerings) to learn from: every candidate is "
                    "bought, or none is.",
                    hint="Import a longer history or use a baseline recommender.",
                )
            features = [name for name in MODEL_FEATURES if train[name].notna().any()]
            if key == "all":
                features.append(BOUGHT)
            self.features_[key] = features
            model = HistGradientBoostingClassifier(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf,
                early_stopping=False,
                random_state=self.random_state,
            )
            model.fit(train[features], train[LABEL])
            raw = model.predict_proba(held[features])[:, 1]
            calibrator = IsotonicRegression(
                y_min=0.0, y_max=1.0, out_of_bounds="clip"
            ).fit(raw, held[LABEL].to_numpy(dtype=np.float64))
            self.calibrators_[key] = calibrator
            if key == "all":
                self.calibration_ = _calibration_table(
                    calibrator.predict(raw), held[LABEL].to_numpy()
                )
            if self.refit_newest:
                # The newest window is the most like the future: once it has
                # calibrated, it trains too (the map stays; its gap on later
                # windows is checked in the benchmark).
                newest = held.loc[held[ACTIVE]]
                model = clone(model).fit(
                    pd.concat([train[features], newest[features]]),
                    pd.concat([train[LABEL], newest[LABEL]]),
                )
            self.models_[key] = model
        self.origin_ = Origin.at(past, as_of, self._tifu())
        self.as_of_ = as_of
        self.offerings_ = self.origin_.tifu.offerings_
        customers = self.origin_.tifu.customers_
        self.base_rate_ = self.origin_.tifu.popularity_ / max(len(customers), 1)
        return self

    def recommend(
        self, customers: Sequence[str], k: int = 10, *, new_only: bool = False
    ) -> dict[str, list[str]]:
        """Top-k offering ids per customer, best first, padded with popularity."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise ValueError(f"k must be a whole number >= 0, got {k!r}")
        ids = list(customers)
        scored = self.scored(ids, new_only=new_only)
        scored = scored.sort_values(
            [C.CUSTOMER, "score"], ascending=[True, False], kind="stable"
        )
        top = scored.groupby(C.CUSTOMER, sort=False).head(k)
        chosen = top.groupby(C.CUSTOMER, sort=False)[C.OFFERING].agg(list).to_dict()
        tifu = self.origin_.tifu
        popular = tifu.offerings_[tifu.popularity_order_]
        bought_rows = tifu._rows(ids)
        lists: dict[str, list[str]] = {}
        for customer, row in zip(ids, bought_rows, strict=True):
            picked = list(chosen.get(customer, []))
            if len(picked) < k:
                banned = set(picked)
                if new_only and row >= 0:
                    lo, hi = tifu.bought_.indptr[row], tifu.bought_.indptr[row + 1]
                    banned.update(tifu.offerings_[tifu.bought_.indices[lo:hi]])
                for offering in popular:
                    if len(picked) >= k:
                        break
                    if offering not in banned:
                        picked.append(offering)
            lists[customer] = picked
        return lists

    def scores(self, customers: Sequence[str]) -> sp.csr_matrix:
        """Calibrated uptake probabilities of each customer's candidates,
        customers x offerings_ (zero: not a candidate)."""
        ids = list(customers)
        scored = self.scored(ids, new_only=False)
        row = pd.Index(ids).get_indexer(pd.Index(scored[C.CUSTOMER]))
        col = pd.Index(self.offerings_).get_indexer(pd.Index(scored[C.OFFERING]))
        return sp.csr_matrix(
            (scored["probability"].to_numpy(), (row, col)),
            shape=(len(ids), len(self.offerings_)),
        )

    def predict_proba(self, pairs: pd.DataFrame) -> Floats:
        """Calibrated probability that each (customer_id, offering_id) pair is
        taken up within the horizon; unknown customers get the offering's base
        rate (its recent buyers over all customers)."""
        check_is_fitted(self, "models_")
        origin = self.origin_
        tifu = origin.tifu
        frame = pairs[[C.CUSTOMER, C.OFFERING]].reset_index(drop=True)
        col = pd.Index(tifu.offerings_).get_indexer(pd.Index(frame[C.OFFERING]))
        out = np.where(col >= 0, self.base_rate_[np.maximum(col, 0)], 0.0)
        rows = tifu._rows(frame[C.CUSTOMER].tolist())
        known = np.flatnonzero((rows >= 0) & (col >= 0))
        if not len(known):
            return out
        sub = frame.iloc[known].copy()
        bought = np.asarray(tifu.bought_[rows[known], col[known]]).ravel() > 0
        score, best = tifu_lookup(tifu, rows[known], col[known])
        sub[BOUGHT] = bought
        sub["tifu_score"] = score
        sub["tifu_best"] = best
        sub["popularity_rank"] = origin.popularity_rank()[col[known]]
        # Ranks among the customer's candidates are unknown for an arbitrary
        # pair; the candidate table has them, so look them up there.
        listed = candidates(
            origin,
            sorted(set(sub[C.CUSTOMER])),
            max_repeat=self.max_repeat,
            max_new=self.max_new,
            per_source=self.per_source,
        )[[C.CUSTOMER, C.OFFERING, "tifu_rank", "source_rank"]]
        sub = sub.merge(listed, on=[C.CUSTOMER, C.OFFERING], how="left")
        table = feature_table(origin, sub)
        table[BOUGHT] = bought
        out[known] = self._probability(table, "all")[0]
        return out

    def _tifu(self) -> TifuKNNRecommender:
        return TifuKNNRecommender()

    def _examples(
        self,
        data: Interactions,
        origin: pd.Timestamp,
        horizon: pd.Timedelta,
        *,
        active_only: bool,
    ) -> pd.DataFrame:
        """Candidate pairs as of origin with their features and 0/1 labels."""
        state = Origin.at(data, origin, self._tifu())
        window = data.purchases.loc[
            (data.purchases[C.ORDERED_AT] >= origin)
            & (data.purchases[C.ORDERED_AT] < origin + horizon)
            & data.purchases[C.CUSTOMER].notna()
        ]
        customers = state.tifu.customers_
        active = window[C.CUSTOMER].unique()
        if active_only:
            customers = np.intersect1d(customers, active)
        pairs = candidates(
            state,
            list(customers),
            max_repeat=self.max_repeat,
            max_new=self.max_new,
            per_source=self.per_source,
        )
        taken = pd.MultiIndex.from_frame(
            window[[C.CUSTOMER, C.OFFERING]].astype(object)
        )
        label = pd.MultiIndex.from_frame(
            pairs[[C.CUSTOMER, C.OFFERING]].astype(object)
        ).isin(taken)
        table = feature_table(state, pairs)
        table[BOUGHT] = pairs[BOUGHT].to_numpy()
        table[LABEL] = label.astype(np.int64)
        table[ACTIVE] = pairs[C.CUSTOMER].isin(active).to_numpy()
        return table

    def _probability(self, table: pd.DataFrame, key: str) -> tuple[Floats, Floats]:
        """Calibrated probability and a tie-broken ranking score per row."""
        if not len(table):
            return np.zeros(0), np.zeros(0)
        raw = self.models_[key].predict_proba(table[self.features_[key]])[:, 1]
        probability = self.calibrators_[key].predict(raw)
        return probability, probability + _TIE_BREAK * raw

    def scored(self, ids: Sequence[str], *, new_only: bool = False) -> pd.DataFrame:
        """Candidate pairs of the known customers with their calibrated
        probability and ranking score (customer_id, offering_id, probability,
        score); new_only keeps never-bought offerings, scored by that model."""
        check_is_fitted(self, "models_")
        pairs = candidates(
            self.origin_,
            ids,
            max_repeat=0 if new_only else self.max_repeat,
            max_new=self.max_new,
            per_source=self.per_source,
        )
        if new_only:
            pairs = pairs.loc[~pairs[BOUGHT]].reset_index(drop=True)
        table = feature_table(self.origin_, pairs)
        table[BOUGHT] = pairs[BOUGHT].to_numpy()
        probability, score = self._probability(table, "new" if new_only else "all")
        pairs = pairs[[C.CUSTOMER, C.OFFERING]].copy()
        pairs["probability"] = probability
        pairs["score"] = score
        return pairs


def _calibration_table(
    probability: Floats, observed: npt.NDArray[np.int64]
) -> pd.DataFrame:
    """Mean predicted against observed uptake by decile of predicted probability
    (on the held-out calibration window, where the isotonic map was fitted)."""
    deciles = pd.qcut(pd.Series(probability).rank(method="first"), 10, labels=False)
    frame = pd.DataFrame(
        {"decile": deciles, "predicted": probability, "observed": observed}
    )
    return frame.groupby("decile").agg(
        predicted=("predicted", "mean"),
        observed=("observed", "mean"),
        pairs=("predicted", "size"),
    )
