"""The README promises a grocery chain's year on a laptop: no step may hold a
structure that grows with customers x offerings or offerings x offerings."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.models.ranker import TwoStageRanker
from tests.ml.builders import SMALL_RANKER

# Two windows (the fewest the ranker takes) build the candidates three times:
# enough to catch a dense block, without six windows' training rows to fit.
RANKER = {**SMALL_RANKER, "training_windows": 2}
OFFERINGS = 400_000
CUSTOMERS = 1_000
WEEKS = 10
AS_OF = pd.Timestamp("2024-04-01")


def _wide_catalogue() -> Interactions:
    """Weekly shoppers over a catalogue far wider than any of them buys: each
    customer rebuys a few staples and tries products from a long tail."""
    rng = np.random.default_rng(7)
    rows = []
    for customer in range(CUSTOMERS):
        staples = rng.integers(0, OFFERINGS, 8)
        for week in range(WEEKS):
            day = AS_OF - pd.Timedelta(days=7 * (WEEKS - week)) + pd.Timedelta(hours=10)
            tail = np.r_[rng.integers(0, 200, 3), rng.integers(0, OFFERINGS, 12)]
            chosen = np.r_[staples[rng.random(8) < 0.6], tail]
            rows += [
                (f"c{customer}", f"p{o}", day, f"o{customer}-{week}") for o in chosen
            ]
    frame = pd.DataFrame(
        rows, columns=["customer_id", "offering_id", "ordered_at", "order_id"]
    )
    purchases = frame.assign(
        ordered_at=frame.ordered_at.astype("datetime64[us]"),
        quantity=1.0,
        amount=2.0,
        country="UK",
    )
    returns = pd.DataFrame(
        {
            "customer_id": pd.Series(dtype="str"),
            "offering_id": pd.Series(dtype="str"),
            "returned_at": pd.Series(dtype="datetime64[us]"),
            "quantity": pd.Series(dtype=float),
            "amount": pd.Series(dtype=float),
            "reason": pd.Series(dtype="str"),
        }
    )
    feedback = pd.DataFrame(
        {
            "customer_id": pd.Series(dtype="str"),
            "offering_id": pd.Series(dtype="str"),
            "submitted_at": pd.Series(dtype="datetime64[us]"),
            "rating": pd.Series(dtype=float),
            "kind": pd.Series(dtype="str"),
            "comment": pd.Series(dtype="str"),
        }
    )
    return Interactions(purchases, returns, feedback)


@pytest.mark.slow
def test_training_and_scoring_memory_does_not_grow_with_the_catalogue_squared() -> None:
    data = _wide_catalogue()
    offerings = data.purchases.offering_id.nunique()
    assert offerings > 100_000  # wide enough for a dense block to show
    tracemalloc.start()
    try:
        ranker = TwoStageRanker(**RANKER).fit(data, AS_OF)
        scored = ranker.scored([f"c{c}" for c in range(CUSTOMERS)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One dense 512-customer block over this catalogue would be 512 x
    # offerings x 8 bytes (over 400 MB; candidates once held several at a
    # time); an offerings x offerings table, tens of gigabytes. What is left
    # is bounded by the work per block, whatever the catalogue.
    dense_block = 512 * offerings * 8
    assert peak < dense_block, f"peak {peak / 2**20:.0f} MB"
    per_customer = scored.groupby("customer_id").size()
    assert per_customer.max() <= RANKER["max_repeat"] + TwoStageRanker().max_new
    assert len(per_customer) == CUSTOMERS
