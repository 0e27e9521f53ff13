"""Stage 2's inputs: the feature table of candidate pairs, and the labelled
examples of earlier windows the classifiers learn from."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features import PAIR_FEATURES, pair_features
from ml.models.baselines import TifuKNNRecommender
from ml.models.candidates import BOUGHT, Origin, candidates

C = Columns
LABEL = "taken_up"
ACTIVE = "active_in_window"
_SHARES = ("order_share", "decayed_share", "tifu_share")
# The best single co-purchase ratio (cooccurrence_score) is left out: it
# costs a look-up per candidate and past offering, and the sum carries the
# same (Online Retail validation NDCG@10 0.339 / 0.108 without it, 0.337 /
# 0.110 with it).
MODEL_FEATURES: tuple[str, ...] = (
    *[
        name
        for name in PAIR_FEATURES
        if name not in ("own_complaints", "cooccurrence_score")
    ],
    "tifu_score",
    "tifu_rank",
    "similarity_score",
    "popularity_rank",
    "source_rank",
    "buyers_7d",
    "buyers_28d",
    "buyers_91d",
    "buyers_365d",
    "trend",
    "new_buyers",
    "new_buyer_share",
    "repeat_rate",
    "return_rate",
    "price",
    "first_sold_days",
    "customer_days_since_last",
    "customer_orders",
    "customer_monetary",
    "customer_tenure_days",
    "customer_breadth",
    "customer_recent_orders",
    "customer_order_gap_days",
    "customer_order_due_ratio",
    "customer_basket_size",
    *_SHARES,
)


def feature_table(origin: Origin, pairs: pd.DataFrame) -> pd.DataFrame:
    """The stage-2 features (MODEL_FEATURES, in order) of candidate pairs."""
    table = pair_features(
        _of_customers(origin, pairs[C.CUSTOMER].unique()),
        origin.as_of,
        pairs[[C.CUSTOMER, C.OFFERING]],
        with_cooccurrence=False,
    )
    offering = origin.offerings.reindex(pairs[C.OFFERING].to_numpy())
    customer = origin.customers.reindex(pairs[C.CUSTOMER].to_numpy())
    columns: dict[str, object] = {}
    for name in MODEL_FEATURES[: -len(_SHARES)]:
        if name in pairs.columns:
            columns[name] = pairs[name].to_numpy(dtype=np.float64)
        elif name in table.columns:
            columns[name] = table[name].to_numpy(dtype=np.float64)
        elif name in offering.columns:
            columns[name] = offering[name].to_numpy(dtype=np.float64)
        else:
            columns[name] = customer[name].to_numpy(dtype=np.float64)
    frame = pd.DataFrame(columns, index=pairs.index)
    # Shares of the customer's own activity: how much of what they buy this is,
    # which trees cannot form from the counts alone.
    orders = frame["customer_orders"].where(frame["customer_orders"] > 0)
    frame["order_share"] = frame["purchase_count"] / orders
    frame["decayed_share"] = frame["decayed_frequency"] / orders
    best = pairs["tifu_best"]
    frame["tifu_share"] = pairs["tifu_score"] / best.where(best > 0)
    return frame.replace([np.inf, -np.inf], np.nan)


def _of_customers(origin: Origin, customers: npt.NDArray[np.object_]) -> Interactions:
    """origin.data, cut to these customers' events when they are a small part
    of all (pair features read only the pair's own customer's events):
    scoring a chunk of customers then costs what the chunk has, not the whole
    history."""
    data = origin.data
    if data is None:
        raise ValueError(
            "this ranker was loaded without its history; call with_history(data)."
        )
    if len(customers) * 2 > len(origin.tifu.customers_):
        return data
    wanted = pd.Index(customers)
    return Interactions(
        purchases=data.purchases.loc[data.purchases[C.CUSTOMER].isin(wanted)],
        returns=data.returns.loc[data.returns[C.CUSTOMER].isin(wanted)],
        feedback=data.feedback.loc[data.feedback[C.CUSTOMER].isin(wanted)],
    )


def examples(
    data: Interactions,
    origin: pd.Timestamp,
    horizon: pd.Timedelta,
    *,
    active_only: bool,
    max_repeat: int,
    max_new: int,
    per_source: int,
    max_customers: int | None = None,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Labelled candidate pairs as of origin: customer_id, offering_id, the
    MODEL_FEATURES (single precision), bought_before, taken_up (1 if bought in
    [origin, origin + horizon)), active_in_window (the customer bought
    anything then) and new_rank.

    Candidates are those of every customer with a purchase before origin, or
    (active_only) of those who also bought in the window; of more than
    max_customers such customers, a random max_customers.
    """
    state = Origin.at(data, origin, TifuKNNRecommender())
    purchases = data.purchases
    window = purchases.loc[
        (purchases[C.ORDERED_AT] >= origin)
        & (purchases[C.ORDERED_AT] < origin + horizon)
        & purchases[C.CUSTOMER].notna()
    ]
    customers = state.tifu.customers_
    active = window[C.CUSTOMER].unique()
    if active_only:
        customers = np.intersect1d(customers, active)
    if max_customers is not None and len(customers) > max_customers:
        rng = np.random.default_rng(random_state)
        customers = customers[np.sort(rng.choice(len(customers), max_customers, False))]
    pairs = candidates(
        state,
        list(customers),
        max_repeat=max_repeat,
        max_new=max_new,
        per_source=per_source,
    )
    taken = pd.MultiIndex.from_frame(window[[C.CUSTOMER, C.OFFERING]].astype(object))
    label = pd.MultiIndex.from_frame(
        pairs[[C.CUSTOMER, C.OFFERING]].astype(object)
    ).isin(taken)
    # Single precision halves the memory of many windows; the trees' bins
    # lose nothing (scoring converts the same way).
    table = feature_table(state, pairs).astype(np.float32)
    table.insert(0, C.OFFERING, pairs[C.OFFERING].to_numpy())
    table.insert(0, C.CUSTOMER, pairs[C.CUSTOMER].to_numpy())
    table[BOUGHT] = pairs[BOUGHT].to_numpy()
    table[LABEL] = label.astype(np.int64)
    table[ACTIVE] = pairs[C.CUSTOMER].isin(active).to_numpy()
    table["new_rank"] = pairs["new_rank"].to_numpy(dtype=np.float32)
    return table
