"""Whether a return should block an offering: learnt from the project.

A low rating or a complaint says the customer does not want the offering
again, and always blocks it (PlanRules.feedback_block_days). A return may say
the same, or be an order put right: wholesale buyers send back a wrong
quantity and order the right one the next week. learn_returns asks the
project's own history which it is: how often customers bought an offering
again within four weeks of returning it, against how often they bought
anything again within four weeks of buying it. Where returners rebuy at
least half as often as other buyers, a return is no sign of dislike and does
not block (PlanRules.block_returns None, the default); with too few returns
to tell, it blocks, the cautious choice. On the Online Retail validation
window blocking returns lowered the plan's NDCG@10 from 0.330 to 0.323, and
its customers rebuy what they returned at least as often as what they kept
(tests/benchmarks/RESULTS.md, "Plan quality: reading the figures").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.config import RETURNED_AT
from ml.features.groups import distinct
from ml.features.timeline import MICROS_PER_DAY, AsOf, Past, as_timestamp
from ml.plan.holdback import PairDays
from ml.plan.rules import PlanRules

C = Columns
Ints = npt.NDArray[np.int64]

# "Bought again soon": within this many days.
REBUY_DAYS = 28
# A return blocks when returners rebuy less than this share as often as buyers.
_DISLIKE_RATIO = 0.5
# With fewer returns followed by REBUY_DAYS of history, returns block.
_MIN_RETURNS = 20


@dataclass(frozen=True, slots=True)
class ReturnEvidence:
    """What the project's history says about customers who return an offering.

    returns: returns (customer, offering, day) with REBUY_DAYS of history
        after them; after_return: the share of those the customer bought
        again within REBUY_DAYS (NaN without any); after_purchase: the same
        share after the purchase days of each customer and offering;
        blocks: whether a return should block the offering (the learnt
        default); sentence: all of that in plain words.
    """

    returns: int
    after_return: float
    after_purchase: float
    blocks: bool
    sentence: str


def learn_returns(data: Interactions, as_of: AsOf) -> ReturnEvidence:
    """Learn from the purchases and returns before as_of whether a return
    should block the offering for the customer."""
    when = as_timestamp(as_of)
    past = Past.from_frame(data.purchases, C.ORDERED_AT, when)
    back = Past.from_frame(data.returns, RETURNED_AT, when)
    bought = PairDays.of(past)
    span, first = bought.span, bought.first
    # The days after `latest` up to the day before as_of are REBUY_DAYS long.
    latest = int(past.as_of // MICROS_PER_DAY) - first - REBUY_DAYS - 1
    after_purchase, _ = _rebought(bought.numbers, bought.numbers, span, latest)
    returner = back.codes(C.CUSTOMER, bought.customers)
    item = back.codes(C.OFFERING, bought.offerings)
    mine = (returner >= 0) & (item >= 0)
    width = max(len(bought.offerings), 1)
    return_day = np.clip(back.days()[mine] - first, 0, span - 1)
    return_days = distinct((returner[mine] * width + item[mine]) * span + return_day)
    after_return, returns = _rebought(bought.numbers, return_days, span, latest)
    # Without evidence either way (too few returns), a return blocks.
    kept_buying = after_return >= _DISLIKE_RATIO * after_purchase
    blocks = returns < _MIN_RETURNS or not kept_buying
    return ReturnEvidence(
        returns=returns,
        after_return=after_return,
        after_purchase=after_purchase,
        blocks=bool(blocks),
        sentence=_sentence(returns, after_return, after_purchase, bool(blocks)),
    )


def _rebought(
    pair_days: Ints, starts: Ints, span: int, latest: int
) -> tuple[float, int]:
    """Of the (pair, day) starts with REBUY_DAYS of history after them (day
    at most latest), the share followed by a purchase day of the same pair
    within REBUY_DAYS, and how many starts there were."""
    day = starts % span
    counted = starts[day <= latest]
    if not len(counted):
        return float("nan"), 0
    following = np.searchsorted(pair_days, counted, side="right")
    found = following < len(pair_days)
    next_day = pair_days[np.minimum(following, len(pair_days) - 1)]
    soon = found & (next_day // span == counted // span)
    soon &= next_day - counted <= REBUY_DAYS
    return float(soon.mean()), len(counted)


def _share(value: float) -> str:
    """A share as a percentage, with a decimal below 10 %."""
    return f"{value:.1%}" if value < 0.1 else f"{value:.0%}"


def _sentence(
    returns: int, after_return: float, after_purchase: float, blocks: bool
) -> str:
    """The learnt choice in plain words."""
    if returns < _MIN_RETURNS:
        return (
            f"There are too few returns to learn from ({returns:,}), so a "
            "return blocks the offering for that customer."
        )
    compared = (
        f"{_share(after_return)} of returns were followed by a purchase of the "
        f"same offering within {REBUY_DAYS} days, against "
        f"{_share(after_purchase)} of purchases"
    )
    if blocks:
        return (
            f"Your customers rarely buy again what they returned: {compared}. "
            "So a return blocks the offering for that customer."
        )
    return (
        f"Your customers buy again what they returned about as often as "
        f"anything else: {compared}. A return is no sign that they do not "
        "want it, so it does not block the offering."
    )


def returns_block(rules: PlanRules, evidence: ReturnEvidence | None) -> bool:
    """Whether returns block under these rules (the learnt choice unless the
    rules say)."""
    if rules.block_returns is not None:
        return rules.block_returns
    if evidence is None:
        raise ValueError("returns_block needs the learnt evidence for the default.")
    return evidence.blocks


def describe_returns(rules: PlanRules, evidence: ReturnEvidence | None) -> str:
    """The return rule in plain words, for the CLI and the push plan page."""
    if rules.block_returns is True:
        return "Returns: a return blocks the offering for that customer (set by you)."
    if rules.block_returns is False:
        return "Returns: a return does not block the offering (set by you)."
    learnt = "" if evidence is None else f" {evidence.sentence}"
    return f"Returns: decided from your data.{learnt}"
