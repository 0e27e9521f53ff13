"""The totals forecaster: whole groups of offerings as weekly series of their own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from ml.demand import MovingAverageForecaster
from ml.demand.totals import LAST_YEAR, NAIVE, TREND, GroupTotalsForecaster
from ml.evaluation.split import protocol_split

AS_OF = pd.Timestamp("2024-06-03")  # a Monday
DAY = pd.Timedelta(days=1)
SAMPLE = (
    Path(__file__).parents[2] / "resources" / "sample" / "online_retail_sample.csv.gz"
)


def lines(days: list[int], customers: list[str], offerings: list[str]) -> pd.DataFrame:
    """Purchase lines on the given days before (negative) or after AS_OF."""
    return pd.DataFrame(
        {
            "customer_id": customers,
            "offering_id": offerings,
            "ordered_at": [AS_OF + day * DAY + pd.Timedelta(hours=10) for day in days],
            "quantity": 1.0,
        }
    )


def daily_world(weeks: int, rate: float, seed: int = 0) -> pd.DataFrame:
    """Customers buying one of ten offerings, about ``rate`` lines a day."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rate, size=7 * weeks)
    days = np.repeat(np.arange(-7 * weeks, 0), counts)
    return lines(
        days.tolist(),
        [f"c{i}" for i in rng.integers(0, 5000, size=len(days))],
        [f"p{i}" for i in rng.integers(0, 10, size=len(days))],
    )


def test_the_total_adds_up_each_offerings_distinct_buyers() -> None:
    # Week before AS_OF: c1 buys x twice and y once, c2 buys x: 2 (x) + 1 (y).
    frame = lines([-7, -6, -5, -4, -14], ["c1", "c1", "c1", "c2", "c3"], list("xxyxx"))
    model = GroupTotalsForecaster(7).fit(
        frame, AS_OF, pd.Series("all", index=["x", "y"])
    )
    assert model.weeks_.tolist() == [[1.0, 3.0]]  # two whole weeks, oldest first
    forecast = model.predict(["all"])
    assert forecast["offering_id"].tolist() == ["all"]
    assert forecast["predicted_buyers"].iloc[0] == pytest.approx(2.0)
    with pytest.raises(NotFittedError):
        GroupTotalsForecaster().predict(["all"])


def test_groups_default_to_one_per_offering_and_unknown_ones_get_zero() -> None:
    frame = lines([-10, -3, -2, -1], ["c9", "c1", "c2", "c1"], list("xxxy"))
    model = GroupTotalsForecaster(7).fit(frame, AS_OF)
    forecast = model.predict(["x", "y", "z"]).set_index("offering_id")
    assert forecast["predicted_buyers"].tolist() == [2.0, 1.0, 0.0]


def test_a_partial_last_week_gets_the_share_its_weekdays_had() -> None:
    # Lines only on Fridays (AS_OF is a Monday): a 3-day week (Mon-Wed) gets none.
    fridays = [-3 - 7 * week for week in range(8)]
    frame = lines(fridays, [f"c{day}" for day in fridays], ["x"] * len(fridays))
    model = GroupTotalsForecaster(10).fit(frame, AS_OF)
    weekly = model.predict_weekly(["x"])
    assert weekly["week_start"].tolist() == [AS_OF, AS_OF + 7 * DAY]
    assert weekly["predicted_buyers"].tolist() == [1.0, 0.0]


def test_last_years_shape_is_chosen_where_the_data_repeats_it() -> None:
    # Three years in which every fourth week doubles: a flat mean misses it.
    weeks = 3 * 52
    busy = [-7 * week - 2 for week in range(1, weeks + 1) for _ in range(10)]
    extra = [-7 * week - 3 for week in range(1, weeks + 1) if week % 4 == 0]
    days = busy + [day for day in extra for _ in range(10)]
    frame = lines(days, [f"c{i}" for i in range(len(days))], ["x"] * len(days))
    model = GroupTotalsForecaster(28).fit(frame, AS_OF)
    assert model.choice_.method == LAST_YEAR
    assert model.choice_.validation_wape < model.choice_.naive_wape
    weekly = model.predict_weekly(["x"])["predicted_buyers"].to_numpy()
    assert weekly.max() > 1.5 * weekly.min()  # not a flat line
    # Less than a year of history: flat.
    recent = frame.loc[frame["ordered_at"] >= AS_OF - 300 * DAY]
    short = GroupTotalsForecaster(28).fit(recent, AS_OF)
    assert short.choice_.method == NAIVE
    flat = short.predict_weekly(["x"])["predicted_buyers"]
    assert flat.nunique() == 1


def test_a_steady_growth_is_carried_on_where_it_held_before() -> None:
    # Weekly buyers grow by 3% a week for 40 weeks: the flat mean lags behind.
    counts = [round(100 * 1.03**week) for week in range(40)]
    days = [-7 * (40 - week) + 1 for week, n in enumerate(counts) for _ in range(n)]
    frame = lines(days, [f"c{i}" for i in range(len(days))], ["x"] * len(days))
    model = GroupTotalsForecaster(28).fit(frame, AS_OF)
    assert model.choice_.method == TREND
    weekly = model.predict_weekly(["x"])["predicted_buyers"].to_numpy()
    expected = [100 * 1.03**week for week in range(40, 44)]
    np.testing.assert_allclose(weekly, expected, rtol=0.02)


def test_eighty_percent_intervals_cover_about_eight_weeks_in_ten() -> None:
    inside = []
    for seed in range(12):
        frame = daily_world(40, 30.0, seed)
        model = GroupTotalsForecaster(28).fit(frame, AS_OF - 28 * DAY)
        weekly = model.predict_weekly(["p0", "p1", "p2", "p3", "p4"])
        actual = frame.loc[frame["ordered_at"] >= AS_OF - 28 * DAY]
        back = ((AS_OF - actual["ordered_at"]).dt.days // 7).to_numpy()
        counts = actual.assign(week=3 - back).groupby(["offering_id", "week"])
        truth = (
            counts["customer_id"]
            .nunique()
            .reindex(
                pd.MultiIndex.from_product([["p0", "p1", "p2", "p3", "p4"], range(4)]),
                fill_value=0,
            )
        )
        low, high = weekly["lower"].to_numpy(), weekly["upper"].to_numpy()
        inside.append((truth.to_numpy() >= low) & (truth.to_numpy() <= high))
    assert 0.7 <= np.concatenate(inside).mean() <= 0.9


def test_unknown_methods_are_a_plain_error() -> None:
    frame = lines([-3], ["c1"], ["x"])
    with pytest.raises(ValueError, match="'last N weeks', 'trend' or 'last year'"):
        GroupTotalsForecaster(methods=("drift",)).fit(frame, AS_OF)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """The bundled sample's purchases (a slice of the real Online Retail file)."""
    raw = pd.read_csv(SAMPLE, dtype={"InvoiceNo": str, "StockCode": str})
    raw = raw.loc[(raw["Quantity"] > 0) & ~raw["InvoiceNo"].str.startswith("C")]
    return pd.DataFrame(
        {
            "customer_id": raw["CustomerID"]
            .astype("Int64")
            .astype(str)
            .where(raw["CustomerID"].notna()),
            "offering_id": raw["StockCode"],
            "ordered_at": pd.to_datetime(raw["InvoiceDate"]),
            "quantity": raw["Quantity"].astype("float64"),
        }
    )


def test_on_real_orders_the_totals_band_is_far_narrower_than_the_summed_one(
    sample,
) -> None:
    """The total's own band against the per-offering bands added up (what the
    weekly chart drew before): at the protocol's cut-off of the sample."""
    split = protocol_split(sample, horizon_days=28)
    offerings = sorted(split.train["offering_id"].unique())
    groups = pd.Series("all", index=offerings)
    total = GroupTotalsForecaster(28).fit(split.train, split.as_of, groups)
    own = total.predict_weekly(["all"])
    each = MovingAverageForecaster().fit(split.train, split.as_of)
    summed = each.predict_weekly(offerings, 28).groupby("week_start")[
        ["lower", "upper"]
    ]
    summed = summed.sum()
    own_width = (own["upper"] - own["lower"]).to_numpy()
    summed_width = (summed["upper"] - summed["lower"]).to_numpy()
    assert (own_width < 0.4 * summed_width).all()
    test = split.test.dropna(subset=["customer_id"])
    week = ((test["ordered_at"] - split.as_of).dt.days // 7).to_numpy()
    actual = test.assign(week=week).groupby(["week", "offering_id"])["customer_id"]
    weekly_actual = actual.nunique().groupby(level="week").sum().to_numpy()
    inside = (own["lower"] <= weekly_actual) & (weekly_actual <= own["upper"])
    assert inside.all()
