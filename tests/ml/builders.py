"""Tiny, readable frames for the engine tests (purchases, interactions, pairs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.dataset import Interactions

AS_OF = pd.Timestamp("2024-03-01")


def interactions(purchases, returns=(), feedback=()) -> Interactions:
    """Interactions from (customer, offering, time[, order]) purchase tuples,
    (customer, offering, time) returns and (customer, offering, time, rating,
    kind) feedback."""
    rows = [(*row, None)[:4] for row in purchases]
    frame = pd.DataFrame(rows, columns=["customer_id", "offering_id", "at", "order"])
    bought = pd.DataFrame(
        {
            "customer_id": frame.customer_id.astype("str"),
            "offering_id": frame.offering_id.astype("str"),
            "ordered_at": pd.to_datetime(frame["at"], format="ISO8601").astype(
                "datetime64[us]"
            ),
            "quantity": 1.0,
            "amount": 2.0,
            "order_id": frame.order.astype("str"),
            "country": "UK",
        }
    )
    back = pd.DataFrame(returns, columns=["customer_id", "offering_id", "returned_at"])
    back["returned_at"] = pd.to_datetime(back.returned_at, format="ISO8601").astype(
        "datetime64[us]"
    )
    back["quantity"], back["amount"], back["reason"] = 1.0, 2.0, "negative_quantity"
    said = pd.DataFrame(
        feedback,
        columns=["customer_id", "offering_id", "submitted_at", "rating", "kind"],
    )
    said["submitted_at"] = pd.to_datetime(said.submitted_at, format="ISO8601").astype(
        "datetime64[us]"
    )
    said["rating"] = said.rating.astype(float)
    said["comment"] = None
    return Interactions(bought, back, said)


def pairs_of(*pairs: tuple[str, str]) -> pd.DataFrame:
    """Candidate (customer, offering) pairs as the feature functions take them."""
    return pd.DataFrame(pairs, columns=["customer_id", "offering_id"])


def purchases_frame(rows: list[tuple[str | None, str, str, float]]) -> pd.DataFrame:
    """A purchases frame like ml.dataset's from (customer, offering, time, qty)."""
    return pd.DataFrame(
        {
            "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
            "offering_id": pd.Series([r[1] for r in rows], dtype="str"),
            "ordered_at": pd.to_datetime([r[2] for r in rows], format="ISO8601").astype(
                "datetime64[us]"
            ),
            "quantity": [float(r[3]) for r in rows],
            "amount": [float(r[3]) for r in rows],
        }
    )


DAY0 = pd.Timestamp("2024-01-01")
WEEKLY_AS_OF = DAY0 + pd.Timedelta(days=140)
# Small trees and weekly windows, so that a few dozen customers are enough.
SMALL_RANKER = {
    "horizon_days": 7,
    "training_windows": 6,
    "max_iter": 30,
    "min_samples_leaf": 5,
    "max_repeat": 20,
    "max_new": 10,
    "per_source": 5,
}


def weekly_world(seed: int = 0, days: int = 160) -> pd.DataFrame:
    """Customers with a weekly staple (every 7 days) plus random extras."""
    rng = np.random.default_rng(seed)
    rows = []
    order = 0
    for c in range(40):
        staple = f"p{c % 5}"
        phase = int(rng.integers(0, 7))
        for day in range(phase, days, 7):
            order += 1
            rows.append((f"c{c}", staple, day, f"o{order}"))
            for extra in rng.choice(20, size=rng.integers(0, 3), replace=False):
                rows.append((f"c{c}", f"p{5 + extra}", day, f"o{order}"))
    for day in range(0, days, 3):
        order += 1
        rows.append((None, "p7", day, f"o{order}"))
    # The customer the tests ask about: X every 7 days, last 7 days before WEEKLY_AS_OF.
    for day in range(7, 140, 7):
        order += 1
        rows.append(("weekly", "X", day, f"o{order}"))
        rows.append(("weekly", "p9", day - 3, f"o{order}b"))
    frame = day_purchases(*rows, amount=2.0)
    return frame.sort_values("ordered_at", kind="stable").reset_index(drop=True)


def day_purchases(
    *rows: tuple[str | None, str, int, str | None], amount: float = 1.0
) -> pd.DataFrame:
    """Purchase lines from (customer, offering, day after DAY0, order id)."""
    customer, offering, day, order = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(customer, dtype="str"),
            "offering_id": pd.Series(offering, dtype="str"),
            "ordered_at": DAY0 + pd.to_timedelta(np.array(day), unit="D"),
            "quantity": 1.0,
            "amount": amount,
            "order_id": pd.Series(order, dtype="str"),
            "country": "UK",
        }
    )
