"""How long to hold back an offering a customer bought: learnt from the project.

"Not before it is due" (PlanRules.recent_purchase_days None, the default):
a customer's purchase holds the offering back while
days_since_last < due_share x interval, where the interval is

1. the customer's own usual interval for it (own_interval_days: the median
   gap between the distinct days they bought it), else, bought once,
2. the offering's typical interval: the median of own_interval_days over the
   customers who bought it on two days or more,

and, for an offering nobody has rebought, the pair is held back for the
project's default window (RepurchaseIntervals.default_days) whatever
due_share is: a teapot is not pushed a week after it was bought. The old
rule, "not again within N days", is PlanRules.recent_purchase_days = N.
The default due_share is 0 (only what nobody rebuys is held back): every
larger share lowered the plan's NDCG@10 on the Online Retail validation
window, since a customer well inside their interval often rebuys within the
plan's horizon all the same (tests/benchmarks/bench_holdback.py).

learn_intervals reads those intervals from the purchases before as_of, with
one vectorised pass over the history (no loop per customer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.groups import distinct, group_median
from ml.features.timeline import MICROS_PER_DAY, AsOf, Past
from ml.plan.reasons import days_ago
from ml.plan.rules import PlanRules

C = Columns
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
_DAYS_PER_MONTH = 30.44


# eq=False: by_offering is a Series, whose == is element-wise.
@dataclass(frozen=True, slots=True, eq=False)
class RepurchaseIntervals:
    """What the project's history says about buying the same offering again.

    by_offering: offering_id -> the median, over the customers who bought it
        on two days or more, of their own interval (days); offerings nobody
        rebought are absent.
    pairs: (customer, offering) pairs bought before as_of; repeat_pairs: those
        bought on two days or more.
    median_days, low_days, high_days: median and quartiles of the repeat
        pairs' own intervals (NaN when there are none).
    default_days: how long a purchase of an offering nobody rebought holds it
        back: median_days rounded up to whole days; when nobody rebought
        anything, the days of history (as long as no rebuy was ever seen).
    sentence: all of that in one or two plain sentences.
    """

    by_offering: pd.Series
    pairs: int
    repeat_pairs: int
    median_days: float
    low_days: float
    high_days: float
    default_days: float
    sentence: str

    @property
    def repeat_share(self) -> float:
        """The share of bought pairs that were bought again (NaN if none)."""
        return self.repeat_pairs / self.pairs if self.pairs else math.nan


def learn_intervals(data: Interactions, as_of: AsOf) -> RepurchaseIntervals:
    """Learn repurchase intervals from the purchases strictly before as_of."""
    past = Past.from_frame(data.purchases, C.ORDERED_AT, as_of)
    bought = PairDays.of(past)
    offerings = bought.offerings
    gap_key, gap = _gaps(bought)
    keys, own = group_median(gap_key, gap)
    n_offerings = max(len(offerings), 1)
    offering_keys, typical = group_median(keys % n_offerings, own)
    by_offering = pd.Series(
        typical, index=pd.Index(offerings.take(offering_keys)), dtype="float64"
    )
    by_offering.index.name = C.OFFERING
    if len(own):
        low, median, high = (float(q) for q in np.quantile(own, [0.25, 0.5, 0.75]))
    else:
        low = median = high = math.nan
    # Whole days, so that "held back for 9 days" is exactly what happens.
    if len(own):
        default = float(math.ceil(median))
    else:
        first = past.at.min(initial=past.as_of)
        default = float(math.ceil((past.as_of - first) / MICROS_PER_DAY))
    pairs, repeat = len(distinct(bought.numbers // bought.span)), len(keys)
    return RepurchaseIntervals(
        by_offering=by_offering,
        pairs=pairs,
        repeat_pairs=repeat,
        median_days=median,
        low_days=low,
        high_days=high,
        default_days=default,
        sentence=_sentence(pairs, repeat, low, high, default),
    )


@dataclass(frozen=True, slots=True)
class PairDays:
    """The distinct days each customer bought each offering before as_of, as
    one ascending number per (pair, day): pair * span + day, where pair =
    customer * len(offerings) + offering (positions in customers and
    offerings) and day counts from the first purchase day (first, in days
    since the epoch); span exceeds every day up to the as-of day."""

    numbers: Ints
    span: int
    first: int
    customers: pd.Index
    offerings: pd.Index

    @classmethod
    def of(cls, past: Past) -> PairDays:
        """The pair days of the purchases in past (buyer and offering known)."""
        customer, customers = past.factorize(C.CUSTOMER)
        offering, offerings = past.factorize(C.OFFERING)
        known = (customer >= 0) & (offering >= 0)
        days = past.days()
        first = int(days.min(initial=0))
        span = max(int(past.as_of // MICROS_PER_DAY) - first, 0) + 2
        pair = customer[known] * max(len(offerings), 1) + offering[known]
        numbers = distinct(pair * span + (days[known] - first))
        return cls(numbers, span, first, customers, offerings)


def _gaps(bought: PairDays) -> tuple[Ints, Floats]:
    """The gaps in days between the distinct days of each pair, with the
    pair's key."""
    pair_of, day_of = bought.numbers // bought.span, bought.numbers % bought.span
    same = pair_of[1:] == pair_of[:-1]
    gaps = np.diff(day_of)[same].astype(np.float64)
    return pair_of[1:][same], gaps


def _sentence(pairs: int, repeat: int, low: float, high: float, default: float) -> str:
    """The learnt intervals in plain words."""
    if not pairs:
        return "There are no purchases yet to learn repurchase intervals from."
    if not repeat:
        return (
            f"No customer bought the same offering on two different days in "
            f"the {_days(default)} of history, so what a customer bought is "
            f"held back for {_days(default)} after a purchase."
        )
    every = _every(low, high)
    held = (
        f"offerings nobody rebuys are held back for {_days(default)} after a purchase"
    )
    if repeat * 2 >= pairs:
        return f"Your customers rebuy most things {every}; {held}."
    once = 1 - repeat / pairs
    return (
        f"Most purchases are not repeated ({once:.0%} of what customers bought, "
        f"they bought only once); what they rebuy, they rebuy {every}, and "
        f"{held}."
    )


def _days(value: float) -> str:
    """A whole number of days in words: '1 day', '12 days'."""
    whole = max(1, round(value))
    return "1 day" if whole == 1 else f"{whole} days"


def _every(low: float, high: float) -> str:
    """A range of intervals in words: 'every 3-9 days', 'every 1-2 weeks'."""
    if high < 14:
        unit, size = "day", 1.0
    elif high < 61:
        unit, size = "week", 7.0
    else:
        unit, size = "month", _DAYS_PER_MONTH
    start = max(1, round(low / size))
    end = max(start, round(high / size))
    if start == end:
        return f"every {unit}" if start == 1 else f"every {start} {unit}s"
    return f"every {start}\u2013{end} {unit}s"


def hold_back(
    table: pd.DataFrame, rules: PlanRules, intervals: RepurchaseIntervals | None
) -> tuple[pd.Series, pd.Series]:
    """Which candidates the purchase rule holds back, and why in words.

    table has offering_id, days_since_last and own_interval_days (pair
    features); intervals is needed unless rules.recent_purchase_days is set.
    """
    since = table["days_since_last"].astype("float64")
    ago = "bought it " + days_ago(since)
    fixed = rules.recent_purchase_days
    if fixed is not None:
        held = (since < fixed).fillna(False)
        return held, ago + f" (not pushed within {fixed} days)"
    if intervals is None:
        raise ValueError("hold_back needs the learnt intervals for the due rule.")
    own = table["own_interval_days"].astype("float64")
    typical = table[C.OFFERING].map(intervals.by_offering).astype("float64")
    interval = own.fillna(typical)
    limit = (rules.due_share * interval).fillna(intervals.default_days)
    held = (since < limit).fillna(False)
    share = f"{rules.due_share:.0%}"
    detail = (
        ago
        + "; due again after "
        + _number(limit)
        + " days ("
        + share
        + " of their usual "
        + _number(own)
        + " days)"
    )
    typical_text = (
        ago
        + ", once; due again after "
        + _number(limit)
        + " days ("
        + share
        + " of the "
        + _number(typical)
        + " days its buyers usually take to rebuy it)"
    )
    detail = detail.mask(own.isna(), typical_text)
    nobody = (
        ago
        + "; nobody rebuys it, so it is held back for "
        + _days(intervals.default_days)
        + " after a purchase"
    )
    return held, detail.mask(interval.isna(), nobody)


def _number(values: pd.Series) -> pd.Series:
    """Days as short text: whole where whole, else one decimal ('3.5')."""
    text = values.round(1).astype("string").str.removesuffix(".0")
    return text.fillna("")


def describe_hold_back(rules: PlanRules, intervals: RepurchaseIntervals | None) -> str:
    """The purchase rule in plain words, for the CLI and the push plan page."""
    fixed = rules.recent_purchase_days
    if fixed is not None:
        if fixed == 0:
            return (
                "Hold-back: off; offerings may be pushed again right after a purchase."
            )
        return (
            f"Hold-back: fixed; an offering is not pushed again within "
            f"{_days(fixed)} of a purchase."
        )
    share = f"{rules.due_share:.0%}"
    if rules.due_share == 0:
        text = (
            "Hold-back: until due (0% of the usual interval); what customers "
            "rebuy may be pushed again at any time."
        )
    else:
        text = (
            f"Hold-back: until due ({share} of the usual interval); an offering "
            f"is not pushed again before {share} of the customer's usual "
            "interval for it has passed (after a first purchase: of its "
            "buyers' usual interval)."
        )
    return text if intervals is None else f"{text} {intervals.sentence}"
