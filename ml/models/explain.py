"""What drives a trained ranker's predictions, in plain words: the gain of the
boosted trees' splits per feature, grouped under names a marketer reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ml.models.ranker import TwoStageRanker

# Each model feature under the plain name it is shown with; features sharing a
# name are added up (e.g. the popularity windows are all "popular right now").
PLAIN_NAMES: Mapping[str, str] = {
    "purchase_count": "buys it regularly",
    "order_share": "buys it regularly",
    "decayed_frequency": "bought it often lately",
    "decayed_share": "bought it often lately",
    "days_since_last": "bought it recently",
    "own_interval_days": "due again",
    "due_ratio": "due again",
    "bought_before": "bought it before",
    "returns_count": "returned it before",
    "own_rating": "their rating of it",
    "category_rating": "their ratings of its category",
    "cooccurrence_score": "bought with their other purchases",
    "cooccurrence_sum": "bought with their other purchases",
    "tifu_score": "similar customers buy it",
    "tifu_rank": "similar customers buy it",
    "tifu_share": "similar customers buy it",
    "source_rank": "how strongly it was suggested",
    "popularity_rank": "popular right now",
    "buyers_7d": "popular right now",
    "buyers_28d": "popular right now",
    "buyers_91d": "popular this season",
    "buyers_365d": "popular this year",
    "trend": "selling more lately",
    "repeat_rate": "customers buy it again",
    "return_rate": "often returned",
    "price": "its price",
    "first_sold_days": "how new the offering is",
    "customer_days_since_last": "how recently the customer ordered",
    "customer_orders": "how often the customer orders",
    "customer_monetary": "how much the customer spends",
    "customer_tenure_days": "how long they have been a customer",
    "customer_breadth": "how many different things they buy",
    "baskets_since_last": "bought it recently",
    "similarity_score": "like what they buy",
    "new_buyers": "winning new buyers",
    "new_buyer_share": "winning new buyers",
    "customer_recent_orders": "how often the customer orders",
    "customer_order_gap_days": "customer is due to order",
    "customer_order_due_ratio": "customer is due to order",
    "customer_basket_size": "how much they buy per order",
}


def plain_name(feature: str) -> str:
    """The plain-word name of a model feature (the feature's own name, with
    spaces, when it has none)."""
    return PLAIN_NAMES.get(feature, feature.replace("_", " "))


def feature_importances(ranker: TwoStageRanker, *, mode: str = "all") -> pd.DataFrame:
    """How much each plain-named driver weighs in the fitted ranker's model for
    `mode` ("all" or "new"): the share of the trees' split gain, largest first.

    Columns: driver (plain words), importance (shares adding up to 1),
    features (the model features behind the driver, comma-separated).
    """
    model = ranker.models_[mode]
    names = list(ranker.features_[mode])
    gain = np.zeros(len(names), dtype=np.float64)
    for iteration in model._predictors:
        for tree in iteration:
            nodes: Any = tree.nodes
            split = ~nodes["is_leaf"].astype(bool)
            np.add.at(
                gain,
                nodes["feature_idx"][split].astype(np.int64),
                np.maximum(nodes["gain"][split].astype(np.float64), 0.0),
            )
    frame = pd.DataFrame(
        {"feature": names, "driver": [plain_name(n) for n in names], "gain": gain}
    )
    grouped = frame.groupby("driver", sort=False).agg(
        gain=("gain", "sum"), features=("feature", ", ".join)
    )
    total = float(grouped["gain"].sum())
    grouped["importance"] = grouped["gain"] / total if total > 0 else 0.0
    out = grouped.reset_index().sort_values(
        ["importance", "driver"], ascending=[False, True], kind="stable"
    )
    return out.loc[:, ["driver", "importance", "features"]].reset_index(drop=True)
