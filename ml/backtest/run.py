"""Rolling-origin backtests: the same machinery as planning, run at earlier
as-of dates and compared with what customers really bought afterwards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
from sklearn.base import clone

from ml import compute
from ml.backtest.demand import demand_rows, total_rows
from ml.backtest.lists import (
    ListScores,
    PreferenceModel,
    evaluated_customers,
    list_rows,
    plan_list_rows,
)
from ml.backtest.pairs import (
    baseline_scores,
    calibration_table,
    gains_table,
    taken_up,
)
from ml.backtest.report import (
    BASELINE_GAINS_COLUMNS,
    CALIBRATION_COLUMNS,
    CUSTOMER_RECALL_COLUMNS,
    DEMAND_METRIC_COLUMNS,
    DEMAND_WEEKLY_COLUMNS,
    FOLD_COLUMNS,
    GAINS_COLUMNS,
    LIST_COLUMNS,
    PLAN,
    PUSHWISE,
    TOTAL_LEVEL,
    UPTAKE_COLUMNS,
    BacktestReport,
    empty,
    typed,
)
from ml.columns import Columns
from ml.dataset import Interactions
from ml.demand.base import DemandForecaster
from ml.demand.baselines import MovingAverageForecaster, SeasonalNaiveForecaster
from ml.demand.gbm import GradientBoostingDemandForecaster
from ml.demand.series import protocol_offerings
from ml.demand.totals import NAIVE, GroupTotalsForecaster
from ml.errors import InputDataError
from ml.evaluation.split import Split, rolling_origins
from ml.models.base import Recommender
from ml.models.baselines import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules
from ml.plan.inputs import Exclusions
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report

C = Columns
NO_CATEGORY = "(no category)"
# Demand is scored on the offerings with the most purchase lines before each
# as-of date, as BENCHMARK_PROTOCOL.md does (None in run_backtest: all).
DEMAND_OFFERINGS = 500


def list_ladder() -> dict[str, Recommender]:
    """The list baselines, simplest first, with their default parameters."""
    return {
        "popularity": PopularityRecommender(),
        "personal frequency": PersonalFrequencyRecommender(),
        "item-kNN": ItemKNNRecommender(),
        "TIFU-KNN": TifuKNNRecommender(),
    }


def demand_ladder(horizon_days: int = 28) -> dict[str, DemandForecaster]:
    """Pushwise's demand model (trained for this horizon) and the demand
    baselines, by method name."""
    return {
        PUSHWISE: GradientBoostingDemandForecaster(horizon_days=horizon_days),
        "seasonal naive": SeasonalNaiveForecaster(),
        "moving average": MovingAverageForecaster(),
    }


def totals_ladder(horizon_days: int = 28) -> dict[str, GroupTotalsForecaster]:
    """Pushwise's forecast of the total as a series of its own, and the
    moving average of its last four weeks, by method name."""
    return {
        PUSHWISE: GroupTotalsForecaster(horizon_days),
        "moving average": GroupTotalsForecaster(horizon_days, methods=(NAIVE,)),
    }


def by_category(purchases: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """The purchases with each offering replaced by its category."""
    known = categories.loc[~categories.index.duplicated()].astype(object)
    category = purchases[C.OFFERING].map(known).fillna(NO_CATEGORY)
    return purchases.assign(**{C.OFFERING: category.astype(object)})


def run_backtest(
    data: Interactions,
    *,
    folds: int = 4,
    horizon_days: int = 28,
    k: int = 10,
    as_of: pd.Timestamp | str | None = None,
    exclusions: Exclusions | None = None,
    categories: pd.Series | None = None,
    ranker: PreferenceModel | None = None,
    baselines: Mapping[str, Recommender] | None = None,
    demand: Mapping[str, DemandForecaster] | None = None,
    demand_offerings: int | None = DEMAND_OFFERINGS,
    totals: Mapping[str, GroupTotalsForecaster] | None = None,
    rules: PlanRules | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> BacktestReport:
    """Backtest push lists, pair probabilities and demand at `folds` earlier dates.

    The newest as-of date is `as_of` (default: the last `horizon_days` complete
    days are its test window), each earlier one `horizon_days` before the
    next (ml.evaluation.split.rolling_origins). At each, Pushwise (`ranker`,
    an unfitted TwoStageRanker by default, cloned per fold), the list
    baselines (`baselines`, default list_ladder()) and the demand methods
    (`demand`, default demand_ladder(horizon_days), copied per fold) learn
    from the rows before it only; the window after it is the truth. Service
    lines in `exclusions` are dropped first, as planning does; opted-out
    customers and inactive offerings are left out of the plan whose uptake
    is measured. `categories` (offering_id -> category, e.g. ml.features.
    categories.load_categories) adds demand per category; `demand_offerings`
    caps the offerings whose demand is scored (the biggest by purchase lines).
    The total of all offerings (every offering's buyers added up) is
    forecast by `totals` (default totals_ladder(horizon_days); {} for none).
    The push plan as the user gets it, Pushwise's candidates through `rules`
    (default PlanRules(); their cap gives way to k), is scored beside the
    model alone as method "Pushwise plan"; its top-k rows are the plan whose
    uptake is measured.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number >= 1, got {k!r}")
    template = TwoStageRanker(horizon_days=horizon_days) if ranker is None else ranker
    if template.horizon_days != horizon_days:
        raise ValueError(
            f"the ranker predicts {template.horizon_days} days ahead, the backtest "
            f"window is {horizon_days} days; give them the same horizon."
        )
    settings = _Settings(
        k=k,
        template=template,
        ladder=list_ladder() if baselines is None else dict(baselines),
        forecasters=demand_ladder(horizon_days) if demand is None else dict(demand),
        totals=totals_ladder(horizon_days) if totals is None else dict(totals),
        exclusions=Exclusions() if exclusions is None else exclusions,
        demand_offerings=demand_offerings,
        rules=PlanRules() if rules is None else rules,
    )
    data = data.without_offerings(settings.exclusions.services)
    splits = rolling_origins(
        data.purchases, horizon_days=horizon_days, folds=folds, as_of=as_of
    )
    levels = {"offering": splits}
    if categories is not None and len(categories):
        grouped = by_category(data.purchases, categories)
        levels["category"] = rolling_origins(
            grouped, horizon_days=horizon_days, folds=folds, as_of=splits[-1].as_of
        )
    steps = 4 + len(settings.ladder) + len(levels) * len(settings.forecasters)
    steps += 1 if settings.totals else 0  # the total of all offerings
    tick = _Ticker(report, stop_requested, steps * len(splits))
    executor = compute.current()
    # On a cluster the folds run side by side, each on one worker; progress
    # is then reported as each fold finishes, not step by step inside it.
    fold_tick = _Ticker(no_report, never, tick.total) if executor.remote else tick
    jobs = [
        (
            _Fold(index + 1, len(splits), split),
            {level: chosen[index] for level, chosen in levels.items()},
            fold_tick,
        )
        for index, split in enumerate(splits)
    ]

    def fold_done(count: int) -> None:
        if executor.remote:
            report(count / len(jobs), f"Checked {count} of {len(jobs)} earlier dates")

    fold_done(0)
    folds_rows = executor.map(
        _fold_rows,
        jobs,
        (settings, data),
        stop_requested=stop_requested,
        done=fold_done,
    )
    tables: dict[str, list[pd.DataFrame]] = {name: [] for name in _TABLES}
    for (fold, _, _), rows in zip(jobs, folds_rows, strict=True):
        for name, frame in rows:
            tables[name].append(frame.assign(fold=fold.number, as_of=fold.split.as_of))
    report(1.0, "Backtest finished")
    return BacktestReport(
        **{
            name: typed(pd.concat(frames, ignore_index=True), columns)
            if frames
            else empty(columns)
            for (name, frames), columns in zip(
                tables.items(), _TABLES.values(), strict=True
            )
        }
    )


@dataclass(frozen=True, slots=True)
class _Settings:
    k: int
    template: PreferenceModel
    ladder: dict[str, Recommender]
    forecasters: dict[str, DemandForecaster]
    totals: dict[str, GroupTotalsForecaster]
    exclusions: Exclusions
    demand_offerings: int | None
    rules: PlanRules


@dataclass(frozen=True, slots=True)
class _Fold:
    number: int
    of: int
    split: Split

    def label(self, message: str) -> str:
        return (
            f"Checking at earlier date {self.number} of {self.of} "
            f"(as of {self.split.as_of:%d %b %Y}): {message}"
        )


class _Ticker:
    """Counts finished steps: checks for a cancel, then reports the next one."""

    def __init__(self, report: ReportFn, stop_requested: StopFn, total: int) -> None:
        self.report = report
        self.stop_requested = stop_requested
        self.total = total
        self.done = 0

    def __call__(self, message: str) -> None:
        check_cancel(self.stop_requested)
        self.report(self.done / self.total, message)
        self.done += 1


def _fold_rows(
    settings: _Settings,
    data: Interactions,
    job: tuple[_Fold, dict[str, Split], _Ticker],
) -> list[tuple[str, pd.DataFrame]]:
    """Every table's rows for one fold (a task of its own on a cluster)."""
    fold, by_level, tick = job
    return list(_fold_tables(settings, data, fold, by_level, tick))


def _fold_tables(
    settings: _Settings,
    data: Interactions,
    fold: _Fold,
    by_level: dict[str, Split],
    tick: _Ticker,
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every table's rows for one fold, as (table name, rows) pairs."""
    split = fold.split
    yield "folds", _fold_row(split)
    tick(fold.label("learning Pushwise's preferences"))
    past = data.before(split.as_of)
    model = _fit_ranker(settings.template, past, fold)
    tick(fold.label("scoring Pushwise's push lists"))
    evaluated = evaluated_customers(split)
    scores = list_rows(model, split, k=settings.k, customers=evaluated)
    yield "list_metrics", _listed(scores.rows, PUSHWISE)
    yield "customer_recall", _recall(scores, PUSHWISE)
    tick(fold.label("comparing probabilities with uptake"))
    customers = sorted(past.purchases[C.CUSTOMER].dropna().unique())
    scored = model.scored(customers)
    taken = taken_up(scored, split)
    yield "gains", gains_table(scored["score"].to_numpy(), taken)
    yield "calibration", calibration_table(scored["probability"].to_numpy(), taken)
    tick(fold.label("scoring the push plan with the rules on"))
    plan = plan_list_rows(
        model,
        scored,
        past,
        split,
        k=settings.k,
        customers=evaluated,
        rules=settings.rules,
        exclusions=settings.exclusions,
    )
    yield "list_metrics", _listed(plan.rows, PLAN)
    yield "uptake", _plan_uptake(plan.top, split)
    for name, baseline in settings.ladder.items():
        tick(fold.label(f"the {name} baseline"))
        fitted = clone(baseline).fit(split.train, split.as_of)
        scores = list_rows(fitted, split, k=settings.k, customers=evaluated)
        yield "list_metrics", _listed(scores.rows, name)
        yield "customer_recall", _recall(scores, name)
        gains = gains_table(baseline_scores(fitted, scored), taken)
        yield "baseline_gains", gains.assign(method=name)
    for level, level_split in by_level.items():
        offerings = protocol_offerings(
            level_split.train,
            level_split.as_of,
            level="item" if level == "offering" else "category",
            n=len(level_split.train)
            if settings.demand_offerings is None
            else settings.demand_offerings,
        )
        for name, forecaster in settings.forecasters.items():
            tick(fold.label(f"forecasting demand per {level} ({name})"))
            weekly, metrics = demand_rows(forecaster, level_split, offerings)
            yield "demand_weekly", weekly.assign(method=name, level=level)
            yield (
                "demand_metrics",
                pd.DataFrame([metrics]).assign(method=name, level=level),
            )
    if settings.totals:
        tick(fold.label("forecasting the total of all offerings"))
        for name, weekly, metrics in total_rows(split, settings.totals):
            yield "demand_weekly", weekly.assign(method=name, level=TOTAL_LEVEL)
            yield (
                "demand_metrics",
                pd.DataFrame([metrics]).assign(method=name, level=TOTAL_LEVEL),
            )


_TABLES = {
    "folds": FOLD_COLUMNS,
    "list_metrics": LIST_COLUMNS,
    "gains": GAINS_COLUMNS,
    "baseline_gains": BASELINE_GAINS_COLUMNS,
    "calibration": CALIBRATION_COLUMNS,
    "uptake": UPTAKE_COLUMNS,
    "demand_weekly": DEMAND_WEEKLY_COLUMNS,
    "demand_metrics": DEMAND_METRIC_COLUMNS,
    "customer_recall": CUSTOMER_RECALL_COLUMNS,
}


def _fit_ranker(
    template: PreferenceModel, past: Interactions, fold: _Fold
) -> PreferenceModel:
    """A fresh clone of the template fitted as of the fold's date."""
    model: PreferenceModel = clone(template)
    try:
        return model.fit(past, fold.split.as_of)
    except InputDataError as error:
        raise InputDataError(
            f"backtest fold {fold.number} of {fold.of}, as of "
            f"{fold.split.as_of:%Y-%m-%d}: {error.reason}",
            hint="Ask for fewer folds or a shorter horizon.",
        ) from error


def _fold_row(split: Split) -> pd.DataFrame:
    train = split.train
    return pd.DataFrame(
        {
            "horizon_end": [split.test_end],
            "customers": [train[C.CUSTOMER].dropna().nunique()],
            "offerings": [train[C.OFFERING].nunique()],
        }
    )


def _listed(rows: list[dict[str, object]], method: str) -> pd.DataFrame:
    return pd.DataFrame(rows).assign(method=method)


def _recall(scores: ListScores, method: str) -> pd.DataFrame:
    """Each evaluated customer's recall (mode all) under one method."""
    return scores.recall.rename("recall").reset_index().assign(method=method)


def _plan_uptake(top: pd.DataFrame, split: Split) -> pd.DataFrame:
    """The top-k push plan's expected uptake (sum of its probabilities) against
    the pairs of it really taken up in the window."""
    return pd.DataFrame(
        {
            "predicted": [float(top["probability"].sum())],
            "actual": [float(taken_up(top, split).sum())],
        }
    )
