"""A backtest of predictors that know the future: every metric at its best."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from ml.backtest.run import run_backtest
from ml.demand.series import horizon_actuals, window_uptake
from ml.errors import Cancelled
from ml.models.ranker import as_interactions
from ml.plan.inputs import Exclusions
from tests.ml.builders import weekly_world

HORIZON = 7


class Oracle(BaseEstimator):
    """Pushes exactly what each customer buys next, with probability 1."""

    def __init__(self, future: pd.DataFrame | None = None, horizon_days: int = 7):
        self.future = future
        self.horizon_days = horizon_days

    def fit(self, data, as_of):
        named = self.future.dropna(subset=["customer_id"])
        end = as_of + pd.Timedelta(days=self.horizon_days)
        window = named.loc[(named.ordered_at >= as_of) & (named.ordered_at < end)]
        self.truth_ = window.groupby("customer_id")["offering_id"].agg(set)
        past = data.purchases.dropna(subset=["customer_id"])
        self.history_ = past.groupby("customer_id")["offering_id"].agg(set)
        return self

    def recommend(self, customers, k=10, *, new_only=False):
        lists = {}
        for customer in customers:
            items = self.truth_.get(customer, set())
            if new_only:
                items = items - self.history_.get(customer, set())
            lists[customer] = sorted(items)[:k]
        return lists

    def scored(self, ids, *, new_only=False):
        rows = []
        for customer in ids:
            bought = self.truth_.get(customer, set())
            for item in bought | self.history_.get(customer, set()):
                rows.append((customer, item, float(item in bought)))
        frame = pd.DataFrame(
            rows, columns=["customer_id", "offering_id", "probability"]
        )
        return frame.assign(score=frame["probability"])


class Clairvoyant:
    """A demand forecaster that reads the real buyers off the future."""

    def __init__(self, future: pd.DataFrame) -> None:
        self.future = future

    def fit(self, purchases, as_of):
        self.as_of_ = as_of
        return self

    def predict(self, offerings, horizon_days=28):
        buyers = horizon_actuals(self.future, self.as_of_, horizon_days)
        values = buyers.reindex(list(offerings), fill_value=0).to_numpy(float)
        return pd.DataFrame(
            {
                "offering_id": list(offerings),
                "predicted_buyers": values,
                "predicted_units": values,
                "lower": values,
                "upper": values,
            }
        )

    def predict_weekly(self, offerings, horizon_days=28):
        frames = []
        for week in range(math.ceil(horizon_days / 7)):
            start = self.as_of_ + pd.Timedelta(days=7 * week)
            buyers = window_uptake(self.future, start, start + pd.Timedelta(days=7))
            values = buyers["buyers"].reindex(list(offerings), fill_value=0)
            frames.append(
                pd.DataFrame(
                    {
                        "offering_id": list(offerings),
                        "week_start": start,
                        "predicted_buyers": values.to_numpy(float),
                        "predicted_units": values.to_numpy(float),
                        "lower": values.to_numpy(float),
                        "upper": values.to_numpy(float),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return weekly_world()


@pytest.fixture(scope="module")
def report(world):
    # p7 is a service line here: the backtest drops it, so the truth has none.
    future = world.loc[world["offering_id"] != "p7"]
    return run_backtest(
        as_interactions(world),
        folds=2,
        horizon_days=HORIZON,
        ranker=Oracle(future, HORIZON),
        baselines={},
        demand={"Pushwise": Clairvoyant(future)},
        totals={},
        exclusions=Exclusions(frozenset(), frozenset(), services=frozenset({"p7"})),
    )


def test_a_perfect_push_list_has_recall_one_in_every_mode(report) -> None:
    metrics = report.list_metrics
    assert set(metrics["mode"]) == {"all", "repeat", "new"}
    for column in ("recall", "ndcg", "hit_rate", "map"):
        assert (metrics[column] == 1.0).all(), column


def test_perfect_probabilities_are_calibrated(report) -> None:
    calibration = report.calibration
    np.testing.assert_allclose(calibration["predicted"], calibration["observed"])


def test_a_perfect_gains_curve_catches_all_uptake_first(report) -> None:
    for _, curve in report.gains.groupby("fold"):
        caught = curve.loc[curve["share_of_uptake"] >= 1.0 - 1e-12]
        # Contacting more than the takers' share catches everything.
        assert caught["share_contacted"].min() <= 0.5
        assert curve["share_of_uptake"].is_monotonic_increasing


def test_the_plans_predicted_uptake_is_what_happened(report) -> None:
    np.testing.assert_allclose(report.uptake["predicted"], report.uptake["actual"])
    assert (report.uptake["actual"] > 0).all()


def test_a_perfect_demand_forecast_has_no_error_and_full_coverage(report) -> None:
    metrics = report.demand_metrics
    assert metrics["wape"].tolist() == [0.0, 0.0]
    assert metrics["bias"].tolist() == [0.0, 0.0]
    assert metrics["coverage"].tolist() == [1.0, 1.0]
    weekly = report.demand_weekly
    assert (weekly["predicted_buyers"] == weekly["actual_buyers"]).all()


def test_service_lines_are_left_out_like_in_planning(report, world) -> None:
    assert "p7" not in set(report.demand_weekly["offering_id"])
    assert (report.folds["offerings"] == world["offering_id"].nunique() - 1).all()


def test_a_cancel_stops_between_steps(world) -> None:
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        run_backtest(
            as_interactions(world),
            folds=2,
            horizon_days=HORIZON,
            ranker=Oracle(world, HORIZON),
            demand={},
            stop_requested=stop,
        )
    assert len(asked) == 3
