"""The model a history too thin for the ranker gets: the best simple rule
(popularity, the customer's own favourites, item similarity or TIFU-KNN),
chosen by how many buyers of the newest held-out window it caught, with the
rule's observed uptake per list place as its probabilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from ml.columns import Columns
from ml.dataset import Interactions
from ml.errors import InputDataError
from ml.models.base import BaseRecommender
from ml.models.baselines import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.candidates import Origin
from ml.models.ranker import as_interactions, calibration_table
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report

C = Columns
Floats = npt.NDArray[np.float64]
# The simple rules a thin history falls back to, in the order that wins a
# tie (the simplest first), with the words the user reads.
RULES: Mapping[str, str] = {
    "popularity": "the offerings most customers bought lately",
    "personal": "each customer's own most-bought offerings",
    "item_knn": "offerings bought by the customers who bought theirs",
    "tifu_knn": "what customers with similar purchases buy",
}
# A push list's length for the hit rate the rules are compared on.
HIT_K = 10
# Customers the held-out window is scored for at most (a random sample of
# the rest adds nothing to the comparison but time).
_MAX_EVALUATED = 20_000
# The ranking score breaks ties of equal probability by list place.
_TIE_BREAK = 1e-6


def _rule(name: str) -> BaseRecommender:
    """An unfitted baseline for a rule name of RULES."""
    if name == "popularity":
        return PopularityRecommender()
    if name == "personal":
        return PersonalFrequencyRecommender()
    if name == "item_knn":
        return ItemKNNRecommender()
    if name == "tifu_knn":
        return TifuKNNRecommender()
    raise ValueError(f"rule must be one of {sorted(RULES)}, got {name!r}")


class BaselineRanker(BaseEstimator):  # type: ignore[misc]
    """The best of the simple rules (RULES), scored like TwoStageRanker.

    fit holds out the newest horizon_days before as_of: each rule learns
    from the purchases before that window and recommends HIT_K offerings to
    the customers who bought in it; the rule that caught the most of them
    (ties: the simpler) is refitted on everything before as_of. Its
    probabilities are the share of customers known before the window whose
    offering at that list place was bought in the window (non-increasing in
    the place); with no window, or no uptake in it, popularity with each
    offering's share of buyers. rule_, caught_, buyers_ say what was chosen
    and how it did; calibration_ is predicted against observed uptake on
    the window, as TwoStageRanker's.
    """

    def __init__(
        self,
        horizon_days: int = 28,
        candidates: int = 30,
        random_state: int | None = 0,
    ) -> None:
        self.horizon_days = horizon_days
        self.candidates = candidates
        self.random_state = random_state

    def fit(
        self,
        data: Interactions | pd.DataFrame,
        as_of: pd.Timestamp,
        *,
        report: ReportFn = no_report,
        stop_requested: StopFn = never,
    ) -> Self:
        """Choose and fit the rule from the rows strictly before as_of."""
        as_of = pd.Timestamp(as_of)
        past = as_interactions(data).before(as_of)
        purchases = past.purchases
        if purchases.empty:
            raise InputDataError(
                f"there are no purchases before {as_of:%Y-%m-%d}, so there is "
                "nothing to learn from.",
                hint="Choose a later as-of date or import older orders.",
            )
        rng = np.random.default_rng(self.random_state)
        start = as_of - pd.Timedelta(days=self.horizon_days)
        older = purchases.loc[purchases[C.ORDERED_AT] < start]
        window = purchases.loc[purchases[C.ORDERED_AT] >= start].dropna(
            subset=[C.CUSTOMER]
        )
        self.hit_rates_: dict[str, float] = {}
        self.rule_, self.caught_, self.buyers_ = "popularity", 0, 0
        rates: tuple[Floats, pd.DataFrame] | None = None
        if len(older) and len(window):
            taken = set(zip(window[C.CUSTOMER], window[C.OFFERING], strict=True))
            buyers = _sample(sorted(set(window[C.CUSTOMER])), rng)
            self.buyers_ = len(buyers)
            fitted: dict[str, BaseRecommender] = {}
            for step, name in enumerate(RULES):
                check_cancel(stop_requested)
                report(0.6 * step / len(RULES), f"Trying a simple rule: {RULES[name]}")
                fitted[name] = _rule(name).fit(older, start)
                lists = fitted[name].recommend(buyers, HIT_K)
                caught = sum(any((c, o) in taken for o in lists[c]) for c in buyers)
                self.hit_rates_[name] = caught / max(len(buyers), 1)
                if caught > self.caught_:
                    self.rule_, self.caught_ = name, caught
            known = _sample(list(fitted[self.rule_].customers_), rng)
            if known:  # none when every older order is anonymous
                rates = self._place_rates(fitted[self.rule_], known, taken)
        check_cancel(stop_requested)
        report(0.7, "Preparing to score every customer")
        self.model_ = _rule(self.rule_).fit(purchases, as_of)
        self.origin_ = Origin.at(past, as_of, TifuKNNRecommender())
        self.as_of_ = as_of
        self.offerings_ = self.model_.offerings_
        # Each offering's share of buyers: lately, else (nothing sold lately)
        # over the whole history.
        shares: Floats = np.asarray(self.model_.popularity_, dtype=np.float64)
        if not shares.any():
            shares = np.asarray(self.model_.bought_.sum(axis=0)).ravel()
        self.base_rate_ = shares / max(len(self.model_.customers_), 1)
        self.once_ = _bought_once(purchases)
        self.place_probability_: Floats | None = None
        self.calibration_: pd.DataFrame | None = None
        if rates is not None and rates[0].any():
            self.place_probability_, self.calibration_ = rates
        report(1.0, "Simple rule ready")
        return self

    def _place_rates(
        self,
        model: BaseRecommender,
        customers: list[str],
        taken: set[tuple[str, str]],
    ) -> tuple[Floats, pd.DataFrame]:
        """Observed uptake per list place on the window (isotonic, never
        rising with the place) and the calibration table it gives."""
        lists = model.recommend(customers, self.candidates)
        places = np.arange(self.candidates, dtype=np.float64)
        hits = np.array(
            [
                [(c, o) in taken for o in lists[c]]
                + [False] * (self.candidates - len(lists[c]))
                for c in customers
            ],
            dtype=np.int64,
        ).reshape(len(customers), self.candidates)
        fit = IsotonicRegression(increasing=False, y_min=0.0, y_max=1.0)
        predicted = fit.fit_transform(places, hits.mean(axis=0))
        table = calibration_table(np.tile(predicted, len(customers)), hits.ravel())
        return predicted, table

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the history it learnt from, as TwoStageRanker."""
        state: dict[str, Any] = dict(super().__getstate__())
        if "origin_" in state:
            state["origin_"] = replace(state["origin_"], data=None)
        return state

    def with_history(self, data: Interactions | pd.DataFrame) -> Self:
        """Give the model the history it was fitted on and return it."""
        check_is_fitted(self, "origin_")
        history = as_interactions(data).before(self.as_of_)
        self.origin_ = replace(self.origin_, data=history)
        return self

    def scored(self, ids: Sequence[str], *, new_only: bool = False) -> pd.DataFrame:
        """Each customer's `candidates` best offerings by the rule with their
        probability and ranking score (customer_id, offering_id,
        probability, score); new_only leaves out what they bought."""
        check_is_fitted(self, "model_")
        ids = list(ids)
        lists = self.model_.recommend(ids, self.candidates, new_only=new_only)
        customer = np.repeat(np.array(ids, dtype=object), [len(lists[c]) for c in ids])
        offering = np.array([o for c in ids for o in lists[c]], dtype=object)
        place = np.concatenate(
            [np.arange(len(lists[c])) for c in ids] or [np.zeros(0, dtype=np.int64)]
        ).astype(np.intp)
        if self.place_probability_ is not None:
            probability = self.place_probability_[place]
        else:
            column = pd.Index(self.offerings_).get_indexer(pd.Index(offering))
            probability = np.where(column >= 0, self.base_rate_[column], 0.0)
        return pd.DataFrame(
            {
                C.CUSTOMER: customer,
                C.OFFERING: offering,
                "probability": probability.astype(np.float64),
                "score": probability + _TIE_BREAK * (self.candidates - place),
            }
        )

    def sentence(self) -> str:
        """What the model is, in plain words, for the user."""
        check_is_fitted(self, "rule_")
        weeks = self.horizon_days / 7
        span = (
            f"{weeks:.0f} weeks" if weeks.is_integer() else f"{self.horizon_days} days"
        )
        how = (
            f": its top {HIT_K} held something bought by {self.caught_:,} of "
            f"the {self.buyers_:,} customers who bought in the last {span}"
            if self.buyers_
            else ""
        )
        return (
            "This history is too thin for Pushwise's model "
            f"({math.floor(self.once_ * 100)}% of customers bought only once), "
            "so the plan "
            f"uses the best simple rule, {RULES[self.rule_]}{how}."
        )


def _bought_once(purchases: pd.DataFrame) -> float:
    """The share of customers with one order (one day, without order ids)."""
    known = purchases.dropna(subset=[C.CUSTOMER])
    if known.empty:
        return 0.0
    if C.ORDER in known.columns and known[C.ORDER].notna().all():
        baskets = known[C.ORDER]
    else:
        baskets = known[C.ORDERED_AT].dt.normalize()
    orders = baskets.groupby(known[C.CUSTOMER]).nunique()
    return float((orders == 1).mean())


def _sample(ids: list[str], rng: np.random.Generator) -> list[str]:
    """At most _MAX_EVALUATED of the ids, at random, in their order."""
    if len(ids) <= _MAX_EVALUATED:
        return ids
    keep = np.sort(rng.choice(len(ids), size=_MAX_EVALUATED, replace=False))
    return [ids[i] for i in keep]
