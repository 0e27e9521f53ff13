"""Demand baselines on the full Online Retail file, under BENCHMARK_PROTOCOL.

Reference (issue 3): WAPE of naive last-4-weeks on the 500 biggest offerings =
0.208. We measure 0.2126 with the protocol's wording (the 500 items with the
most purchase lines, anonymous lines included) and 0.2065 when only lines of
identified customers pick the 500. The gap is which 500 items are evaluated
(the 500th and 501st items tie at 241 lines): the forecast and the target are
the same in both.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.demand import (
    MovingAverageForecaster,
    SeasonalNaiveForecaster,
    forecast_metrics,
    horizon_actuals,
    protocol_offerings,
    weekly_series,
)

pytestmark = pytest.mark.slow

REFERENCE_NAIVE_WAPE = 0.208
HORIZON = 28


@pytest.fixture(scope="module")
def purchases(online_retail: Interactions) -> pd.DataFrame:
    return online_retail.purchases


@pytest.fixture(scope="module")
def as_of(purchases: pd.DataFrame) -> pd.Timestamp:
    # The protocol's cutoff: the last 28 complete days are the test window.
    last_complete_day = purchases.ordered_at.max().normalize()  # exclusive end
    cutoff = last_complete_day - pd.Timedelta(days=HORIZON)
    assert cutoff == pd.Timestamp("2011-11-11")
    return cutoff


def test_naive_last_4_weeks_reproduces_the_reference_wape(purchases, as_of) -> None:
    offerings = protocol_offerings(purchases, as_of)
    actual = horizon_actuals(purchases, as_of, HORIZON)
    forecast = MovingAverageForecaster().fit(purchases, as_of).predict(offerings)
    metrics = forecast_metrics(forecast, actual)
    print(f"\nnaive last-4-weeks, protocol offerings: {metrics}")
    assert metrics.offerings == 500
    assert metrics.wape == pytest.approx(0.2126, abs=0.001)
    assert abs(metrics.wape - REFERENCE_NAIVE_WAPE) < 0.01
    assert metrics.bias == pytest.approx(-0.114, abs=0.002)  # the Christmas rise
    assert metrics.spearman > 0.85
    assert 0.75 <= metrics.interval_coverage <= 0.95  # nominal 80 %

    identified = protocol_offerings(purchases, as_of, identified_only=True)
    forecast = MovingAverageForecaster().fit(purchases, as_of).predict(identified)
    variant = forecast_metrics(forecast, actual)
    print(f"naive last-4-weeks, offerings by identified lines: {variant}")
    assert variant.wape == pytest.approx(0.2065, abs=0.001)


def test_seasonal_naive_falls_back_when_the_data_do_not_reach_a_year_back(
    purchases, as_of
) -> None:
    # A year before 2011-11-11 is 2010-11-12; the data start on 2010-12-01.
    offerings = protocol_offerings(purchases, as_of)
    seasonal = SeasonalNaiveForecaster().fit(purchases, as_of).predict(offerings)
    naive = MovingAverageForecaster().fit(purchases, as_of).predict(offerings)
    assert seasonal.fallback.all()
    pd.testing.assert_frame_equal(seasonal.drop(columns="fallback"), naive)


def test_seasonal_naive_where_a_year_back_is_observed(purchases) -> None:
    # One week ahead from 2011-12-02: the same week of 2010 (from 2010-12-03)
    # is in the data for the offerings already sold on 2010-12-01 or 02.
    as_of, horizon = pd.Timestamp("2011-12-02"), 7
    offerings = protocol_offerings(purchases, as_of)
    actual = horizon_actuals(purchases, as_of, horizon)
    seasonal = SeasonalNaiveForecaster().fit(purchases, as_of).predict(offerings, 7)
    naive = MovingAverageForecaster().fit(purchases, as_of).predict(offerings, 7)
    seasonal_metrics = forecast_metrics(seasonal, actual)
    naive_metrics = forecast_metrics(naive, actual)
    print(f"\nseasonal naive, 7 days from {as_of:%Y-%m-%d}: {seasonal_metrics}")
    print(f"naive last-4-weeks / 4, same window: {naive_metrics}")
    assert (~seasonal.fallback).sum() == 390
    # Last December says less about this one than the last four weeks do.
    assert seasonal_metrics.wape > naive_metrics.wape


def test_weekly_series_account_for_every_unit(purchases, as_of) -> None:
    series = weekly_series(purchases, as_of=as_of)
    start = series.week_start.min()
    assert start == pd.Timestamp("2010-12-03")  # first fully observed week
    window = purchases[(purchases.ordered_at >= start) & (purchases.ordered_at < as_of)]
    total = series.units.sum() + series.anonymous_units.sum()
    assert total == pytest.approx(window.quantity.sum())
    assert series.anonymous_lines.sum() == window.customer_id.isna().sum()
