"""Predicted against actual for scored (customer, offering) pairs: what was
taken up, the gains curve, calibration by decile and the plan's uptake."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.evaluation.split import Split
from ml.models.base import Recommender

C = Columns
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]
KEYS = [C.CUSTOMER, C.OFFERING]
# The gains curve is read at 1%, 2%, ..., 100% of the pairs contacted.
GAINS_POINTS = 100
DECILES = 10
# Baseline scores are read for this many customers at a time, so that dense-ish
# score rows (TIFU-KNN's neighbour mix) never exist for everyone at once.
_BATCH = 512


def taken_up(pairs: pd.DataFrame, split: Split) -> Flags:
    """Whether each pair's customer bought its offering in the test window."""
    window = split.test.loc[split.test[C.CUSTOMER].notna(), KEYS].astype(object)
    bought = pd.MultiIndex.from_frame(window)
    flags: Flags = pd.MultiIndex.from_frame(pairs[KEYS].astype(object)).isin(bought)
    return flags


def gains_table(score: Floats, taken: Flags) -> pd.DataFrame:
    """Share of the uptake caught when contacting the best-scored pairs first.

    Returns share_contacted (0.01 .. 1), share_of_uptake and lift (the ratio of
    the two) over all the given pairs. Pairs with equal scores are contacted in
    random order: the curve is the expected one, straight across each tie.
    share_of_uptake is NaN when no pair was taken up.
    """
    share = np.arange(1, GAINS_POINTS + 1) / GAINS_POINTS
    total = float(taken.sum())
    if len(score) == 0 or total == 0:
        caught = np.full(GAINS_POINTS, np.nan)
    else:
        order = np.argsort(-score, kind="stable")
        ranked, hits = score[order], taken[order].astype(np.float64)
        # The ends of each run of equal scores, where the curve has corners.
        ends = np.flatnonzero(np.append(ranked[1:] != ranked[:-1], True))
        contacted = np.concatenate([[0.0], (ends + 1) / len(score)])
        found = np.concatenate([[0.0], np.cumsum(hits)[ends] / total])
        caught = np.interp(share, contacted, found)
    return pd.DataFrame(
        {"share_contacted": share, "share_of_uptake": caught, "lift": caught / share}
    )


def calibration_table(probability: Floats, taken: Flags) -> pd.DataFrame:
    """Mean predicted probability against the observed uptake rate, by decile
    of predicted probability (decile 10 = the highest; pairs per decile)."""
    order = np.argsort(probability, kind="stable")
    decile = np.empty(len(order), dtype=np.int64)
    decile[order] = np.arange(len(order)) * DECILES // max(len(order), 1) + 1
    frame = pd.DataFrame(
        {"decile": decile, "predicted": probability, "observed": taken.astype(float)}
    )
    table = frame.groupby("decile", as_index=False).agg(
        predicted=("predicted", "mean"),
        observed=("observed", "mean"),
        pairs=("predicted", "size"),
    )
    # Deciles inside one isotonic step average equal probabilities; rounding
    # drops the last-bit noise of summing them (which would break the order).
    table["predicted"] = table["predicted"].round(12)
    return table


def baseline_scores(model: Recommender, pairs: pd.DataFrame) -> Floats:
    """A fitted recommender's own score of each pair (0: no evidence)."""
    customers = pd.unique(pairs[C.CUSTOMER])
    row = pd.Index(customers).get_indexer(pd.Index(pairs[C.CUSTOMER]))
    col = pd.Index(model.offerings_).get_indexer(pd.Index(pairs[C.OFFERING]))
    out = np.zeros(len(pairs))
    for start in range(0, len(customers), _BATCH):
        batch: Sequence[str] = customers[start : start + _BATCH].tolist()
        scores = model.scores(batch).tocsr()
        rows = np.flatnonzero((row >= start) & (row < start + _BATCH) & (col >= 0))
        out[rows] = np.asarray(scores[row[rows] - start, col[rows]]).ravel()
    return out
