"""What customers' feedback does to the push plan: the negative-feedback
rule's blocks (ml.plan.rules.FEEDBACK) and the rating nudges of the score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions
from ml.features.config import RETURNED_AT
from ml.plan.rules import KEYS, PlanRules, stars

C = Columns


def feedback_blocks(
    data: Interactions, as_of: pd.Timestamp, rules: PlanRules, *, returns: bool
) -> pd.DataFrame:
    """Pairs blocked by negative feedback (or, with returns, a return) within
    feedback_block_days.

    Returns customer_id, offering_id, detail: the latest blocking event per pair.
    """
    start = as_of - pd.Timedelta(days=rules.feedback_block_days)
    parts: list[pd.DataFrame] = []
    said = data.feedback
    if len(said):
        when = said[C.SUBMITTED_AT]
        rating = said[C.RATING].astype("float64")
        if C.FEEDBACK_KIND in said.columns:
            kind = said[C.FEEDBACK_KIND].astype("string").str.lower()
            complained = kind.str.contains("complain", regex=False).fillna(False)
        else:
            complained = pd.Series(False, index=said.index)
        low = (rating <= rules.low_rating).fillna(False)
        hit = (when >= start) & (when < as_of) & (low | complained)
        rows = said.loc[hit, [*KEYS, C.SUBMITTED_AT]].rename(
            columns={C.SUBMITTED_AT: "at"}
        )
        day = rows["at"].dt.strftime("%Y-%m-%d").astype("string")
        rated = rating[hit].map(stars, na_action="ignore").astype("string")
        detail = np.where(
            complained[hit].to_numpy(dtype=bool),
            "complained about it on " + day,
            "rated it " + rated.fillna("") + " on " + day,
        )
        parts.append(rows.assign(detail=detail))
    back = data.returns
    if returns and len(back):
        when = back[RETURNED_AT]
        hit = (when >= start) & (when < as_of)
        rows = back.loc[hit, [*KEYS, RETURNED_AT]].rename(columns={RETURNED_AT: "at"})
        parts.append(
            rows.assign(
                detail="returned it on "
                + rows["at"].dt.strftime("%Y-%m-%d").astype("string")
            )
        )
    if not parts:
        return pd.DataFrame({C.CUSTOMER: [], C.OFFERING: [], "detail": []}, dtype=str)
    blocks = pd.concat(parts, ignore_index=True).dropna(subset=KEYS)
    blocks = blocks.sort_values("at", ascending=False, kind="stable")
    blocks = blocks.drop_duplicates(KEYS)
    blocks["detail"] = (
        blocks["detail"] + f" (blocked for {rules.feedback_block_days} days)"
    )
    return blocks[[*KEYS, "detail"]].astype({C.CUSTOMER: str, C.OFFERING: str})


def rating_stats(data: Interactions, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per offering, from feedback before as_of: count and mean of its ratings.

    Index offering_id; columns ratings and mean_rating. Offerings rated but
    never sold are included (offering_features only covers sold ones).
    """
    said = data.feedback
    if not len(said):
        return pd.DataFrame({"ratings": [], "mean_rating": []}, dtype="float64")
    rated = said[C.RATING].notna() & (said[C.SUBMITTED_AT] < as_of)
    grouped = said.loc[rated].groupby(C.OFFERING)[C.RATING]
    return pd.DataFrame({"ratings": grouped.size(), "mean_rating": grouped.mean()})


def multipliers(
    table: pd.DataFrame, stats: pd.DataFrame, rules: PlanRules
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Score multiplier of each candidate, and which were penalised and boosted.

    table has rating_trend, category_rating and offering_id; stats is what
    rating_stats returned.
    """
    offering = table[C.OFFERING]
    n_ratings = offering.map(stats["ratings"]).fillna(0).to_numpy(dtype=np.float64)
    avg = offering.map(stats["mean_rating"]).to_numpy(dtype=np.float64)
    trend = table["rating_trend"].to_numpy(dtype=np.float64)
    poor = (avg < rules.poor_rating) & (n_ratings >= rules.poor_rating_min_count)
    falling = trend <= -rules.falling_rating_drop
    penalised = poor | falling
    liked = table["category_rating"].to_numpy(dtype=np.float64) >= (
        rules.liked_category_rating
    )
    boosted = liked & ~penalised
    factor = np.where(penalised, rules.poor_rating_penalty, 1.0)
    factor = np.where(boosted, rules.category_boost, factor)
    index = table.index
    return (
        pd.Series(factor, index=index),
        pd.Series(penalised, index=index),
        pd.Series(boosted, index=index),
    )
