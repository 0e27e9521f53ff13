"""Cold start: what to offer customers with no purchase yet (what their
segment or country takes up), and whom to offer offerings with no sale yet
(the buyers of their category, at the uptake of similar-priced offerings)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml.columns import Columns
from ml.dataset import purchases_before
from ml.features.timeline import AsOf, as_timestamp
from ml.plan.reasons import new_in_category, popular_with

C = Columns
KEYS = [C.CUSTOMER, C.OFFERING]
PAIR_COLUMNS = [C.CUSTOMER, C.OFFERING, "probability", "reason"]
EVERYONE = "all"


def _text(values: pd.Series) -> pd.Series:
    """Stripped text, missing where empty."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _pairs(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The non-empty parts one under the other (PAIR_COLUMNS when all are empty)."""
    found = [part for part in parts if len(part)]
    if not found:
        empty = {name: pd.Series(dtype=object) for name in PAIR_COLUMNS}
        return pd.DataFrame(empty).astype({"probability": "float64"})
    return pd.concat(found, ignore_index=True)


def _positive(name: str, value: object) -> None:
    if not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")


def _profiles(
    past: pd.DataFrame, customers: pd.DataFrame, levels: Sequence[str]
) -> pd.DataFrame:
    """Each known customer's group at every level (index customer_id).

    The customers table gives segment, region and country; a buyer it does
    not list, or lists without a country, takes the country of most of their
    order lines before as_of.
    """
    table = customers.drop_duplicates(C.CUSTOMER).set_index(C.CUSTOMER)
    ids = pd.Index(table.index.astype(str)).union(
        pd.Index(past[C.CUSTOMER].astype(str).unique())
    )
    table.index = table.index.astype(str)
    profile = pd.DataFrame(index=ids.rename(C.CUSTOMER))
    for level in levels:
        known = table[level] if level in table.columns else pd.Series(dtype=object)
        profile[level] = _text(known.reindex(ids))
    if C.COUNTRY in profile.columns and C.COUNTRY in past.columns:
        lines = past[[C.CUSTOMER, C.COUNTRY]].assign(
            **{C.COUNTRY: _text(past[C.COUNTRY])}
        )
        counts = lines.dropna().astype(str).value_counts().rename("n").reset_index()
        counts = counts.sort_values(
            [C.CUSTOMER, "n", C.COUNTRY], ascending=[True, False, True]
        )
        usual = counts.drop_duplicates(C.CUSTOMER).set_index(C.CUSTOMER)[C.COUNTRY]
        profile[C.COUNTRY] = profile[C.COUNTRY].fillna(usual.reindex(ids))
    profile[EVERYONE] = EVERYONE
    return profile


class SegmentPopularity(BaseEstimator):  # type: ignore[misc]
    """Offerings for customers with no purchase before as_of: the most taken
    up among customers of the same segment, else the same country, else all.

    For every group (a segment, region or country of `levels`, and all
    customers) the probability of an offering is the share of the group's
    customers who took it up in the last horizon_days before as_of; the
    group's customers are those the customers table lists plus every buyer
    before as_of. A group counts when it has at least min_group customers and
    someone in it bought in that window; a customer gets the `top` offerings
    of the first group of `levels` that counts, else those of all customers.
    """

    def __init__(
        self,
        horizon_days: int = 28,
        levels: tuple[str, ...] = (C.SEGMENT, C.COUNTRY),
        min_group: int = 20,
        top: int = 10,
    ) -> None:
        self.horizon_days = horizon_days
        self.levels = levels
        self.min_group = min_group
        self.top = top

    def fit(
        self, purchases: pd.DataFrame, as_of: AsOf, customers: pd.DataFrame
    ) -> Self:
        """Learn each group's popular offerings from the purchases before as_of."""
        for name in ("horizon_days", "min_group", "top"):
            _positive(name, getattr(self, name))
        unknown = set(self.levels) - {C.SEGMENT, C.REGION, C.COUNTRY}
        if unknown:
            raise ValueError(f"levels must be segment, region or country: {unknown}.")
        self.as_of_ = as_timestamp(as_of)
        past = purchases_before(purchases, self.as_of_).dropna(subset=[C.CUSTOMER])
        past = past.astype({C.CUSTOMER: str, C.OFFERING: str})
        self.profile_ = _profiles(past, customers, self.levels)
        self.buyers_ = frozenset(past[C.CUSTOMER].unique())
        start = self.as_of_ - pd.Timedelta(days=self.horizon_days)
        takers = past.loc[past[C.ORDERED_AT] >= start, KEYS].drop_duplicates()
        tables = [self._popular(level, takers) for level in (*self.levels, EVERYONE)]
        self.popular_ = pd.concat(
            [table for table in tables if len(table)] or tables[-1:],
            ignore_index=True,
        )
        return self

    def _popular(self, level: str, takers: pd.DataFrame) -> pd.DataFrame:
        """The top offerings of every group of one level that counts."""
        group = self.profile_[level]
        members = group.value_counts()
        took = takers.join(group, on=C.CUSTOMER).dropna(subset=[level])
        counts = took.groupby([level, C.OFFERING]).size().rename("takers")
        table = counts.reset_index().rename(columns={level: "group"})
        table["members"] = table["group"].map(members).astype(np.int64)
        if level != EVERYONE:
            table = table.loc[table["members"] >= self.min_group]
        table["probability"] = table["takers"] / table["members"]
        table = table.sort_values(
            ["group", "probability", C.OFFERING],
            ascending=[True, False, True],
            kind="stable",
        )
        table = table.groupby("group").head(self.top)
        return table.assign(level=level)

    def recommend(self, customers: Sequence[str] | None = None) -> pd.DataFrame:
        """Scored pairs (customer_id, offering_id, probability, reason) for the
        given customers, by default every listed customer with no purchase
        before as_of; a customer the data does not know gets all customers'."""
        check_is_fitted(self, "popular_")
        if customers is None:
            listed = self.profile_.index
            ids = listed[~listed.isin(list(self.buyers_))]
        else:
            ids = pd.Index([str(c) for c in customers]).unique()
        profile = self.profile_.reindex(ids).assign(**{EVERYONE: EVERYONE})
        parts: list[pd.DataFrame] = []
        left = pd.Series(True, index=ids)
        for level in (*self.levels, EVERYONE):
            popular = self.popular_.loc[self.popular_["level"] == level]
            group = profile.loc[left.to_numpy(), level].dropna()
            mine = group.rename("group").rename_axis(C.CUSTOMER).reset_index()
            rows = mine.merge(popular, on="group")
            parts.append(rows)
            left[pd.Index(rows[C.CUSTOMER].unique())] = False
        table = _pairs(parts)
        if not len(table):
            return table
        table["reason"] = popular_with(
            table["level"], table["group"], table["probability"], self.horizon_days
        ).astype(object)
        table = table.sort_values(
            [C.CUSTOMER, "probability", C.OFFERING],
            ascending=[True, False, True],
            kind="stable",
        )
        return table[PAIR_COLUMNS].reset_index(drop=True)


class NewOfferingScorer(BaseEstimator):  # type: ignore[misc]
    """Customers for catalogue offerings with no purchase before as_of, from
    their category and price neighbours.

    Over the last `windows` periods of horizon_days before as_of, a
    customer's affinity to a category is the share of periods in which they
    bought in it, and a sold offering's uptake is the share of the category's
    buying (customer, period) pairs that took it. A new offering's uptake is
    the mean uptake of the `neighbours` offerings of its category sold before
    as_of with the nearest prices (on a log scale; every one when either
    price is unknown), and its probability for a customer is the customer's
    affinity to its category times that uptake: only customers who bought
    in the category in those periods are scored. An offering whose category
    has no offering sold before as_of is not scored.
    """

    def __init__(
        self, horizon_days: int = 28, windows: int = 6, neighbours: int = 5
    ) -> None:
        self.horizon_days = horizon_days
        self.windows = windows
        self.neighbours = neighbours

    def fit(
        self, purchases: pd.DataFrame, as_of: AsOf, catalogue: pd.DataFrame
    ) -> Self:
        """Learn category affinities and neighbour uptakes before as_of;
        catalogue has offering_id, category and price (load_catalogue)."""
        for name in ("horizon_days", "windows", "neighbours"):
            _positive(name, getattr(self, name))
        self.as_of_ = as_timestamp(as_of)
        past = purchases_before(purchases, self.as_of_)
        listed = catalogue.drop_duplicates(C.OFFERING).astype({C.OFFERING: str})
        listed = listed.set_index(C.OFFERING)
        category = _text(listed[C.CATEGORY]).dropna()
        price = self._prices(past, listed)
        sold = pd.Index(past[C.OFFERING].astype(str).unique())
        recent = self._recent(past, category)
        periods = recent[[C.CUSTOMER, C.CATEGORY, "period"]].drop_duplicates()
        pairs = periods.groupby([C.CUSTOMER, C.CATEGORY]).size()
        affinity = (pairs / self.windows).rename("affinity").reset_index()
        self.affinity_ = affinity.astype({C.CUSTOMER: object, C.CATEGORY: object})
        took = recent[[C.CUSTOMER, C.OFFERING, "period"]].drop_duplicates()
        per_offering = took.groupby(C.OFFERING).size()
        per_category = periods.groupby(C.CATEGORY).size()
        known = pd.DataFrame({C.CATEGORY: category.reindex(sold)}).dropna()
        known["price"] = price.reindex(known.index)
        share = per_offering.reindex(known.index).fillna(0.0)
        buyers = known[C.CATEGORY].map(per_category).astype("float64")
        known["uptake"] = share / buyers
        known["uptake"] = known["uptake"].fillna(0.0)
        new = category.loc[~category.index.isin(sold)]
        self.uptake_ = self._neighbour_uptake(new, price, known)
        return self

    def _prices(self, past: pd.DataFrame, listed: pd.DataFrame) -> pd.Series:
        """The catalogue's price, else the median unit price of the order lines."""
        listed_price = pd.to_numeric(listed[C.PRICE], errors="coerce")
        lines = past.loc[past[C.QUANTITY] > 0]
        unit = (lines[C.AMOUNT] / lines[C.QUANTITY]).groupby(
            lines[C.OFFERING].astype(str)
        )
        price = listed_price.combine_first(unit.median())
        return price.where(price > 0)

    def _recent(self, past: pd.DataFrame, category: pd.Series) -> pd.DataFrame:
        """The known customers' lines of the last windows periods, with their
        category and period number (0 = the newest)."""
        span = pd.Timedelta(days=self.horizon_days)
        start = self.as_of_ - self.windows * span
        lines = past.loc[(past[C.ORDERED_AT] >= start) & past[C.CUSTOMER].notna()]
        lines = lines[[*KEYS, C.ORDERED_AT]].astype({C.CUSTOMER: str, C.OFFERING: str})
        lines[C.CATEGORY] = lines[C.OFFERING].map(category)
        lines["period"] = (self.as_of_ - lines[C.ORDERED_AT]).dt.days // (
            self.horizon_days
        )
        return lines.dropna(subset=[C.CATEGORY])

    def _neighbour_uptake(
        self, new: pd.Series, price: pd.Series, known: pd.DataFrame
    ) -> pd.DataFrame:
        """offering_id, category, uptake of every new offering with neighbours."""
        rows = []
        by_category = dict(tuple(known.groupby(C.CATEGORY)))
        for offering, name in new.items():
            near = by_category.get(name)
            if near is None:
                continue
            own = price.get(offering, np.nan)
            priced = near.dropna(subset=["price"])
            if pd.notna(own) and len(priced):
                gap = (np.log(priced["price"]) - np.log(own)).abs()
                near = priced.loc[gap.sort_values(kind="stable").index]
                near = near.head(self.neighbours)
            rows.append((offering, name, float(near["uptake"].mean())))
        table = pd.DataFrame(rows, columns=[C.OFFERING, C.CATEGORY, "uptake"])
        return table.astype({C.OFFERING: object, C.CATEGORY: object, "uptake": float})

    def scored(self, customers: Sequence[str] | None = None) -> pd.DataFrame:
        """Scored pairs (customer_id, offering_id, probability, reason) of the
        new offerings for the customers who buy in their category (all such
        customers, or those given)."""
        check_is_fitted(self, "uptake_")
        affinity = self.affinity_
        if customers is not None:
            wanted = {str(c) for c in customers}
            affinity = affinity.loc[affinity[C.CUSTOMER].isin(wanted)]
        table = affinity.merge(self.uptake_, on=C.CATEGORY)
        table["probability"] = table["affinity"] * table["uptake"]
        table = table.loc[table["probability"] > 0].copy()
        table["reason"] = new_in_category(table[C.CATEGORY]).astype(object)
        table = table.sort_values(
            [C.CUSTOMER, "probability", C.OFFERING],
            ascending=[True, False, True],
            kind="stable",
        )
        return table[PAIR_COLUMNS].reset_index(drop=True)


def cold_start_pairs(
    purchases: pd.DataFrame,
    as_of: AsOf,
    *,
    customers: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    horizon_days: int = 28,
    top: int = 10,
) -> pd.DataFrame:
    """Scored pairs (customer_id, offering_id, probability, reason) for what
    the ranker cannot score: listed customers with no purchase before as_of
    (SegmentPopularity, from `customers`) and catalogue offerings with none
    (NewOfferingScorer, from `catalogue`); either is skipped when not given.
    Pass them to build_plan with the ranker's pairs, and their reasons to the
    plan's rows with ml.plan.reasons.with_given_reasons."""
    parts = []
    if customers is not None:
        popular = SegmentPopularity(horizon_days=horizon_days, top=top)
        parts.append(popular.fit(purchases, as_of, customers).recommend())
    if catalogue is not None:
        launches = NewOfferingScorer(horizon_days=horizon_days)
        parts.append(launches.fit(purchases, as_of, catalogue).scored())
    return _pairs(parts).drop_duplicates(KEYS).reset_index(drop=True)
