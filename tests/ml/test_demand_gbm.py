"""The gradient-boosting demand model on synthetic shops with known demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from ml.dataset import Interactions
from ml.demand import MovingAverageForecaster, horizon_actuals
from ml.demand.base import FORECAST_COLUMNS, WEEKLY_COLUMNS
from ml.demand.gbm import GradientBoostingDemandForecaster
from tests.ml.demand_worlds import (
    DAY,
    START,
    expected_buyers,
    seasonal,
    shop,
    steady,
    steady_shop,
)

DAYS = 420
AS_OF = START + DAYS * DAY


@pytest.fixture(scope="module")
def steady_world() -> tuple[pd.DataFrame, dict]:
    return steady_shop(seed=1, days=DAYS)


@pytest.fixture(scope="module")
def fitted(steady_world) -> GradientBoostingDemandForecaster:
    data, _ = steady_world
    return GradientBoostingDemandForecaster().fit(data, AS_OF)


def test_steady_offerings_are_forecast_near_their_rate(steady_world, fitted) -> None:
    data, rates = steady_world
    forecast = fitted.predict(list(rates)).set_index("offering_id")
    expected = pd.Series({k: expected_buyers(r, DAYS, 28) for k, r in rates.items()})
    assert list(fitted.predict(["s10"]).columns) == [*FORECAST_COLUMNS, "fallback"]
    assert not forecast.fallback.any()
    big = expected >= 40  # 10 buyers a week or more
    error = (forecast.predicted_buyers / expected - 1).abs()[big]
    assert error.median() < 0.08
    # Closer to the truth than the buyers of the last four weeks.
    naive = MovingAverageForecaster().fit(data, AS_OF).predict(list(rates))
    naive_error = (naive.set_index("offering_id").predicted_buyers - expected).abs()
    assert (forecast.predicted_buyers - expected).abs().sum() < naive_error.sum()
    twenty = forecast.loc["s19"]  # 20 buyers a week: 80 in four weeks
    assert twenty.lower <= 80 <= twenty.upper
    # Every buyer takes 1 to 3 units: 2 on average.
    ratio = forecast.predicted_units[big] / forecast.predicted_buyers[big]
    assert ratio.between(1.8, 2.2).all()


def test_a_big_catalogue_learns_from_a_sample_of_its_rows(steady_world, fitted):
    data, rates = steady_world
    budget = fitted.training_rows_ // 2
    sampled = GradientBoostingDemandForecaster(max_training_rows=budget).fit(
        data, AS_OF
    )
    assert sampled.training_rows_ == budget
    forecast = sampled.predict(list(rates)).set_index("offering_id")
    expected = pd.Series({k: expected_buyers(r, DAYS, 28) for k, r in rates.items()})
    big = expected >= 40
    error = (forecast.predicted_buyers / expected - 1).abs()[big]
    assert error.median() < 0.08


@pytest.mark.slow
def test_a_seasonal_offering_picks_up_its_season() -> None:
    # Three years: twelve offerings sell 3 a week, but 30 a week during four
    # weeks each year; the forecast starts with this year's season. The model
    # learns it from last year's season (whose own year before is in the
    # data); the validation weeks, just before the season, cannot reward
    # that, so it takes up only part of the rise.
    season = 300
    rates = {f"s{i:02d}": steady(5.0 + i) for i in range(30)}
    rates |= {f"x{i:02d}": seasonal(3.0, 30.0, season) for i in range(12)}
    days = 2 * 364 + season
    data = shop(rates, days, seed=2)
    as_of = START + days * DAY
    model = GradientBoostingDemandForecaster().fit(data, as_of)
    forecast = model.predict(list(rates)).set_index("offering_id").predicted_buyers
    naive = MovingAverageForecaster().fit(data, as_of).predict(list(rates))
    naive = naive.set_index("offering_id").predicted_buyers
    in_season = [name for name in rates if name.startswith("x")]
    truth = expected_buyers(rates["x00"], days, 28)  # 120
    assert naive[in_season].mean() < 0.15 * truth
    assert forecast[in_season].mean() > 3 * naive[in_season].mean()
    assert forecast[in_season].mean() > 0.4 * truth
    steady_ones = [name for name in rates if name.startswith("s")]
    expected = pd.Series({k: expected_buyers(rates[k], days, 28) for k in steady_ones})
    assert (forecast[steady_ones] / expected - 1).abs().median() < 0.1


def test_short_sparse_or_buyerless_series_fall_back_to_the_naive(steady_world):
    data, _ = steady_world
    extra = pd.DataFrame(
        {
            "customer_id": pd.Series(["n1", "n2", None, None, "r1"], dtype="str"),
            "offering_id": pd.Series(["new", "new", "anon", "anon", "rare"]),
            "ordered_at": pd.to_datetime(
                ["2022-02-10", "2022-02-20", "2021-06-01", "2022-02-01", "2021-12-20"]
            ).astype("datetime64[us]"),
            "quantity": 1.0,
            "amount": 2.5,
        }
    )
    both = pd.concat([data, extra], ignore_index=True)
    asked = ["new", "anon", "rare", "never sold", "s20"]
    forecast = GradientBoostingDemandForecaster().fit(both, AS_OF).predict(asked)
    naive = MovingAverageForecaster().fit(both, AS_OF).predict(asked)
    assert forecast.fallback.tolist() == [True, True, True, True, False]
    columns = ["offering_id", "predicted_buyers", "predicted_units"]
    pd.testing.assert_frame_equal(forecast[columns][:4], naive[columns][:4])
    assert forecast.predicted_buyers.tolist()[:4] == [2.0, 0.0, 0.0, 0.0]


def test_too_little_history_for_a_model_gives_the_naive_everywhere(
    steady_world,
) -> None:
    data, rates = steady_world
    recent = data[data.ordered_at >= AS_OF - 70 * DAY]
    model = GradientBoostingDemandForecaster().fit(recent, AS_OF)
    forecast = model.predict(list(rates))
    naive = MovingAverageForecaster().fit(recent, AS_OF).predict(list(rates))
    assert model.choice_ is None
    assert forecast.fallback.all()
    pd.testing.assert_frame_equal(forecast.drop(columns="fallback"), naive)


@pytest.mark.slow
def test_rows_at_or_after_as_of_change_nothing(steady_world, fitted) -> None:
    data, rates = steady_world
    later = shop({"s05": steady(500.0), "late": steady(9.0)}, DAYS + 60, seed=9)
    later = later[later.ordered_at >= AS_OF]
    both = pd.concat([data, later], ignore_index=True)
    again = GradientBoostingDemandForecaster().fit(both, AS_OF)
    asked = [*rates, "late"]
    pd.testing.assert_frame_equal(again.predict(asked), fitted.predict(asked))
    pd.testing.assert_frame_equal(
        again.predict_weekly(asked), fitted.predict_weekly(asked)
    )


def test_weekly_rows_cover_the_horizon_week_by_week(steady_world) -> None:
    data, _ = steady_world
    model = GradientBoostingDemandForecaster(horizon_days=10).fit(data, AS_OF)
    weekly = model.predict_weekly(["s19", "s39"])
    assert list(weekly.columns) == [*WEEKLY_COLUMNS, "fallback"]
    assert weekly.offering_id.tolist() == ["s19", "s19", "s39", "s39"]
    assert weekly.week_start.tolist() == [AS_OF, AS_OF + 7 * DAY] * 2
    first, last = weekly.predicted_buyers[0], weekly.predicted_buyers[1]
    # The last week has 3 days (and the market's trend, if validation chose
    # it, tilts the weeks a little).
    assert last == pytest.approx(first * 3 / 7, rel=0.01)
    # Every buyer is new here, so weekly buyers add up to the horizon's.
    total = model.predict(["s19"]).predicted_buyers[0]
    assert first + last == pytest.approx(total, rel=0.1)
    assert (weekly.lower <= weekly.predicted_buyers).all()
    assert (weekly.predicted_buyers <= weekly.upper).all()


def test_category_level_purchases_are_forecast_the_same_way(steady_world) -> None:
    data, _ = steady_world
    # Two offerings per category: the category's rate is their sum.
    categories = data.assign(
        offering_id="cat" + (data.offering_id.str[1:].astype(int) // 2).astype(str)
    )
    model = GradientBoostingDemandForecaster().fit(categories, AS_OF)
    names = sorted(categories.offering_id.unique())
    forecast = model.predict(names).set_index("offering_id").predicted_buyers
    expected = pd.Series(
        {f"cat{i}": (1.0 + 2 * i + 2.0 + 2 * i) * 4 for i in range(20)}
    )
    assert (forecast / expected - 1).abs()[expected >= 40].median() < 0.08


@pytest.mark.slow
def test_ratings_become_features_when_there_are_some(steady_world) -> None:
    data, _ = steady_world
    rng = np.random.default_rng(3)
    rated = data.sample(400, random_state=4)
    feedback = pd.DataFrame(
        {
            "customer_id": rated.customer_id.to_numpy(),
            "offering_id": rated.offering_id.to_numpy(),
            "submitted_at": rated.ordered_at.to_numpy() + np.timedelta64(2, "D"),
            "rating": rng.uniform(0, 1, len(rated)),
            "comment": None,
            "kind": "review",
        }
    )
    empty = pd.DataFrame(columns=["customer_id", "offering_id", "returned_at"])
    plain = GradientBoostingDemandForecaster().fit(data, AS_OF)
    with_ratings = GradientBoostingDemandForecaster().fit(
        Interactions(data, empty, feedback), AS_OF
    )
    assert "rating" not in plain.model_.quantizer.features
    assert "rating" in with_ratings.model_.quantizer.features


@pytest.mark.slow
def test_the_80_percent_interval_holds_about_80_percent_of_outcomes() -> None:
    inside = []
    for seed in (1, 2):
        rng = np.random.default_rng(seed)
        rates = {
            f"o{i:03d}": steady(r) for i, r in enumerate(rng.uniform(0.5, 30, 150))
        }
        data = shop(rates, 500, seed=seed + 100)
        for day in (380, 440):
            as_of = START + day * DAY
            model = GradientBoostingDemandForecaster(level=0.8).fit(data, as_of)
            forecast = model.predict(list(rates)).set_index("offering_id")
            actual = horizon_actuals(data, as_of).reindex(forecast.index, fill_value=0)
            inside.append((actual >= forecast.lower) & (actual <= forecast.upper))
    assert 0.72 <= float(pd.concat(inside).mean()) <= 0.88


@pytest.mark.slow
def test_refit_equals_a_fresh_fit(steady_world, fitted) -> None:
    data, rates = steady_world
    other = shop({"z": steady(4.0)}, 200, seed=5)
    refit = clone(fitted).fit(other, START + 200 * DAY).fit(data, AS_OF)
    pd.testing.assert_frame_equal(
        refit.predict(list(rates)), fitted.predict(list(rates))
    )


def test_misuse_is_explained(steady_world, fitted) -> None:
    data, _ = steady_world
    with pytest.raises(NotFittedError, match="call fit"):
        GradientBoostingDemandForecaster().predict(["s1"])
    with pytest.raises(ValueError, match="forecasts 28-day horizons, not 7"):
        fitted.predict(["s1"], horizon_days=7)
    with pytest.raises(ValueError, match="training_origins at least"):
        GradientBoostingDemandForecaster(training_origins=5).fit(data, AS_OF)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        GradientBoostingDemandForecaster(level=80).fit(data, AS_OF)
    with pytest.raises(ValueError, match="has no column 'quantity'"):
        GradientBoostingDemandForecaster().fit(data.drop(columns="quantity"), AS_OF)


def test_a_market_that_keeps_growing_gets_the_trend_level() -> None:
    # Every offering gains 2% a week: the market's trend carries on.
    growing = {
        f"g{i:02d}": (lambda day, base=5.0 + i: base * 1.02 ** (day / 7.0))
        for i in range(30)
    }
    data = shop(growing, DAYS, seed=3)
    model = GradientBoostingDemandForecaster(levels=("flat", "trend")).fit(data, AS_OF)
    assert model.choice_.level == "trend"
    # The last four weeks' level grown over the horizon: 1.02 ** (2.5 .. 5.5).
    assert model.market_level_ == pytest.approx(1.02**4, abs=0.02)
    expected = pd.Series({k: expected_buyers(r, DAYS, 28) for k, r in growing.items()})
    forecast = model.predict(list(growing)).set_index("offering_id").predicted_buyers
    naive = MovingAverageForecaster().fit(data, AS_OF).predict(list(growing))
    naive = naive.set_index("offering_id").predicted_buyers
    assert abs(forecast.sum() / expected.sum() - 1) < 0.03
    assert (forecast - expected).abs().sum() < (naive - expected).abs().sum()
    # Week by week the forecast rises with the trend (2% a week), on average
    # as high as the flat share of the horizon would be.
    weekly = model.predict_weekly(["g29"])["predicted_buyers"].to_numpy()
    np.testing.assert_allclose(weekly[1:] / weekly[:-1], 1.02, atol=0.01)
    np.testing.assert_allclose(model.weekly_shape_.mean(), 1.0)


def test_market_levels_on_offer(steady_world) -> None:
    data, _ = steady_world
    # A year and two months of data: last year's same weeks for the
    # validation origins are not in it, so the flat level is used.
    last_year = GradientBoostingDemandForecaster(levels=("last year",))
    assert last_year.fit(data, AS_OF).choice_.level == "flat"
    recent = GradientBoostingDemandForecaster(levels=("recent",)).fit(data, AS_OF)
    assert recent.choice_.level == "recent"
    assert recent.market_level_ == pytest.approx(1.0, abs=0.05)  # a steady market
