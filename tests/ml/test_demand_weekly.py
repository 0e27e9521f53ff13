"""Weekly forecasts of the demand baselines (the DemandForecaster protocol)."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.demand import MovingAverageForecaster, SeasonalNaiveForecaster
from ml.demand.base import WEEKLY_COLUMNS
from tests.ml.builders import purchases_frame as frame

AS_OF = pd.Timestamp("2024-03-01")
DAYS = pd.Timedelta(days=1)


@pytest.fixture
def shop() -> pd.DataFrame:
    return frame(
        [
            ("c0", "tea", "2023-01-02", 1),
            ("c1", "mug", "2024-02-05", 2),
            ("c2", "mug", "2024-02-20", 1),
            ("c3", "mug", "2024-02-28", 1),
            ("c4", "mug", "2024-02-29", 3),
            ("c5", "tea", "2024-02-10", 1),
        ]
    )


def test_the_moving_average_spreads_its_window_over_the_weeks(shop) -> None:
    weekly = MovingAverageForecaster().fit(shop, AS_OF).predict_weekly(["mug", "tea"])
    assert list(weekly.columns) == list(WEEKLY_COLUMNS)
    assert weekly.offering_id.tolist() == ["mug"] * 4 + ["tea"] * 4
    starts = [AS_OF + 7 * k * DAYS for k in range(4)]
    assert weekly.week_start.tolist() == starts * 2
    # 4 buyers in the last 28 days: one a week; tea's 1: a quarter.
    assert weekly.predicted_buyers.tolist() == [1.0] * 4 + [0.25] * 4
    assert weekly.predicted_units.tolist()[:4] == [1.75] * 4


def test_a_horizon_of_part_weeks_ends_with_a_short_week(shop) -> None:
    weekly = MovingAverageForecaster().fit(shop, AS_OF).predict_weekly(["mug"], 10)
    assert weekly.week_start.tolist() == [AS_OF, AS_OF + 7 * DAYS]
    assert weekly.predicted_buyers.tolist() == [1.0, pytest.approx(3 / 7)]


def test_seasonal_naive_takes_each_week_from_a_year_back() -> None:
    year_ago = AS_OF - 364 * DAYS
    rows = [("c0", "mug", "2022-12-01", 1)]
    # Last year: 1 buyer in the first week, 3 in the second.
    rows += [("a", "mug", str((year_ago + 2 * DAYS).date()), 1)]
    rows += [(f"b{i}", "mug", str((year_ago + 9 * DAYS).date()), 1) for i in range(3)]
    data = frame(rows)
    weekly = SeasonalNaiveForecaster().fit(data, AS_OF).predict_weekly(["mug"], 14)
    assert weekly.predicted_buyers.tolist() == [1.0, 3.0]
    assert not weekly.fallback.any()


def test_an_offering_asked_twice_gets_its_weeks_twice(shop) -> None:
    weekly = (
        MovingAverageForecaster()
        .fit(shop, AS_OF)
        .predict_weekly(["tea", "mug", "tea"], 14)
    )
    assert weekly.offering_id.tolist() == ["tea", "tea", "mug", "mug", "tea", "tea"]
