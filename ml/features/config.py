"""Feature settings and the names of the feature columns."""

from __future__ import annotations

from dataclasses import dataclass

# The time column of Interactions.returns (ml.dataset names it so).
RETURNED_AT = "returned_at"

# Columns pair_features adds to the candidate pairs, in this order.
PAIR_FEATURES: tuple[str, ...] = (
    "purchase_count",
    "decayed_frequency",
    "days_since_last",
    "own_interval_days",
    "due_ratio",
    "baskets_since_last",
    "returns_count",
    "own_rating",
    "own_complaints",
    "category_rating",
    "cooccurrence_score",
    "cooccurrence_sum",
)
# Not a number: the offering behind cooccurrence_score, for the plan's reason.
COOCCURRENCE_SOURCE = "cooccurrence_source"

CUSTOMER_FEATURES: tuple[str, ...] = (
    "days_since_last",
    "orders",
    "monetary",
    "tenure_days",
    "breadth",
    "top_category_share",
    "avg_rating_given",
    "recent_orders",
    "order_gap_days",
    "order_due_ratio",
    "basket_size",
)


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """How features are computed: decay, popularity windows and rating rules.

    half_life_days: a purchase this old counts half in decayed_frequency.
    windows: the look-back windows (days) of the offering's buyers_{w}d columns.
    trend_windows: (short, long) windows of the offering's trend, the short
        window's buyers over the long window's buyers scaled to the short length
        (28 and 91 days: buyers_28d / (buyers_91d / 3.25)).
    rating_trend_days: the offering's rating_trend compares the mean rating of
        the last this many days with the mean before them.
    complaint_rating: feedback rated at or below this (0..1) is a complaint.
    """

    half_life_days: float = 90.0
    windows: tuple[int, ...] = (7, 28, 91, 365)
    trend_windows: tuple[int, int] = (28, 91)
    rating_trend_days: int = 91
    complaint_rating: float = 0.25

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ValueError(
                f"half_life_days must be positive, got {self.half_life_days!r}."
            )
        days = (*self.windows, *self.trend_windows, self.rating_trend_days)
        if any(int(day) != day or day <= 0 for day in days):
            raise ValueError(
                "windows, trend_windows and rating_trend_days must be positive "
                f"whole days, got {self.windows!r}, {self.trend_windows!r} and "
                f"{self.rating_trend_days!r}."
            )
        if len(set(self.windows)) != len(self.windows):
            raise ValueError(f"windows must be distinct, got {self.windows!r}.")
        if len(self.trend_windows) != 2 or not (
            self.trend_windows[0] < self.trend_windows[1]
        ):
            raise ValueError(
                "trend_windows must be (short, long) with short < long, got "
                f"{self.trend_windows!r}."
            )

    @property
    def offering_features(self) -> tuple[str, ...]:
        """The columns offering_features returns with these settings."""
        buyers = tuple(f"buyers_{window}d" for window in self.windows)
        return (
            *buyers,
            "trend",
            "new_buyers",
            "new_buyer_share",
            "repeat_rate",
            "avg_rating",
            "rating_trend",
            "return_rate",
            "price",
            "first_sold_days",
        )


DEFAULT_CONFIG = FeatureConfig()
