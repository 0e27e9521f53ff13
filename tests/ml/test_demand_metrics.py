"""Uptake metrics (BENCHMARK_PROTOCOL "Offering uptake") and empirical intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ml.demand import EmpiricalInterval, demand_metrics, forecast_metrics
from ml.demand.intervals import size_group


def test_hand_computed_wape_mae_bias_and_spearman() -> None:
    predicted = pd.Series({"a": 10.0, "b": 4.0, "c": 0.0, "d": 6.0})
    actual = pd.Series({"a": 8, "b": 5, "d": 7, "z": 100})  # c: no buyer; z: ignored
    metrics = demand_metrics(predicted, actual)
    # |errors| = 2, 1, 0, 1 -> 4; actual total 20; predicted total 20.
    assert metrics.offerings == 4
    assert metrics.wape == pytest.approx(4 / 20)
    assert metrics.mae == pytest.approx(1.0)
    assert metrics.bias == pytest.approx(0.0)
    assert metrics.spearman == pytest.approx(1.0)  # same order: a > d > b > c
    assert metrics.precision_at_20 == 1.0  # fewer than 20 offerings: all of them
    assert math.isnan(metrics.interval_coverage)


def test_under_forecasting_shows_as_negative_bias() -> None:
    metrics = demand_metrics(
        pd.Series({"a": 6.0, "b": 2.0}), pd.Series({"a": 8, "b": 2})
    )
    assert metrics.bias == pytest.approx(8 / 10 - 1)
    assert metrics.wape == pytest.approx(2 / 10)


def test_precision_at_20_compares_the_top_20_lists() -> None:
    ids = [f"o{i:02d}" for i in range(30)]
    actual = pd.Series(np.arange(30, 0, -1), index=ids)  # o00 biggest
    predicted = actual.astype(float).copy()
    # Swap 5 of the actual top 20 with 5 from outside it.
    predicted[ids[15:20]], predicted[ids[25:30]] = 0.0, 100.0
    assert demand_metrics(predicted, actual).precision_at_20 == pytest.approx(15 / 20)


def test_precision_at_20_counts_offerings_tied_with_the_20th_actual() -> None:
    ids = [f"o{i:02d}" for i in range(25)]
    actual = pd.Series([10] * 19 + [5] * 6, index=ids)  # six tie for 20th place
    predicted = pd.Series(np.r_[np.full(19, 9.0), np.zeros(5), 8.0], index=ids)
    assert demand_metrics(predicted, actual).precision_at_20 == 1.0


def test_interval_coverage_and_width() -> None:
    predicted = pd.Series({"a": 10.0, "b": 4.0, "c": 1.0})
    actual = pd.Series({"a": 12, "b": 9})
    lower = pd.Series({"a": 8.0, "b": 2.0, "c": 0.0})
    upper = pd.Series({"a": 12.0, "b": 6.0, "c": 3.0})
    metrics = demand_metrics(predicted, actual, lower=lower, upper=upper)
    assert metrics.interval_coverage == pytest.approx(2 / 3)  # b's 9 is above 6
    assert metrics.interval_width == pytest.approx((4 + 4 + 3) / 3)


def test_forecast_frames_are_scored_with_their_interval() -> None:
    forecast = pd.DataFrame(
        {
            "offering_id": ["a", "b"],
            "predicted_buyers": [3.0, 1.0],
            "predicted_units": [9.0, 1.0],
            "lower": [2.0, 0.0],
            "upper": [4.0, 2.0],
        }
    )
    metrics = forecast_metrics(forecast, pd.Series({"a": 5, "b": 1}))
    assert metrics.wape == pytest.approx(2 / 6)
    assert metrics.interval_coverage == pytest.approx(0.5)


def test_edge_cases_are_explicit() -> None:
    no_buyers = demand_metrics(pd.Series({"a": 1.0, "b": 1.0}), pd.Series(dtype=float))
    assert math.isnan(no_buyers.wape) and math.isnan(no_buyers.bias)
    assert math.isnan(no_buyers.spearman)  # constant forecasts have no ranking
    with pytest.raises(ValueError, match="no offerings"):
        demand_metrics(pd.Series(dtype=float), pd.Series({"a": 1}))
    with pytest.raises(ValueError, match="twice"):
        demand_metrics(pd.Series([1.0, 2.0], index=["a", "a"]), pd.Series({"a": 1}))
    with pytest.raises(ValueError, match="missing values"):
        demand_metrics(pd.Series({"a": np.nan}), pd.Series({"a": 1}))


def test_size_groups_double() -> None:
    sizes = [0.0, 0.5, 1.0, 1.9, 2.0, 3.9, 4.0, 100.0]
    assert size_group(sizes).tolist() == [0, 0, 1, 1, 2, 2, 3, 7]


def test_interval_quantiles_are_learnt_per_forecast_size() -> None:
    # Small forecasts were off by up to +-1 buyer, big ones by up to +-50 %.
    rng = np.random.default_rng(0)
    small = np.full(400, 2.0)
    small_actual = small + rng.integers(-1, 2, size=400)
    big = np.full(400, 100.0)
    big_actual = np.expm1(np.log1p(big) + rng.uniform(-0.4, 0.4, size=400))
    interval = EmpiricalInterval.from_errors(
        np.r_[small, big], np.r_[small_actual, big_actual], level=0.8
    )
    assert interval.floors == (2, 7)
    lower, upper = interval.bounds([2.0, 100.0])
    assert lower[0] == pytest.approx(1.0) and upper[0] == pytest.approx(3.0)
    assert lower[1] == pytest.approx(np.expm1(np.log1p(100) - 0.32), rel=0.03)
    assert upper[1] == pytest.approx(np.expm1(np.log1p(100) + 0.32), rel=0.03)


def test_small_groups_merge_into_the_next_smaller_size() -> None:
    # 5 forecasts of 40 are too few on their own: they join the forecasts of 3.
    # Both were 25 % low on the log1p scale; the zeros were right.
    predicted = np.r_[np.zeros(50), np.full(40, 3.0), np.full(5, 40.0)]
    actual = np.r_[np.zeros(50), np.full(40, 4.0), np.full(5, 41 * 1.25 - 1)]
    interval = EmpiricalInterval.from_errors(predicted, actual, min_group_size=30)
    assert interval.floors == (0, 2)
    assert interval.errors == 95
    lower, upper = interval.bounds([0.0, 3.0, 40.0])
    np.testing.assert_allclose(lower, [0.0, 4.0, 50.25])
    np.testing.assert_allclose(upper, [0.0, 4.0, 50.25])


def test_an_interval_learnt_from_nothing_is_nan() -> None:
    lower, upper = EmpiricalInterval.from_errors([], []).bounds([3.0])
    assert np.isnan(lower).all() and np.isnan(upper).all()
    with pytest.raises(ValueError, match="level"):
        EmpiricalInterval.from_errors([1.0], [1.0], level=1.5)
