"""Rolling-origin backtests on a small weekly world with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.backtest.report import (
    BASELINE_GAINS_COLUMNS,
    CALIBRATION_COLUMNS,
    DEMAND_METRIC_COLUMNS,
    DEMAND_WEEKLY_COLUMNS,
    FOLD_COLUMNS,
    GAINS_COLUMNS,
    LIST_COLUMNS,
    SUMMARY_COLUMNS,
    UPTAKE_COLUMNS,
    BacktestReport,
)
from ml.backtest.run import run_backtest
from ml.demand import MovingAverageForecaster
from ml.demand.gbm import GradientBoostingDemandForecaster
from ml.errors import InputDataError
from ml.evaluation import relevant_items, rolling_origins
from ml.models import PopularityRecommender, TwoStageRanker
from ml.models.baselines import PersonalFrequencyRecommender
from ml.models.ranker import as_interactions
from ml.plan import PlanRules
from tests.ml.builders import SMALL_RANKER, weekly_world

HORIZON = 7
CATEGORIES = pd.Series(
    {f"p{i}": "staples" if i < 5 else "extras" for i in range(25)}, name="category"
)
LADDER = ["popularity", "personal frequency", "item-kNN", "TIFU-KNN"]
# Three weekly training windows are enough for this world and twice as fast.
RANKER = {**SMALL_RANKER, "training_windows": 3}


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return weekly_world()


@pytest.fixture(scope="module")
def progress() -> list[tuple[float, str]]:
    return []


@pytest.fixture(scope="module")
def report(world, progress) -> BacktestReport:
    return run_backtest(
        as_interactions(world),
        folds=2,
        horizon_days=HORIZON,
        ranker=TwoStageRanker(**RANKER),
        categories=CATEGORIES,
        report=lambda fraction, message: progress.append((fraction, message)),
    )


def test_every_table_has_the_contract_columns(report) -> None:
    for name, columns in [
        ("folds", FOLD_COLUMNS),
        ("list_metrics", LIST_COLUMNS),
        ("gains", GAINS_COLUMNS),
        ("baseline_gains", BASELINE_GAINS_COLUMNS),
        ("calibration", CALIBRATION_COLUMNS),
        ("uptake", UPTAKE_COLUMNS),
        ("demand_weekly", DEMAND_WEEKLY_COLUMNS),
        ("demand_metrics", DEMAND_METRIC_COLUMNS),
    ]:
        frame = getattr(report, name)
        assert tuple(frame.columns) == columns, name
        assert len(frame), name
    assert tuple(report.summary().columns) == SUMMARY_COLUMNS


def test_folds_step_back_one_horizon_and_end_with_the_last_complete_days(
    report, world
) -> None:
    folds = report.folds
    assert folds["fold"].tolist() == [1, 2]
    last_day = world["ordered_at"].max().normalize()
    assert folds["horizon_end"].iloc[-1] == last_day + pd.Timedelta(days=1)
    assert (folds["horizon_end"] - folds["as_of"] == pd.Timedelta(days=7)).all()
    assert folds["as_of"].iloc[1] == folds["horizon_end"].iloc[0]
    assert folds["customers"].tolist() == [41, 41]


def test_evaluated_customers_per_mode_are_the_protocols(report, world) -> None:
    splits = rolling_origins(world, horizon_days=HORIZON, folds=2)
    rows = report.list_metrics.set_index(["fold", "method", "mode"])
    for fold, split in enumerate(splits, start=1):
        for mode in ("all", "repeat", "new"):
            expected = len(relevant_items(split, mode))
            for method in ["Pushwise", "Pushwise plan", *LADDER]:
                assert rows.loc[(fold, method, mode), "customers"] == expected


def test_staples_are_repeats_and_pushwise_finds_them(report) -> None:
    summary = report.summary().set_index(["method", "mode"])
    # Every customer re-buys their weekly staple: the repeat list catches it.
    assert summary.loc[("Pushwise", "repeat"), "recall"] > 0.8
    assert summary.loc[("Pushwise", "repeat"), "hit_rate"] == 1.0
    # Extras are random: new offerings are the hard case.
    assert (
        summary.loc[("Pushwise", "new"), "recall"]
        < summary.loc[("Pushwise", "repeat"), "recall"]
    )
    assert (
        summary.loc[("Pushwise", "all"), "recall"]
        > summary.loc[("popularity", "all"), "recall"]
    )
    order = ["Pushwise", "Pushwise plan", *LADDER]
    assert list(summary.index.get_level_values(0)[:6]) == order


def test_the_plan_with_the_default_rules_keeps_the_weekly_staples(report) -> None:
    """The default hold-back does not hold back what is due every week: the
    plan catches the repeats as the model alone does."""
    summary = report.summary().set_index(["method", "mode"])
    plan, model = summary.loc["Pushwise plan"], summary.loc["Pushwise"]
    assert plan.loc["repeat", "recall"] >= model.loc["repeat", "recall"] - 0.05
    assert plan.loc["all", "recall"] > summary.loc[("popularity", "all"), "recall"]


def test_gains_curves_rise_to_everything_when_everyone_is_contacted(report) -> None:
    curves = pd.concat(
        [report.gains.assign(method="Pushwise"), report.baseline_gains]
    ).groupby(["fold", "method"])
    assert curves.ngroups == 2 * 5
    for (_, method), curve in curves:
        assert curve["share_of_uptake"].is_monotonic_increasing, method
        assert curve["share_contacted"].iloc[-1] == 1.0
        assert curve["share_of_uptake"].iloc[-1] == pytest.approx(1.0)
    pushwise = report.gains.loc[report.gains["share_contacted"] == 0.1]
    assert (pushwise["lift"] > 2).all()  # far better than contacting at random


def test_calibration_deciles_hold_every_scored_pair_and_track_uptake(report) -> None:
    for _, table in report.calibration.groupby("fold"):
        assert table["decile"].tolist() == list(range(1, 11))
        assert table["predicted"].is_monotonic_increasing
        assert table["pairs"].max() - table["pairs"].min() <= 1
        gap = np.average(
            (table["predicted"] - table["observed"]).abs(), weights=table["pairs"]
        )
        assert gap < 0.1


def test_the_plans_expected_uptake_is_near_the_real_one(report) -> None:
    uptake = report.uptake
    assert len(uptake) == 2
    assert ((uptake["predicted"] / uptake["actual"]).between(0.5, 2.0)).all()


def test_weekly_actual_buyers_are_the_distinct_customers_of_each_week(
    report, world
) -> None:
    weekly = report.demand_weekly
    assert set(weekly["level"]) == {"offering", "category", "total"}
    assert set(weekly["method"]) == {"Pushwise", "seasonal naive", "moving average"}
    named = world.dropna(subset=["customer_id"])
    for as_of in report.folds["as_of"]:
        week = named.loc[
            (named["ordered_at"] >= as_of)
            & (named["ordered_at"] < as_of + pd.Timedelta(days=7))
        ]
        for level, key in [
            ("offering", week["offering_id"]),
            ("category", week["offering_id"].map(CATEGORIES).fillna("(no category)")),
        ]:
            expected = week.groupby(key)["customer_id"].nunique()
            rows = weekly.loc[
                (weekly["as_of"] == as_of)
                & (weekly["level"] == level)
                & (weekly["method"] == "moving average")
            ].set_index("offering_id")
            assert (rows["week_start"] == as_of).all()
            got = rows["actual_buyers"]
            assert got.reindex(expected.index).tolist() == expected.tolist()
            assert (got.drop(expected.index) == 0).all()  # e.g. p7: anonymous only
    assert weekly["predicted_buyers"].notna().all()


def test_the_total_is_every_offerings_weekly_buyers_added_up(report) -> None:
    weekly = report.demand_weekly
    offerings = weekly.loc[
        (weekly["level"] == "offering") & (weekly["method"] == "moving average")
    ]
    added = offerings.groupby(["as_of", "week_start"])["actual_buyers"].sum()
    total = weekly.loc[weekly["level"] == "total"]
    assert set(total["offering_id"]) == {"all offerings"}
    assert set(total["method"]) == {"Pushwise", "moving average"}
    for _, rows in total.groupby("method"):
        got = rows.set_index(["as_of", "week_start"])["actual_buyers"]
        assert got.sort_index().tolist() == added.sort_index().tolist()
    pushwise = total.loc[total["method"] == "Pushwise"]
    assert (pushwise["lower"] <= pushwise["predicted_buyers"]).all()
    assert (pushwise["predicted_buyers"] <= pushwise["upper"]).all()


def test_demand_metrics_come_per_fold_method_and_level(report) -> None:
    metrics = report.demand_metrics
    # folds x (3 methods x 2 levels + Pushwise and the average for the total)
    assert len(metrics) == 2 * (3 * 2 + 2)
    staples = metrics.loc[metrics["level"] == "category", "offerings"]
    assert (staples == 3).all()  # staples, extras and X's "(no category)"
    assert metrics["wape"].between(0, 2).all()
    # Coverage per level: Pushwise's interval, for offerings, categories and the total.
    pushwise = metrics.loc[metrics["method"] == "Pushwise"].set_index("level")
    assert pushwise["coverage"].notna().all()
    assert set(pushwise.index) == {"offering", "category", "total"}


def test_progress_runs_from_zero_to_one_fold_by_fold(progress) -> None:
    fractions = [fraction for fraction, _ in progress]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert progress[0][1].startswith("Checking at earlier date 1 of 2 (as of ")
    assert any(
        message.startswith("Checking at earlier date 2 of 2") for _, message in progress
    )
    assert not any("Fold" in message for _, message in progress)  # no jargon


def test_write_then_read_gives_the_same_report(report, tmp_path) -> None:
    written = report.write(tmp_path / "report")
    assert sorted(path.name for path in written) == sorted(
        [
            "folds.csv",
            "list_metrics.csv",
            "gains.csv",
            "baseline_gains.csv",
            "calibration.csv",
            "uptake.csv",
            "demand_weekly.csv",
            "demand_metrics.csv",
            "customer_recall.csv",
            "summary.csv",
        ]
    )
    again = BacktestReport.read(tmp_path / "report")
    for name in ("folds", "list_metrics", "gains", "demand_weekly", "demand_metrics"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(report, name))
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "report" / "summary.csv"),
        report.summary(),
        check_dtype=False,
    )


def test_headline_compares_pushwise_with_the_best_simple_rule(report) -> None:
    text = report.headline()
    assert text.startswith(
        "Of the customers who bought something in the 7 days after each of 2 "
        "earlier dates, the top-10 push list caught "
    )
    assert "the best simple rule (" in text
    assert " Its forecast of buyers per offering was off by " in text


def test_too_many_folds_for_the_history_is_a_plain_error(world) -> None:
    with pytest.raises(InputDataError, match="fewer folds"):
        run_backtest(as_interactions(world), folds=40, horizon_days=HORIZON)


def test_the_ranker_must_predict_the_backtest_horizon(world) -> None:
    with pytest.raises(ValueError, match="same horizon"):
        run_backtest(
            as_interactions(world),
            horizon_days=14,
            ranker=TwoStageRanker(**RANKER),
        )


SEEN: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []


class SpyRanker(TwoStageRanker):
    def fit(self, data, as_of):
        SEEN.append(("ranker", pd.Timestamp(as_of), data.purchases.ordered_at.max()))
        return super().fit(data, as_of)


class SpyPopularity(PopularityRecommender):
    def fit(self, purchases, as_of):
        SEEN.append(("popularity", pd.Timestamp(as_of), purchases.ordered_at.max()))
        return super().fit(purchases, as_of)


class SpyAverage(MovingAverageForecaster):
    def fit(self, purchases, as_of):
        SEEN.append(("demand", pd.Timestamp(as_of), purchases.ordered_at.max()))
        return super().fit(purchases, as_of)


@pytest.mark.slow
def test_folds_do_not_leak_the_future(report, world) -> None:
    """Every model sees only rows before its fold's as-of date, so changing
    everything from fold 1's as-of date on leaves fold 1's predictions alone."""
    first = report.folds["as_of"].iloc[0]
    other = weekly_world(seed=5)
    changed = pd.concat(
        [world.loc[world.ordered_at < first], other.loc[other.ordered_at >= first]],
        ignore_index=True,
    )
    SEEN.clear()
    again = run_backtest(
        as_interactions(changed),
        folds=2,
        horizon_days=HORIZON,
        as_of=report.folds["as_of"].iloc[-1],
        ranker=SpyRanker(**RANKER),
        baselines={"popularity": SpyPopularity()},
        demand={
            "Pushwise": GradientBoostingDemandForecaster(horizon_days=HORIZON),
            "moving average": SpyAverage(),
        },
    )
    assert {kind for kind, _, _ in SEEN} == {"ranker", "popularity", "demand"}
    assert all(seen < as_of for _, as_of, seen in SEEN)
    assert sorted({as_of for _, as_of, _ in SEEN}) == report.folds["as_of"].tolist()

    def fold_one(rep: BacktestReport, name: str, columns: list[str]) -> pd.DataFrame:
        frame = getattr(rep, name)
        if "method" in frame.columns:
            frame = frame.loc[frame["method"].isin(["Pushwise", "moving average"])]
        if "level" in frame.columns:
            frame = frame.loc[frame["level"] == "offering"]
        return frame.loc[frame["fold"] == 1, columns].reset_index(drop=True)

    for name, columns in [
        ("calibration", ["decile", "predicted", "pairs"]),
        ("uptake", ["predicted"]),
        (
            "demand_weekly",
            ["method", "offering_id", "predicted_buyers", "lower", "upper"],
        ),
    ]:
        pd.testing.assert_frame_equal(
            fold_one(again, name, columns), fold_one(report, name, columns)
        )
    # The truth did change: fold 1's uptake is measured on the new rows.
    assert not fold_one(again, "uptake", ["actual"]).equals(
        fold_one(report, "uptake", ["actual"])
    )


def test_rules_that_cost_uptake_show_in_the_plan_row(world) -> None:
    """Holding back two weeks after a purchase drops the weekly staples: the
    plan falls below the simple rule, and the headline says so."""
    hurt = run_backtest(
        as_interactions(world),
        folds=1,
        horizon_days=HORIZON,
        ranker=TwoStageRanker(**RANKER),
        baselines={"personal frequency": PersonalFrequencyRecommender()},
        demand={"moving average": MovingAverageForecaster()},
        rules=PlanRules(recent_purchase_days=14),
    )
    summary = hurt.summary().set_index(["method", "mode"])["recall"]
    assert summary[("Pushwise plan", "repeat")] < 0.5
    assert (
        summary[("Pushwise plan", "repeat")] < summary[("personal frequency", "repeat")]
    )
    assert summary[("Pushwise", "repeat")] > 0.8  # the model alone is unchanged
    assert "less than the best simple rule (the rules cost" in hurt.headline()
