"""Tiny, readable frames for the engine tests (purchases, interactions, pairs)."""

from __future__ import annotations

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
