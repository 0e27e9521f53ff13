"""Business rules of the push plan: who and what is never pushed, and score nudges.

The exclusion rules run in the order of RULES, and a removed candidate is
recorded under the first rule that removed it:

1. opted_out: the customer opted out of contact.
2. inactive_offering: the offering is no longer active.
3. recent_purchase: the customer bought it and it is not due again yet
   (ml.plan.holdback: before due_share of their usual interval for it has
   passed), or, with recent_purchase_days set, bought it in the last
   recent_purchase_days.
4. negative_feedback: in the last feedback_block_days the customer rated it
   at or below low_rating, complained about it, or returned it (when returns
   block: block_returns, or learnt by ml.plan.returns).
5. min_probability: the model's probability is below min_probability.
6. per_customer_cap: it ranks below the customer's first max_per_customer.

Between rules 4 and 5 the score (the probability) is nudged: offerings with
a poor or falling average rating are multiplied by poor_rating_penalty;
offerings that are not penalised, in a category the customer rated on
average at or above liked_category_rating, by category_boost.

This module is light (no pandas, no scikit-learn), so that the GUI can show
and edit the rules without loading the engine; ml.plan.feedback applies the
feedback rule and the nudges to the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ml.columns import Columns

C = Columns

OPTED_OUT = "opted_out"
INACTIVE = "inactive_offering"
SERVICE = "service_line"
RECENT = "recent_purchase"
FEEDBACK = "negative_feedback"
MIN_PROBABILITY = "min_probability"
CAP = "per_customer_cap"
RULES: tuple[str, ...] = (
    OPTED_OUT,
    INACTIVE,
    SERVICE,
    RECENT,
    FEEDBACK,
    MIN_PROBABILITY,
    CAP,
)
KEYS = [C.CUSTOMER, C.OFFERING]
# Each rule in plain words, for counts of what it removed.
RULE_WORDS: dict[str, str] = {
    OPTED_OUT: "opted out of contact",
    INACTIVE: "inactive offerings",
    SERVICE: "postage, fees and the like",
    RECENT: "bought recently, not due again yet",
    FEEDBACK: "bad feedback",
    MIN_PROBABILITY: "below the minimum chance",
    CAP: "over the pushes per customer",
}
# FEEDBACK's words when returns block too: its count includes the returns.
FEEDBACK_OR_RETURN = "bad feedback or a return"


def rule_words(*, returns_block: bool) -> dict[str, str]:
    """Rule key -> its plain words (FEEDBACK names returns when they block)."""
    return {**RULE_WORDS, **({FEEDBACK: FEEDBACK_OR_RETURN} if returns_block else {})}


def removed_in_words(removed: Mapping[str, int], *, returns_block: bool) -> str:
    """How many candidates each rule removed, in plain words, e.g.
    "opted out of contact 3; bad feedback or a return 765"."""
    words = rule_words(returns_block=returns_block)
    return "; ".join(f"{words.get(rule, rule)} {n:,}" for rule, n in removed.items())


@dataclass(frozen=True, slots=True)
class PlanRules:
    """The rules applied to scored pairs (see the module docstring for the order).

    due_share: hold back what the customer bought until this share (0..1) of
        their usual interval for it has passed (ml.plan.holdback). 0, the
        default, holds back only offerings nobody rebuys: on the Online Retail
        validation window every share above 0 lowered NDCG@10 of the plan
        (tests/benchmarks/RESULTS.md, "Hold-back rule").
    recent_purchase_days: None (hold back until due), or the old fixed rule:
        do not push what the customer bought within this many days (0: off).
    feedback_block_days: how long a low rating, complaint or return blocks it.
    block_returns: whether a return blocks the offering for the customer;
        None (the default) decides from the project's history
        (ml.plan.returns: not where returners rebuy as often as others).
    low_rating: a rating (0..1) at or below this blocks the offering.
    max_per_customer: at most this many pushes per customer.
    min_probability: drop pairs the model gives a lower probability.
    skip_inactive: apply the active-offering rule. (Opted-out customers are
        always left out: DESIGN.md says they are never in a push plan.)
    poor_rating: an offering's average rating below this, over at least
        poor_rating_min_count ratings, is poor; a rating_trend at or below
        -falling_rating_drop is falling; either multiplies the score by
        poor_rating_penalty.
    liked_category_rating, category_boost: a customer's average rating of the
        offering's category at or above liked_category_rating multiplies the
        score of offerings that are not penalised by category_boost.
    """

    due_share: float = 0.0
    recent_purchase_days: int | None = None
    feedback_block_days: int = 365
    block_returns: bool | None = None
    low_rating: float = 0.25
    max_per_customer: int = 10
    min_probability: float = 0.0
    skip_inactive: bool = True
    poor_rating: float = 0.4
    poor_rating_min_count: int = 5
    falling_rating_drop: float = 0.2
    poor_rating_penalty: float = 0.5
    liked_category_rating: float = 0.8
    category_boost: float = 1.2

    def __post_init__(self) -> None:
        for name in ("recent_purchase_days", "feedback_block_days"):
            value = getattr(self, name)
            if value is None and name == "recent_purchase_days":
                continue
            if isinstance(value, bool) or int(value) != value or value < 0:
                raise ValueError(f"{name} must be whole days >= 0, got {value!r}.")
        if int(self.max_per_customer) != self.max_per_customer or (
            self.max_per_customer < 1
        ):
            raise ValueError(
                f"max_per_customer must be a whole number >= 1, got "
                f"{self.max_per_customer!r}."
            )
        if self.poor_rating_min_count < 1:
            raise ValueError(
                "poor_rating_min_count must be >= 1, got "
                f"{self.poor_rating_min_count!r}."
            )
        for name in (
            "due_share",
            "low_rating",
            "min_probability",
            "poor_rating",
            "liked_category_rating",
            "falling_rating_drop",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}.")
        if not 0.0 < self.poor_rating_penalty <= 1.0:
            raise ValueError(
                "poor_rating_penalty must be in (0, 1], got "
                f"{self.poor_rating_penalty!r}."
            )
        if self.block_returns not in (None, True, False):
            raise ValueError(
                "block_returns must be true, false or null, got "
                f"{self.block_returns!r}."
            )
        if not self.category_boost >= 1.0:
            raise ValueError(
                f"category_boost must be >= 1, got {self.category_boost!r}."
            )


def stars(rating: float) -> str:
    """A 0..1 rating on a 1-5 star scale (how 1-5 stars are normalised: 1 star
    is 0, 5 stars are 1), e.g. 0.0 -> '1/5', 0.875 -> '4.5/5'."""
    return f"{1 + rating * 4:.1f}".removesuffix(".0") + "/5"
