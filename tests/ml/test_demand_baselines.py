"""The demand baselines: naive last-4-weeks and seasonal naive, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from ml.demand import (
    MovingAverageForecaster,
    SeasonalNaiveForecaster,
    horizon_actuals,
)
from tests.ml.builders import purchases_frame as frame

AS_OF = pd.Timestamp("2024-03-01")
DAYS = pd.Timedelta(days=1)


@pytest.fixture
def shop() -> pd.DataFrame:
    return frame(
        [
            ("c0", "tea", "2023-06-01", 1),  # opens the data well before
            ("c1", "mug", "2024-01-20", 1),  # before the 28 days: ignored
            ("c1", "mug", "2024-02-02", 2),  # 2024-02-02 = as_of - 28 days: in
            ("c1", "mug", "2024-02-20", 3),  # same buyer: counted once
            ("c2", "mug", "2024-02-29 23:00", 4),
            (None, "mug", "2024-02-25", 7),  # anonymous: not a buyer
            ("c3", "tea", "2024-02-10", 1),
        ]
    )


def test_naive_forecast_is_the_distinct_buyers_of_the_last_28_days(shop) -> None:
    forecast = MovingAverageForecaster().fit(shop, AS_OF).predict(["mug", "tea"])
    assert list(forecast.columns[:5]) == [
        "offering_id",
        "predicted_buyers",
        "predicted_units",
        "lower",
        "upper",
    ]
    assert forecast.predicted_buyers.tolist() == [2.0, 1.0]
    assert forecast.predicted_units.tolist() == [9.0, 1.0]  # c1 and c2's units


def test_rows_at_or_after_as_of_change_nothing(shop) -> None:
    later = frame([("c7", "mug", "2024-03-01", 1), ("c8", "tea", "2024-03-09", 1)])
    both = pd.concat([shop, later], ignore_index=True)
    for model in (MovingAverageForecaster, SeasonalNaiveForecaster):
        pd.testing.assert_frame_equal(
            model().fit(both, AS_OF).predict(["mug", "tea"]),
            model().fit(shop, AS_OF).predict(["mug", "tea"]),
        )


def test_offerings_come_back_in_the_order_asked_and_unknown_ones_get_zero(
    shop,
) -> None:
    forecast = MovingAverageForecaster().fit(shop, AS_OF).predict(["new", "tea"])
    assert forecast.offering_id.tolist() == ["new", "tea"]
    assert forecast.predicted_buyers.tolist() == [0.0, 1.0]


def test_a_shorter_horizon_scales_the_window(shop) -> None:
    model = MovingAverageForecaster().fit(shop, AS_OF)
    assert model.predict(["mug"], horizon_days=7).predicted_buyers[0] == 0.5
    recent = MovingAverageForecaster(window_days=7).fit(shop, AS_OF)
    assert recent.predict(["mug"], horizon_days=7).predicted_buyers[0] == 1.0


def test_seasonal_naive_uses_the_same_weeks_a_year_back_or_falls_back() -> None:
    year_ago = AS_OF - 364 * DAYS  # 2023-03-03, also a Friday
    data = frame(
        [
            ("c1", "mug", "2023-01-10", 1),  # history reaches a year back
            ("c1", "mug", str(year_ago.date()), 1),
            ("c2", "mug", str((year_ago + 27 * DAYS).date()), 1),
            ("c3", "mug", str((year_ago + 28 * DAYS).date()), 1),  # outside
            ("c4", "mug", "2024-02-20", 1),
            ("c5", "lamp", "2023-12-01", 1),  # first sold after 2023-03-03
            ("c5", "lamp", "2024-02-20", 1),
            ("c6", "lamp", "2024-02-21", 1),
        ]
    )
    forecast = SeasonalNaiveForecaster().fit(data, AS_OF).predict(["mug", "lamp"])
    assert forecast.predicted_buyers.tolist() == [2.0, 2.0]
    assert forecast.fallback.tolist() == [False, True]


def test_seasonal_horizon_cannot_exceed_the_season(shop) -> None:
    model = SeasonalNaiveForecaster(season_days=7).fit(shop, AS_OF)
    with pytest.raises(ValueError, match="longer than the season"):
        model.predict(["mug"], horizon_days=28)


def steady(weeks: int = 20) -> pd.DataFrame:
    """Every offering has the same buyers on the same weekday each week."""
    rows = []
    for week in range(weeks):
        day = AS_OF - (week + 1) * 7 * DAYS
        for size, offering in ((3, "a"), (10, "b"), (40, "c")):
            rows += [
                (f"{offering}{i}", offering, str(day.date()), 1) for i in range(size)
            ]
    return frame(rows)


def test_a_perfectly_steady_history_gives_a_zero_width_interval() -> None:
    model = MovingAverageForecaster(min_group_size=1).fit(steady(), AS_OF)
    forecast = model.predict(["a", "b", "c"])
    assert forecast.predicted_buyers.tolist() == [3.0, 10.0, 40.0]
    np.testing.assert_allclose(forecast.lower, forecast.predicted_buyers)
    np.testing.assert_allclose(forecast.upper, forecast.predicted_buyers)


def test_past_errors_come_from_windows_that_end_by_as_of() -> None:
    model = MovingAverageForecaster(error_windows=5).fit(steady(), AS_OF)
    errors = model.backtest(28)
    origins = sorted(errors.origin.unique())
    assert len(origins) == 5
    assert max(origins) + 28 * DAYS == AS_OF
    assert np.diff(origins).tolist() == [pd.Timedelta(days=7)] * 4


def test_too_little_history_gives_no_interval_rather_than_a_made_up_one(shop) -> None:
    recent = shop[shop.ordered_at >= pd.Timestamp("2024-01-20")]
    forecast = MovingAverageForecaster().fit(recent, AS_OF).predict(["mug"])
    assert forecast.predicted_buyers[0] == 2.0
    assert forecast[["lower", "upper"]].isna().all(axis=None)


def poisson_shop(seed: int) -> pd.DataFrame:
    """Offerings of very different sizes, each day's buyers drawn afresh."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-06-01", periods=280, freq="D")
    rates = rng.uniform(0.05, 6.0, size=120)
    counts = rng.poisson(np.outer(rates, np.ones(len(days))))
    offering, day = np.nonzero(counts)
    repeat = counts[offering, day]
    return pd.DataFrame(
        {
            "customer_id": pd.Series(np.arange(repeat.sum()).astype(str), dtype="str"),
            "offering_id": pd.Series(
                np.repeat(offering, repeat).astype(str), dtype="str"
            ),
            "ordered_at": np.repeat(days[day], repeat).astype("datetime64[us]"),
            "quantity": 1.0,
            "amount": 1.0,
        }
    )


def test_the_80_percent_interval_covers_about_80_percent_of_new_windows() -> None:
    data = poisson_shop(seed=7)
    inside = []
    for as_of in pd.to_datetime(["2023-12-01", "2024-01-05", "2024-02-02"]):
        model = MovingAverageForecaster(level=0.8).fit(data, as_of)
        offerings = sorted(data.offering_id.unique())
        forecast = model.predict(offerings).set_index("offering_id")
        actual = horizon_actuals(data, as_of, 28).reindex(forecast.index, fill_value=0)
        inside.append((actual >= forecast.lower) & (actual <= forecast.upper))
    coverage = float(pd.concat(inside).mean())
    assert 0.7 <= coverage <= 0.9


def test_refit_equals_a_fresh_fit(shop) -> None:
    other = steady()
    for model in (MovingAverageForecaster, SeasonalNaiveForecaster):
        refit = model().fit(other, AS_OF).fit(shop, AS_OF - 3 * DAYS)
        fresh = model().fit(shop, AS_OF - 3 * DAYS)
        pd.testing.assert_frame_equal(
            refit.predict(["mug", "tea"]), fresh.predict(["mug", "tea"])
        )


def test_misuse_is_explained(shop) -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        MovingAverageForecaster().predict(["mug"])
    with pytest.raises(ValueError, match="window_days must be at least 1"):
        MovingAverageForecaster(window_days=0).fit(shop, AS_OF)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        SeasonalNaiveForecaster(level=80).fit(shop, AS_OF)
    with pytest.raises(TypeError, match="horizon_days must be a whole number"):
        MovingAverageForecaster().fit(shop, AS_OF).predict(["mug"], horizon_days=2.5)
