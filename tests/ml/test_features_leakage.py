"""Nothing at or after as_of leaks in, and the vectorised code agrees with a
plain, row-by-row reading of the definitions on random histories."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.features import (
    FeatureConfig,
    cooccurrence,
    customer_features,
    offering_features,
    pair_features,
)

AS_OF = pd.Timestamp("2024-05-01")
CATEGORIES = pd.Series({"o0": "a", "o1": "a", "o2": "b", "o3": "b", "o4": "c"})


def _random_data(seed: int, start: str, days: int, n: int = 300) -> Interactions:
    """Random purchases, returns and feedback from `start` over `days` days."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp(start)

    def times(count: int) -> pd.Series:
        seconds = rng.integers(0, days * 86_400, count) // 3600 * 3600
        return pd.Series(base + pd.to_timedelta(seconds, unit="s")).astype(
            "datetime64[us]"
        )

    def customers(count: int) -> pd.Series:
        ids = pd.Series([f"c{i}" for i in rng.integers(0, 9, count)], dtype="str")
        return ids.mask(rng.random(count) < 0.1)  # some anonymous

    def offerings(count: int) -> pd.Series:
        return pd.Series([f"o{i}" for i in rng.integers(0, 7, count)], dtype="str")

    orders = pd.Series([f"n{i}" for i in rng.integers(0, 60, n)], dtype="str")
    purchases = pd.DataFrame(
        {
            "customer_id": customers(n),
            "offering_id": offerings(n),
            "ordered_at": times(n),
            "quantity": rng.integers(1, 4, n).astype(float),
            "amount": rng.integers(1, 50, n).astype(float),
            "order_id": orders.mask(rng.random(n) < 0.3),
            "country": "UK",
        }
    )
    m = n // 5
    returns = pd.DataFrame(
        {
            "customer_id": customers(m),
            "offering_id": offerings(m),
            "returned_at": times(m),
            "quantity": 1.0,
            "amount": 1.0,
            "reason": "negative_quantity",
        }
    )
    ratings = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0, np.nan], m)
    feedback = pd.DataFrame(
        {
            "customer_id": customers(m),
            "offering_id": offerings(m),
            "submitted_at": times(m),
            "rating": ratings,
            "comment": None,
            "kind": rng.choice(["review", "complaint", None], m),
        }
    )
    return Interactions(purchases, returns, feedback)


def _all_pairs() -> pd.DataFrame:
    customers = [f"c{i}" for i in range(10)]
    offerings = [f"o{i}" for i in range(8)]
    index = pd.MultiIndex.from_product([customers, offerings])
    return index.to_frame(index=False, name=["customer_id", "offering_id"])


def _combined(past: Interactions, future: Interactions) -> Interactions:
    return Interactions(
        *(
            pd.concat([a, b], ignore_index=True)
            for a, b in zip(
                (past.purchases, past.returns, past.feedback),
                (future.purchases, future.returns, future.feedback),
                strict=True,
            )
        )
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_at_or_after_as_of_change_nothing(seed: int) -> None:
    past = _random_data(seed, "2023-11-01", 182)  # up to as_of, exclusive
    later = _random_data(seed + 100, "2024-05-01", 60)  # from as_of, inclusive
    later.purchases.loc[:4, "ordered_at"] = AS_OF  # exactly at as_of
    later.purchases.loc[5:9, "customer_id"] = "newcomer"
    later.purchases.loc[10:14, "offering_id"] = "o-new"
    both = _combined(past, later)
    assert (past.purchases.ordered_at < AS_OF).all()
    pairs = pd.concat(
        [_all_pairs(), pd.DataFrame({"customer_id": ["newcomer"], "offering_id": "o1"})]
    )

    def features(data: Interactions) -> list[pd.DataFrame]:
        matrix, index = cooccurrence(data, AS_OF)
        return [
            pair_features(data, AS_OF, pairs, categories=CATEGORIES),
            offering_features(data, AS_OF),
            customer_features(data, AS_OF, categories=CATEGORIES),
            pd.DataFrame(matrix.toarray(), index=index, columns=index),
        ]

    for before, after in zip(features(past), features(both), strict=True):
        pd.testing.assert_frame_equal(before, after)


def _reference(
    data: Interactions, pairs: pd.DataFrame, cfg: FeatureConfig
) -> pd.DataFrame:
    """The pair features computed the slow, obvious way, one pair at a time."""
    p = data.purchases
    p = p.loc[(p.ordered_at < AS_OF) & p.customer_id.notna()].copy()
    p["occasion"] = p.order_id.fillna(p.ordered_at.dt.strftime("day %Y-%m-%d"))
    r = data.returns.loc[data.returns.returned_at < AS_OF]
    f = data.feedback.loc[data.feedback.submitted_at < AS_OF]
    buyers = p.groupby("offering_id").customer_id.apply(set)
    day = pd.Timedelta(days=1)
    rows = []
    for customer, offering in pairs.itertuples(index=False):
        mine = p.loc[(p.customer_id == customer) & (p.offering_id == offering)]
        at = mine.groupby("occasion").ordered_at.min()
        ages = (AS_OF - at) / day
        days = sorted(set(at.dt.normalize()))
        gaps = [(b - a) / day for a, b in itertools.pairwise(days)]
        since = (AS_OF - at.max()) / day if len(at) else np.nan
        interval = float(np.median(gaps)) if gaps else np.nan
        said = f.loc[(f.customer_id == customer) & (f.offering_id == offering)]
        complaint = (said.rating <= 0.25) | (said.kind == "complaint")
        category = CATEGORIES.get(offering)
        in_category = f.offering_id.map(CATEGORIES) == category
        liked = f.loc[(f.customer_id == customer) & in_category].rating
        ratios = {
            past: len(buyers[past] & buyers.get(offering, set())) / len(buyers[past])
            for past in sorted(set(p.loc[p.customer_id == customer].offering_id))
            if past != offering
        }
        best = max(ratios.values(), default=0.0)
        rows.append(
            {
                "purchase_count": len(at),
                "decayed_frequency": float((0.5 ** (ages / cfg.half_life_days)).sum()),
                "days_since_last": since,
                "own_interval_days": interval,
                "due_ratio": since / interval,
                "returns_count": len(
                    r.loc[(r.customer_id == customer) & (r.offering_id == offering)]
                ),
                "own_rating": said.rating.mean(),
                "own_complaints": int(complaint.sum()),
                "category_rating": liked.mean() if category else np.nan,
                "cooccurrence_score": best,
                "cooccurrence_sum": sum(ratios.values()),
                "cooccurrence_source": next(
                    (a for a, v in ratios.items() if v == best and best > 0), None
                ),
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_pair_features_match_the_definitions(seed: int) -> None:
    data = _random_data(seed, "2023-11-01", 240)
    cfg = FeatureConfig(half_life_days=30.0)
    pairs = _all_pairs()
    fast = pair_features(data, AS_OF, pairs, cfg, categories=CATEGORIES)
    slow = _reference(data, pairs, cfg)
    numbers = [c for c in slow.columns if c != "cooccurrence_source"]
    assert fast.purchase_count.sum() > 50  # the random history is not empty
    pd.testing.assert_frame_equal(
        fast[numbers].astype(float), slow[numbers].astype(float), rtol=1e-6
    )
    assert fast.cooccurrence_source.fillna("-").tolist() == (
        slow.cooccurrence_source.fillna("-").tolist()
    )


@pytest.mark.parametrize("seed", [6, 7])
def test_offering_and_customer_tables_match_the_definitions(seed: int) -> None:
    data = _random_data(seed, "2023-01-01", 480)
    p = data.purchases.loc[data.purchases.ordered_at < AS_OF]
    known = p.loc[p.customer_id.notna()]
    day = pd.Timedelta(days=1)
    offerings = offering_features(data, AS_OF)
    for window in (7, 28, 91, 365):
        recent = known.loc[known.ordered_at >= AS_OF - window * day]
        expected = recent.groupby("offering_id").customer_id.nunique()
        got = offerings[f"buyers_{window}d"]
        assert got.to_dict() == expected.reindex(got.index, fill_value=0).to_dict()
    days_bought = known.groupby(["offering_id", "customer_id"]).ordered_at.apply(
        lambda at: at.dt.normalize().nunique()
    )
    repeat = (days_bought >= 2).groupby(level=0).mean()
    price = (p.amount / p.quantity).groupby(p.offering_id).median()
    age = (AS_OF - p.groupby("offering_id").ordered_at.min()) / day
    r = data.returns.loc[data.returns.returned_at < AS_OF]
    returned = r.groupby("offering_id").quantity.sum()
    rate = returned.reindex(offerings.index, fill_value=0) / p.groupby(
        "offering_id"
    ).quantity.sum().reindex(offerings.index)
    pd.testing.assert_series_equal(
        offerings.repeat_rate, repeat, check_names=False, check_index_type=False
    )
    pd.testing.assert_series_equal(offerings.price, price, check_names=False)
    pd.testing.assert_series_equal(offerings.first_sold_days, age, check_names=False)
    pd.testing.assert_series_equal(offerings.return_rate, rate, check_names=False)

    customers = customer_features(data, AS_OF, categories=CATEGORIES)
    by = known.groupby("customer_id")
    lines = known.offering_id.map(CATEGORIES).groupby(known.customer_id)
    expected = pd.DataFrame(
        {
            "days_since_last": (AS_OF - by.ordered_at.max()) / day,
            "orders": by.ordered_at.apply(lambda at: at.dt.normalize().nunique()),
            "monetary": by.amount.sum(),
            "tenure_days": (AS_OF - by.ordered_at.min()) / day,
            "breadth": by.offering_id.nunique(),
            "top_category_share": lines.apply(
                lambda c: c.value_counts().max() / c.notna().sum()
            ),
        }
    )
    pd.testing.assert_frame_equal(
        customers[expected.columns], expected, check_dtype=False, check_names=False
    )


def test_no_history_gives_empty_tables_and_default_pair_features() -> None:
    data = _random_data(8, "2024-06-01", 30)  # everything after as_of
    assert offering_features(data, AS_OF).empty
    assert customer_features(data, AS_OF).empty
    matrix, index = cooccurrence(data, AS_OF)
    assert matrix.shape == (0, 0) and index.empty
    features = pair_features(data, AS_OF, _all_pairs())
    assert features.purchase_count.eq(0).all()
    assert features.days_since_last.isna().all()
    assert features.cooccurrence_source.isna().all()
