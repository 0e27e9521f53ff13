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


def period(days: int) -> str:
    """A look-back period in words: 'week', '4 weeks', 'day', '10 days'."""
    if days % 7 == 0:
        return "week" if days == 7 else f"{days // 7} weeks"
    return "day" if days == 1 else f"{days} days"


def _percent(shares: pd.Series) -> pd.Series:
    """Shares as whole percentages ('12%'), 'under 1%' below one percent."""
    text = _whole(shares * 100) + "%"
    return text.mask(shares * 100 < 0.5, "under 1%")


def popular_with(
    level: pd.Series, group: pd.Series, share: pd.Series, days: int
) -> pd.Series:
    """Why a customer without purchases gets an offering: 'popular with
    customers in Germany (12% of them took it up in the last 4 weeks)'.

    level is "segment", "region", "country" or "all" (every customer); group
    the customer's segment, region or country.
    """
    name = group.astype("string")
    segment = level == "segment"
    who = "customers in " + name.mask(segment, "the " + name + " segment")
    who = who.mask(level == "all", "all customers")
    said_of = "(" + _percent(share) + " of them took it up in the last "
    return "popular with " + who + " " + said_of + period(days) + ")"


def new_in_category(category: pd.Series) -> pd.Series:
    """Why a new offering goes to a customer: 'new in BAGS, a category you buy'."""
    return "new in " + category.astype("string") + ", a category you buy"


def with_given_reasons(rows: pd.DataFrame, given: pd.DataFrame) -> pd.DataFrame:
    """Plan rows whose reason is replaced by the one `given` (customer_id,
    offering_id, reason) has for the same pair, such as the cold-start reasons
    build_plan cannot know."""
    keys = [C.CUSTOMER, C.OFFERING]
    found = given.drop_duplicates(keys).set_index(keys)["reason"]
    mine = found.reindex(pd.MultiIndex.from_frame(rows[keys].astype(str)))
    out = rows.copy()
    said = pd.Series(mine.to_numpy(), index=rows.index)
    out["reason"] = said.where(said.notna(), rows["reason"]).astype(object)
    return out


def _stars(values: pd.Series) -> pd.Series:
    """0..1 ratings on a 1-5 star scale, as text ('4.5/5', '5/5')."""
    text = (1 + values * 4).round(1).astype("string").str.removesuffix(".0")
    return text + "/5"


def _named(ids: pd.Series, names: pd.Series | None) -> pd.Series:
    """Offering names where known (ids otherwise), for sentences."""
    text = ids.astype("string")
    if names is None:
        return text
    # As text before filling: a map that finds no name may come back numeric.
    return text.map(names).astype("string").fillna(text)


def rhythm_known(table: pd.DataFrame) -> pd.Series:
    """Pairs the customer bought on two days or more: their reason is their
    own rhythm ("buys about every 30 days"), whatever else applies."""
    return table["own_interval_days"].notna() & table["days_since_last"].notna()


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
    due = rhythm_known(table) & out.isna()
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
    out[popular] = (
        "popular: "
        + _whole(buyers[popular])
        + f" customers bought it in the last {period(popular_window)}"
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
