"""forecast_uptake, FORECAST.csv and the gap to the sum of probabilities."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.demand import MovingAverageForecaster
from ml.errors import InputDataError
from ml.workflows.forecast import (
    FORECAST_CSV_COLUMNS,
    forecast_uptake,
    to_forecast_csv,
    uptake_gap,
)
from tests.ml.demand_worlds import DAY, START, shop, steady

DAYS = 420
AS_OF = START + DAYS * DAY
NO_RETURNS = pd.DataFrame(columns=["customer_id", "offering_id", "returned_at"])
NO_FEEDBACK = pd.DataFrame(
    columns=["customer_id", "offering_id", "submitted_at", "rating", "comment", "kind"]
)


@pytest.fixture(scope="module")
def data() -> Interactions:
    rates = {f"o{i:02d}": steady(2.0 + i) for i in range(30)}
    rates["POST"] = steady(60.0)  # postage: a charge, not demand
    return Interactions(shop(rates, DAYS, seed=3), NO_RETURNS, NO_FEEDBACK)


@pytest.fixture(scope="module")
def horizon(data) -> pd.DataFrame:
    return forecast_uptake(data, services=frozenset({"POST"}))


def test_one_row_per_offering_over_the_whole_horizon(data, horizon) -> None:
    assert tuple(horizon.columns) == FORECAST_CSV_COLUMNS
    assert sorted(horizon.offering_id) == [f"o{i:02d}" for i in range(30)]
    # The default as-of date is the day after the last order.
    assert (horizon.period_start == AS_OF).all()
    assert (horizon.period_end == AS_OF + 28 * DAY).all()
    # Biggest first; o29 sells 31 a week, about 124 in four weeks.
    assert horizon.offering_id[0] == "o29"
    assert horizon.predicted_buyers.is_monotonic_decreasing
    assert horizon.predicted_buyers[0] == pytest.approx(124, rel=0.15)
    assert (horizon.lower <= horizon.predicted_buyers).all()
    assert (horizon.predicted_buyers <= horizon.upper).all()


def test_weekly_periods_end_at_the_horizon(data) -> None:
    weekly = forecast_uptake(
        data, horizon_days=10, period="week", services=frozenset({"POST"})
    )
    assert tuple(weekly.columns) == FORECAST_CSV_COLUMNS
    assert len(weekly) == 30 * 2
    first = weekly[weekly.offering_id == "o29"]
    assert first.period_start.tolist() == [AS_OF, AS_OF + 7 * DAY]
    assert first.period_end.tolist() == [AS_OF + 7 * DAY, AS_OF + 10 * DAY]


def test_rows_at_or_after_as_of_change_nothing(data, horizon) -> None:
    later = shop({"o01": steady(300.0), "late": steady(5.0)}, DAYS + 30, seed=4)
    later = later[later.ordered_at >= AS_OF]
    more = Interactions(
        pd.concat([data.purchases, later], ignore_index=True), NO_RETURNS, NO_FEEDBACK
    )
    again = forecast_uptake(more, as_of=AS_OF, services=frozenset({"POST"}))
    pd.testing.assert_frame_equal(again, horizon)


def test_any_forecaster_can_be_used(data) -> None:
    frame = forecast_uptake(
        data,
        as_of=AS_OF - 7 * DAY,
        forecaster=MovingAverageForecaster(),
        services=frozenset({"POST"}),
    )
    naive = MovingAverageForecaster().fit(data.purchases, AS_OF - 7 * DAY)
    expected = naive.predict(frame.offering_id.tolist())
    pd.testing.assert_series_equal(frame.predicted_buyers, expected.predicted_buyers)
    assert (frame.period_start == AS_OF - 7 * DAY).all()


def test_nothing_to_learn_from_is_explained(data) -> None:
    with pytest.raises(InputDataError, match="no purchases before 2020-12-01"):
        forecast_uptake(data, as_of=pd.Timestamp("2020-12-01"))
    with pytest.raises(ValueError, match="period must be one of"):
        forecast_uptake(data, period="month")  # type: ignore[arg-type]


def test_the_csv_has_design_columns_and_plain_dates(horizon, tmp_path) -> None:
    frame = horizon.copy()
    frame.loc[0, ["lower", "upper"]] = float("nan")
    path = to_forecast_csv(frame, tmp_path / "FORECAST.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "offering_id,period_start,period_end,predicted_buyers,predicted_units,"
        "lower,upper"
    )
    first = lines[1].split(",")
    assert first[1:3] == ["2022-02-25", "2022-03-25"]
    assert first[5:] == ["", ""]  # no interval: empty, not "nan"
    back = pd.read_csv(path, dtype={"offering_id": str})
    assert len(back) == len(horizon)
    with pytest.raises(ValueError, match="no column period_start"):
        to_forecast_csv(horizon.drop(columns="period_start"), tmp_path / "x.csv")


def test_the_gap_compares_the_forecast_with_the_sum_of_probabilities() -> None:
    forecast = pd.DataFrame(
        {"offering_id": ["a", "b", "c"], "predicted_buyers": [10.0, 2.0, 0.5]}
    )
    scored = pd.DataFrame(
        {
            "customer_id": ["x", "y", "x", "z"],
            "offering_id": ["a", "a", "b", "d"],
            "probability": [0.5, 0.25, 0.5, 0.4],
        }
    )
    gap = uptake_gap(forecast, scored)
    assert list(gap.columns) == [
        "offering_id",
        "forecast_buyers",
        "sum_of_probabilities",
        "gap",
    ]
    assert gap.offering_id.tolist() == ["a", "b", "c", "d"]  # largest gap first
    assert gap.sum_of_probabilities.tolist() == [0.75, 0.5, 0.0, 0.4]
    assert gap.gap.tolist() == [9.25, 1.5, 0.5, -0.4]
    with pytest.raises(ValueError, match="period='horizon'"):
        uptake_gap(pd.concat([forecast, forecast]), scored)
