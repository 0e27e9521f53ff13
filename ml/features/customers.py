"""Customer features as of a date: recency, frequency, money, tenure, tastes."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.categories import category_codes
from ml.features.config import DEFAULT_CONFIG, FeatureConfig
from ml.features.feedback import customer_ratings
from ml.features.groups import Groups
from ml.features.timeline import MICROS_PER_DAY, AsOf, Past, as_timestamp

C = Columns
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def customer_features(
    data: Interactions,
    as_of: AsOf,
    cfg: FeatureConfig = DEFAULT_CONFIG,
    *,
    categories: pd.Series | None = None,
    customers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per customer, from data before as_of: recency, frequency, money and tastes.

    Index customer_id: every known customer with a purchase before as_of
    (sorted), or exactly `customers` when given (those without one get 0
    orders, money and breadth, and NaN elsewhere). Columns: days_since_last
    (fractional days since the last purchase), orders (distinct days with a
    purchase), monetary (sum of amount), tenure_days (days since the first
    purchase), breadth (distinct offerings), top_category_share (share of the
    purchase lines with a known category, from `categories`, offering_id ->
    category, that fall in the customer's top category; NaN without one),
    avg_rating_given (mean 0..1 rating the customer gave; NaN if none),
    recent_orders (purchase days in the last cfg.trend_windows[1] days),
    order_gap_days (mean days between purchase days; NaN with fewer than two),
    order_due_ratio (days_since_last / order_gap_days) and basket_size (mean
    distinct offerings per purchase day).
    """
    when = as_timestamp(as_of)
    past = Past.from_frame(data.purchases, C.ORDERED_AT, when)
    customer, ids = past.factorize(C.CUSTOMER)
    known = customer >= 0
    customer, at = customer[known], past.at[known]
    n = len(ids)
    frame = pd.DataFrame(index=pd.Index(ids, name=C.CUSTOMER))
    last = np.zeros(n, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)
    orders = np.zeros(n, dtype=np.int64)
    breadth = np.zeros(n, dtype=np.int64)
    recent = np.zeros(n, dtype=np.int64)
    lines = np.zeros(n, dtype=np.int64)
    if n:
        by_customer = Groups.of(customer)
        last = by_customer.max(at)
        first = by_customer.min(at)
        days = Groups.of(customer, at // MICROS_PER_DAY)
        orders = np.bincount(days.first(customer), minlength=n)
        since = past.as_of - cfg.trend_windows[1] * MICROS_PER_DAY
        recent = np.bincount(days.first(customer)[days.min(at) >= since], minlength=n)
        offering = past.factorize(C.OFFERING)[0][known]
        bought = Groups.of(customer, offering)
        breadth = np.bincount(bought.first(customer), minlength=n)
        day_lines = Groups.of(customer, at // MICROS_PER_DAY, offering)
        lines = np.bincount(day_lines.first(customer), minlength=n)
    amount = data.purchases[C.AMOUNT].to_numpy(dtype=np.float64)[past.keep][known]
    frame["days_since_last"] = (past.as_of - last) / MICROS_PER_DAY
    frame["orders"] = orders.astype(np.int64)
    frame["monetary"] = np.bincount(
        customer, weights=np.nan_to_num(amount), minlength=n
    )
    frame["tenure_days"] = (past.as_of - first) / MICROS_PER_DAY
    frame["breadth"] = breadth.astype(np.int64)
    if categories is None:
        frame["top_category_share"] = np.nan
    else:
        line_category = category_codes(categories, data.purchases[C.OFFERING])[0]
        frame["top_category_share"] = _top_category_share(
            customer, line_category[past.keep][known], n
        )
    given = customer_ratings(data.feedback, when).reindex(frame.index)
    frame["avg_rating_given"] = given.to_numpy(dtype=np.float64)
    frame["recent_orders"] = recent.astype(np.int64)
    gaps = np.full(n, np.nan)
    np.divide((last - first) / MICROS_PER_DAY, orders - 1, out=gaps, where=orders > 1)
    frame["order_gap_days"] = gaps
    frame["order_due_ratio"] = frame["days_since_last"] / gaps
    frame["basket_size"] = lines / np.maximum(orders, 1)
    if customers is not None:
        frame = _reindex(frame, customers)
    return frame


def _top_category_share(customer: Ints, category: Ints, n: int) -> Floats:
    """Share of each customer's categorised purchase lines in their top category."""
    share = np.full(n, np.nan)
    has = category >= 0
    cells = Groups.of(customer[has], category[has])
    cell_customer = cells.first(customer[has])
    per_customer = Groups.of_sorted(cell_customer)
    top = per_customer.max(cells.counts.astype(np.int64))
    total = per_customer.sum(cells.counts.astype(np.float64))
    share[per_customer.first(cell_customer)] = top / total
    return share


def _reindex(frame: pd.DataFrame, customers: Iterable[str]) -> pd.DataFrame:
    """Exactly the given customers; unknown ones have no orders and NaN elsewhere."""
    out = frame.reindex(pd.Index(list(customers), name=C.CUSTOMER))
    for name in ("orders", "breadth", "recent_orders"):
        out[name] = out[name].fillna(0).astype(np.int64)
    out["monetary"] = out["monetary"].fillna(0.0)
    return out
