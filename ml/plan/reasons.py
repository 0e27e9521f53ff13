"""Plain-language reasons for each row of the push plan."""

from __future__ import annotations

import pandas as pd

from ml.columns import Columns
from ml.features.config import COOCCURRENCE_SOURCE

C = Columns


def _whole(values: pd.Series) -> pd.Series:
    """Numbers rounded to whole numbers, as text."""
    return values.round().astype("Int64").astype("string")


def days_ago(days: pd.Series) -> pd.Series:
    """Whole days ago in words: 'today', '1 day ago', '34 days ago'."""
    whole = (days.astype("float64") // 1).astype("Int64")
    text = whole.astype("string") + " days ago"
    text = text.mask(whole == 1, "1 day ago")
    return text.mask(whole == 0, "today")


def _every(days: pd.Series) -> pd.Series:
    """A repeat interval in words: 'every day', 'every 30 days'."""
    whole = days.round().astype("Int64")
    return ("every " + whole.astype("string") + " days").mask(whole == 1, "every day")


def _stars(values: pd.Series) -> pd.Series:
    """0..1 ratings on a five-star scale, as text ('4.5/5', '5/5')."""
    text = (values * 5).round(1).astype("string").str.removesuffix(".0")
    return text + "/5"


def _named(ids: pd.Series, names: pd.Series | None) -> pd.Series:
    """Offering names where known (ids otherwise), for sentences."""
    text = ids.astype("string")
    if names is None:
        return text
    return text.map(names).fillna(text).astype("string")


def reasons(
    table: pd.DataFrame,
    *,
    popular_window: int = 28,
    names: pd.Series | None = None,
) -> pd.Series:
    """Why each pair is pushed, in words, from its pair and offering features.

    The first that applies: a repeat purchase that is due ("buys about every
    30 days, last 34 days ago"), a co-purchase ("bought A; 41% of A's buyers
    also take B"), a liked category ("rated this category 5/5 on average"),
    popularity ("popular: 120 customers bought it in the last 4 weeks"), else
    the model's probability. Penalised and boosted scores say so after a "; ".
    names (offering_id -> name) lets the sentences name offerings.
    """
    n = len(table)
    out = pd.Series(pd.NA, index=table.index, dtype="string")
    interval = table["own_interval_days"]
    since = table["days_since_last"]
    due = interval.notna() & since.notna() & out.isna()
    out[due] = "buys about " + _every(interval[due]) + ", last " + days_ago(since[due])
    source = table[COOCCURRENCE_SOURCE]
    score = table["cooccurrence_score"]
    copurchase = out.isna() & source.notna() & (score > 0)
    source_text = _named(source[copurchase], names)
    out[copurchase] = (
        "bought "
        + source_text
        + "; "
        + _whole(score[copurchase] * 100)
        + "% of its buyers also take "
        + _named(table.loc[copurchase, C.OFFERING], names)
    )
    liked = out.isna() & table["boosted"].astype(bool)
    out[liked] = (
        "rated this category "
        + _stars(table.loc[liked, "category_rating"])
        + " on average"
    )
    buyers = table[f"buyers_{popular_window}d"] if n else pd.Series(dtype=float)
    popular = out.isna() & (buyers.fillna(0) > 0)
    weeks = (
        f"{popular_window // 7} weeks"
        if popular_window % 7 == 0
        else (f"{popular_window} days")
    )
    out[popular] = (
        "popular: "
        + _whole(buyers[popular])
        + f" customers bought it in the last {weeks}"
    )
    rest = out.isna()
    out[rest] = (
        "the model gives it a "
        + _whole(table.loc[rest, "probability"] * 100)
        + "% chance"
    )
    boosted_too = table["boosted"].astype(bool) & ~liked
    out[boosted_too] = (
        out[boosted_too]
        + "; rated this category "
        + _stars(table.loc[boosted_too, "category_rating"])
        + " on average"
    )
    penalised = table["penalised"].astype(bool)
    if penalised.any():
        avg = table.loc[penalised, "avg_rating"]
        rated = ("rated " + _stars(avg)).fillna("ratings falling")
        rating_text = rated.astype("string")
        out[penalised] = out[penalised] + "; pushed less: " + rating_text
    return out.astype(object)
