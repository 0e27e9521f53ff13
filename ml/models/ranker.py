"""The two-stage ranker: candidates from the baselines and co-purchase, then
gradient-boosted, calibrated probabilities of uptake within the horizon."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ml import compute
from ml.columns import Columns
from ml.dataset import Interactions
from ml.errors import InputDataError
from ml.models.baselines import TifuKNNRecommender
from ml.models.candidates import BOUGHT, Origin, candidates, pair_scores
from ml.models.examples import (
    ACTIVE,
    LABEL,
    MODEL_FEATURES,
    examples,
    feature_table,
)
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled

C = Columns
Floats = npt.NDArray[np.float64]
# Calibrated probabilities tie in isotonic steps; this much of the raw score
# breaks the ties without moving any probability visibly.
_TIE_BREAK = 1e-6
# scored() works through this many customers at a time (their feature tables
# are about 400 MB at 5,000 customers).
_SCORE_CHUNK = 5_000
# One classifier ranks every candidate ("all"); one trained on never-bought
# pairs alone ranks for new_only, where replenishment signals are absent.
MODES = ("all", "new")


class ThinHistory(InputDataError):
    """The history is too thin for the ranker to learn from (too short for
    its windows, or too little uptake in them): a simple rule does instead."""


def as_interactions(data: Interactions | pd.DataFrame) -> Interactions:
    """Wrap a bare purchases frame as Interactions with no returns or feedback."""
    if isinstance(data, Interactions):
        return data
    return Interactions.from_purchases(data)


class TwoStageRanker(BaseEstimator):  # type: ignore[misc]
    """Candidates (past offerings; new ones from TIFU-KNN, co-purchase,
    item-item similarity and popularity) ranked by calibrated histogram
    gradient boosting.

    Training examples come from earlier windows: as of as_of - j * horizon_days
    (j = 1 .. training_windows, as many as the history allows, at least 2),
    labelled with the purchases in the following horizon_days. Windows stop
    once the training rows reach max_training_rows, and a window with more
    than max_window_customers customers takes a random max_window_customers
    of them: what a large history adds beyond that is more of the same
    examples, at a cost that would grow with it (250,000 rows: a few seconds
    per tree fit on one core; the Online Retail history's six windows give
    180,000). The newest
    window (j = 1, every customer) is held out to calibrate the probabilities
    (isotonic); the others train the classifiers on the customers who bought
    something in the window, with every taken-up pair and a random
    negative_share of the others. One classifier ("all", with a bought-before
    flag) ranks the past offerings and the max_new best new ones and gives
    predict_proba; a second one, trained on never-bought pairs only, ranks
    the max_new_only best new ones for new_only. Unknown customers get
    popularity (last 28 days, anonymous orders included).
    calibration_ holds predicted against observed uptake by decile on the
    held-out window. With refit_newest, once the newest window has fitted the
    calibration it is added to the training rows and the classifiers refitted
    (the isotonic maps are kept), unless the older windows already filled
    max_training_rows. training_windows_, training_rows_ and refitted_ say
    what the fit used.

    Defaults chosen on the validation window of Online Retail (NDCG@10 all /
    new): 6 windows + refit_newest 0.336 / 0.101 with the first feature set
    and 50 new candidates; 8 windows added about nothing (LightGBM probe:
    0.338 / 0.112 against 0.339 / 0.110); the basket-recency, order-rhythm and
    new-buyer features, item-item similarity as a source and 100 new-only
    candidates raised new-only to 0.110-0.117 (all unchanged); negatives
    sampled at 0.3 cost nothing measurable (0.337 / 0.110) and halve the
    training time; smaller trees (15 leaves, 120 iterations at 0.12 instead
    of 31, 200 at 0.08) score the same (0.339 / 0.111) in two thirds of the
    time; lambdarank or per-customer weights did not beat the binary
    objective.
    """

    def __init__(
        self,
        horizon_days: int = 28,
        training_windows: int = 6,
        max_repeat: int = 50,
        max_new: int = 30,
        max_new_only: int = 100,
        per_source: int = 50,
        max_iter: int = 120,
        learning_rate: float = 0.12,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 100,
        negative_share: float = 0.3,
        refit_newest: bool = True,
        max_training_rows: int = 250_000,
        max_window_customers: int = 5_000,
        random_state: int | None = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.training_windows = training_windows
        self.max_repeat = max_repeat
        self.max_new = max_new
        self.max_new_only = max_new_only
        self.per_source = per_source
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.negative_share = negative_share
        self.refit_newest = refit_newest
        self.max_training_rows = max_training_rows
        self.max_window_customers = max_window_customers
        self.random_state = random_state

    def fit(
        self,
        data: Interactions | pd.DataFrame,
        as_of: pd.Timestamp,
        *,
        report: ReportFn = no_report,
        stop_requested: StopFn = never,
    ) -> Self:
        """Learn from the rows strictly before as_of only (saying how far it
        got, and stopping between its steps when asked to)."""
        if self.training_windows < 2:
            raise ValueError(
                f"training_windows must be >= 2 (one calibrates), got "
                f"{self.training_windows!r}"
            )
        as_of = pd.Timestamp(as_of)
        past = as_interactions(data).before(as_of)
        if past.purchases.empty:
            raise InputDataError(
                f"there are no purchases before {as_of:%Y-%m-%d}, so there is "
                "nothing to learn from.",
                hint="Choose a later as-of date or import older orders.",
            )
        rng = np.random.default_rng(self.random_state)
        calibration, training = self._windows(
            past, as_of, rng, scaled(report, 0.0, 0.6), stop_requested
        )
        self.features_: dict[str, list[str]] = {}
        self.models_: dict[str, HistGradientBoostingClassifier] = {}
        self.calibrators_: dict[str, IsotonicRegression] = {}
        # Once the older windows fill the row budget, the newest one adds
        # little and refitting would double the cost of the trees.
        refit = self.refit_newest and len(training) < self.max_training_rows
        self.training_rows_ = len(training)
        self.refitted_ = refit
        # One thread: on the grocery-shaped history two fitted only 5% faster
        # on a quiet 2-core machine (42-44 s against 44-45 s), and on a busy
        # one OpenMP threads waiting on each other make trees many times slower.
        with threadpool_limits(limits=1, user_api="openmp"):
            for step, key in enumerate(MODES):
                check_cancel(stop_requested)
                report(0.6 + 0.3 * step / len(MODES), "Fitting the model")
                self._fit_mode(key, training, calibration, as_of, rng, refit=refit)
        check_cancel(stop_requested)
        report(0.9, "Preparing to score every customer")
        executor = compute.current()
        (origin,) = executor.map(_origin_at, [as_of], (executor.share(past),))
        self.origin_ = replace(origin, data=past)
        self.as_of_ = as_of
        self.offerings_ = self.origin_.tifu.offerings_
        customers = self.origin_.tifu.customers_
        self.base_rate_ = self.origin_.tifu.popularity_ / max(len(customers), 1)
        return self

    def _windows(
        self,
        past: Interactions,
        as_of: pd.Timestamp,
        rng: np.random.Generator,
        report: ReportFn,
        stop_requested: StopFn,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The newest window's candidates (every customer, to calibrate) and
        the older windows' (active customers, negatives sampled, to train)."""
        horizon = pd.Timedelta(days=self.horizon_days)
        first = past.purchases[C.ORDERED_AT].min()
        origins = [
            (j, as_of - j * horizon)
            for j in range(1, self.training_windows + 1)
            if as_of - j * horizon > first
        ]
        executor = compute.current()
        windows: list[pd.DataFrame] = []
        rows = 0
        # The windows are independent: a cluster builds as many at a time as
        # it has workers (the row budget may leave the last ones unused);
        # they are sampled here in order, so the rows are the same.
        for start in range(0, len(origins), executor.workers):
            if rows >= self.max_training_rows:
                break
            batch = origins[start : start + executor.workers]
            j, origin = batch[0]
            report(
                (j - 1) / self.training_windows,
                f"Learning from the {self.horizon_days} days after {origin:%Y-%m-%d}",
            )
            tables = executor.map(
                _window_examples,
                batch,
                (executor.share(past), self),
                stop_requested=stop_requested,
            )
            for (j, _), table in zip(batch, tables, strict=True):
                if rows >= self.max_training_rows:
                    break
                windows.append(table if j == 1 else self._sample(table, rng))
                rows += len(windows[-1]) if j > 1 else 0
        if len(windows) < 2:
            raise ThinHistory(
                f"the purchases before {as_of:%Y-%m-%d} are too short for two "
                f"{self.horizon_days}-day training windows.",
                hint="Import a longer history or choose a shorter horizon.",
            )
        self.training_windows_ = len(windows) - 1
        return windows[0], pd.concat(windows[1:], ignore_index=True)

    def _mode_rows(self, table: pd.DataFrame, key: str) -> pd.DataFrame:
        """The candidates mode `key` scores: past offerings and the max_new
        best new ones ("all"), or the max_new_only best new ones ("new")."""
        if key == "new":
            return table.loc[~table[BOUGHT] & (table["new_rank"] < self.max_new_only)]
        return table.loc[table[BOUGHT] | (table["new_rank"] < self.max_new)]

    def _fit_mode(
        self,
        key: str,
        training: pd.DataFrame,
        calibration: pd.DataFrame,
        as_of: pd.Timestamp,
        rng: np.random.Generator,
        *,
        refit: bool,
    ) -> None:
        """Fit and calibrate mode `key`'s classifier (refit: then refit it
        with the newest window's rows added)."""
        train, held = self._mode_rows(training, key), self._mode_rows(calibration, key)
        if train[LABEL].nunique() < 2 or held[LABEL].nunique() < 2:
            raise ThinHistory(
                f"the windows before {as_of:%Y-%m-%d} have too little uptake "
                f"({key} offerings) to learn from: every candidate is "
                "bought, or none is.",
                hint="Import a longer history; until then training uses the "
                "best simple rule.",
            )
        # A feature with no value at all (ratings, when there is no feedback)
        # carries nothing and would break the binning.
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
        calibrator = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        calibrator.fit(raw, held[LABEL].to_numpy(dtype=np.float64))
        self.calibrators_[key] = calibrator
        if key == "all":
            self.calibration_ = calibration_table(
                calibrator.predict(raw), held[LABEL].to_numpy()
            )
        if refit:
            # The newest window is the most like the future: once it has
            # calibrated, it trains too (the map stays; its gap on later
            # windows is checked in the benchmark).
            newest = self._sample(held.loc[held[ACTIVE]], rng)
            model = clone(model).fit(
                pd.concat([train[features], newest[features]]),
                pd.concat([train[LABEL], newest[LABEL]]),
            )
        self.models_[key] = model

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (and deep-copied) without the history it learnt from (the
        project holds that, and it is most of a large model): a loaded ranker
        gets it back from with_history before it scores."""
        state: dict[str, Any] = dict(super().__getstate__())
        if "origin_" in state:
            state["origin_"] = replace(state["origin_"], data=None)
        return state

    def with_history(self, data: Interactions | pd.DataFrame) -> Self:
        """Give the ranker the history it was fitted on (the events before
        as_of_; a loaded ranker has none) and return it."""
        check_is_fitted(self, "origin_")
        history = as_interactions(data).before(self.as_of_)
        self.origin_ = replace(self.origin_, data=history)
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
        bought_rows = tifu.rows(ids)
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
        rows = tifu.rows(frame[C.CUSTOMER].tolist())
        known = np.flatnonzero((rows >= 0) & (col >= 0))
        if not len(known):
            return out
        sub = frame.iloc[known].reset_index(drop=True)
        bought = np.asarray(tifu.bought_[rows[known], col[known]]).ravel() > 0
        sub = pd.concat([sub, pair_scores(origin, rows[known], col[known])], axis=1)
        sub[BOUGHT] = bought
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

    def _sample(self, table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
        """Every taken-up row and a random negative_share of the others."""
        if self.negative_share >= 1.0:
            return table
        keep = (table[LABEL] == 1).to_numpy() | (
            rng.random(len(table)) < self.negative_share
        )
        return table.loc[keep]

    def _probability(self, table: pd.DataFrame, key: str) -> tuple[Floats, Floats]:
        """Calibrated probability and a tie-broken ranking score per row."""
        if not len(table):
            return np.zeros(0), np.zeros(0)
        features = table[self.features_[key]].astype(np.float32)
        raw = self.models_[key].predict_proba(features)[:, 1]
        probability = self.calibrators_[key].predict(raw)
        return probability, probability + _TIE_BREAK * raw

    def scored(self, ids: Sequence[str], *, new_only: bool = False) -> pd.DataFrame:
        """Candidate pairs of the known customers with their calibrated
        probability and ranking score (customer_id, offering_id, probability,
        score); new_only keeps never-bought offerings, scored by that model.

        Customers are scored _SCORE_CHUNK at a time, so the feature tables
        never exist for every customer at once.
        """
        check_is_fitted(self, "models_")
        ids = list(ids)
        chunks = [
            ids[start : start + _SCORE_CHUNK]
            for start in range(0, max(len(ids), 1), _SCORE_CHUNK)
        ]
        executor = compute.current()
        # The history goes beside the ranker: a pickled ranker leaves it out.
        history = executor.share(self.origin_.data)
        parts = executor.map(_score_chunk, chunks, (self, history, new_only))
        return pd.concat(parts, ignore_index=True)

    def _scored_chunk(self, ids: list[str], new_only: bool) -> pd.DataFrame:
        pairs = candidates(
            self.origin_,
            ids,
            max_repeat=0 if new_only else self.max_repeat,
            max_new=self.max_new_only if new_only else self.max_new,
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


def _window_examples(
    past: Interactions, ranker: TwoStageRanker, window: tuple[int, pd.Timestamp]
) -> pd.DataFrame:
    """The labelled candidates of training window j (as of `origin`): every
    customer's for the newest (j = 1), the active customers' for the others."""
    j, origin = window
    return examples(
        past,
        origin,
        pd.Timedelta(days=ranker.horizon_days),
        active_only=j > 1,
        max_repeat=ranker.max_repeat,
        max_new=max(ranker.max_new, ranker.max_new_only),
        per_source=ranker.per_source,
        max_customers=ranker.max_window_customers,
        random_state=None if ranker.random_state is None else ranker.random_state + j,
    )


def _origin_at(past: Interactions, as_of: pd.Timestamp) -> Origin:
    """What scoring needs to know as of as_of (a pass over every customer's
    history: on a cluster, on one worker), without the history itself."""
    return replace(Origin.at(past, as_of, TifuKNNRecommender()), data=None)


def _score_chunk(
    ranker: TwoStageRanker,
    history: Interactions | None,
    new_only: bool,
    ids: list[str],
) -> pd.DataFrame:
    """One chunk of scored(): on a worker, the ranker arrives without its
    history and gets it back (on a copy, so the shared ranker is untouched)."""
    if ranker.origin_.data is not history:
        ranker = copy.copy(ranker)
        ranker.origin_ = replace(ranker.origin_, data=history)
    return ranker._scored_chunk(ids, new_only)


def calibration_table(
    probability: Floats, observed: npt.NDArray[np.int64]
) -> pd.DataFrame:
    """Mean predicted against observed uptake by decile of predicted probability
    (on the held-out calibration window, where the isotonic map was fitted)."""
    deciles = pd.qcut(pd.Series(probability).rank(method="first"), 10, labels=False)
    frame = pd.DataFrame(
        {"decile": deciles, "predicted": probability, "observed": observed}
    )
    table = frame.groupby("decile").agg(
        predicted=("predicted", "mean"),
        observed=("observed", "mean"),
        pairs=("predicted", "size"),
    )
    # Deciles inside one isotonic step average equal probabilities; rounding
    # drops the last-bit noise of summing them.
    table["predicted"] = table["predicted"].round(12)
    return table
