"""The control group: customers held out of a campaign, drawn at random within
bands of predicted chance so that both groups are alike."""

from __future__ import annotations

import numpy as np
import pandas as pd

BANDS = 10  # bands of predicted chance the draw is stratified by


def control_customers(pushes: pd.DataFrame, share: float, seed: int) -> pd.Index:
    """The customers to hold out: `share` of them in every band of their chance
    of taking up at least one of their pushes (rounded per band), by `seed`."""
    if not 0.0 < share < 1.0:
        raise ValueError(f"the control share must be between 0 and 1, got {share}")
    miss = np.log1p(-pushes["probability"].clip(upper=1 - 1e-12).to_numpy())
    summed = pd.Series(miss).groupby(pushes["customer_id"].to_numpy()).sum()
    chance = pd.Series(-np.expm1(summed.to_numpy()), index=summed.index)
    chance = chance.sort_values(kind="stable")
    rng = np.random.default_rng(seed)
    bands = np.array_split(np.arange(len(chance)), min(BANDS, len(chance)) or 1)
    held: list[int] = []
    for band in bands:
        wanted = _rounded(share * len(band), rng)
        held.extend(rng.choice(band, size=wanted, replace=False).tolist())
    chosen: pd.Index = chance.index[np.sort(held)]
    return chosen.rename("customer_id")


def _rounded(expected: float, rng: np.random.Generator) -> int:
    """`expected` rounded up or down at random, so that small bands still hold
    out their share on average."""
    whole = int(expected)
    return whole + int(rng.random() < expected - whole)
