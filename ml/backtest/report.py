"""The result of a backtest: tidy tables that charts and exports read as they are."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import Self

import pandas as pd

from ml.columns import Columns
from ml.errors import ProjectError
from ml.evaluation.metrics import bootstrap_interval
from ml.safecells import write_safe_csv

C = Columns

PUSHWISE = "Pushwise"
# The push plan as the user gets it: Pushwise's lists with the push rules on.
PLAN = "Pushwise plan"
# The baseline ladder, simplest first (list methods, then demand methods).
LIST_BASELINES = ("popularity", "personal frequency", "item-kNN", "TIFU-KNN")
# Every list method in the order tables and charts show them.
LIST_METHODS = (PUSHWISE, PLAN, *LIST_BASELINES)
DEMAND_BASELINES = ("seasonal naive", "moving average")
TOTAL_LEVEL = "total"  # demand rows of the total of all offerings,
TOTAL = "all offerings"  # whose offering_id is this
MODES = ("all", "repeat", "new")
# The methods as a marketing user reads them (charts, headline, model card).
PLAIN_NAMES = {
    PUSHWISE: "Pushwise",
    PLAN: "Pushwise with the push rules",
    "popularity": "Push the best sellers",
    "personal frequency": "Push what they buy most",
    "item-kNN": "Push what similar buyers bought",
    "TIFU-KNN": "Push what similar customers bought lately",
    "seasonal naive": "Same weeks a year before",
    "moving average": "Average of the last 4 weeks",
}
METRICS = ("recall", "precision", "ndcg", "hit_rate", "map", "coverage")

FOLD_COLUMNS = ("fold", "as_of", "horizon_end", "customers", "offerings")
LIST_COLUMNS = ("fold", "as_of", "method", "mode", "k", "customers", *METRICS)
GAINS_COLUMNS = ("fold", "as_of", "share_contacted", "share_of_uptake", "lift")
BASELINE_GAINS_COLUMNS = (
    "fold",
    "as_of",
    "method",
    "share_contacted",
    "share_of_uptake",
    "lift",
)
CALIBRATION_COLUMNS = ("fold", "as_of", "decile", "predicted", "observed", "pairs")
UPTAKE_COLUMNS = ("fold", "as_of", "predicted", "actual")
DEMAND_WEEKLY_COLUMNS = (
    "fold",
    "as_of",
    "method",
    "level",
    C.OFFERING,
    "week_start",
    "predicted_buyers",
    "actual_buyers",
    "lower",
    "upper",
)
DEMAND_METRIC_COLUMNS = (
    "fold",
    "as_of",
    "method",
    "level",
    "wape",
    "mae",
    "bias",
    "coverage",
    "offerings",
)
CUSTOMER_RECALL_COLUMNS = ("fold", "method", C.CUSTOMER, "recall")
SUMMARY_COLUMNS = ("method", "mode", "k", "folds", "customers", *METRICS)

# One dtype per column name, whatever table it is in, so that a report read
# back from its CSV files equals the one that wrote them.
_DATES = ("as_of", "horizon_end", "week_start")
_WHOLE = ("fold", "customers", "offerings", "k", "decile", "pairs", "folds")
_TEXT = ("method", "mode", "level", C.OFFERING, C.CUSTOMER)


def typed(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The frame with exactly these columns, in this order, in the report's dtypes."""
    out = frame.loc[:, list(columns)].reset_index(drop=True)
    for name in columns:
        if name in _DATES:
            out[name] = pd.to_datetime(out[name]).astype("datetime64[ns]")
        elif name in _WHOLE:
            out[name] = out[name].astype("int64")
        elif name in _TEXT:
            out[name] = out[name].astype(object)
        else:
            out[name] = out[name].astype("float64")
    return out


def empty(columns: tuple[str, ...]) -> pd.DataFrame:
    """A table with the given columns and no rows, in the report's dtypes."""
    return typed(pd.DataFrame({name: [] for name in columns}), columns)


# eq=False: the fields are DataFrames, whose == is element-wise.
@dataclass(frozen=True, slots=True, eq=False)
class BacktestReport:
    """Predicted against actual at several earlier as-of dates (one per fold).

    folds: fold (1 = oldest), as_of, horizon_end, customers (with a purchase
        before as_of), offerings (with a purchase before as_of).
    list_metrics: fold, as_of, method, mode ("all" | "repeat" | "new"), k,
        customers (evaluated), recall, precision, ndcg, hit_rate, map, coverage;
        methods "Pushwise" (the model alone), "Pushwise plan" (its lists
        through the push rules, as the user gets them) and the ladder of
        LIST_BASELINES.
    gains: fold, as_of, share_contacted, share_of_uptake, lift: Pushwise's
        scored pairs contacted best first (100 points, 1% .. 100%).
    baseline_gains: the same, with a method column, for the list baselines
        ranking the same pairs by their own scores.
    calibration: fold, as_of, decile (1..10 of predicted probability),
        predicted (mean), observed (uptake rate), pairs.
    uptake: fold, as_of, predicted (sum of the probabilities of Pushwise's
        top-k plan), actual (the plan's pairs really taken up).
    demand_weekly: fold, as_of, method ("Pushwise" and DEMAND_BASELINES), level
        ("offering" | "category" | "total"), offering_id, week_start,
        predicted_buyers, actual_buyers, lower, upper. The "total" rows
        (offering_id "all offerings") add up every offering's buyers; their
        Pushwise forecast and band are the total's own (GroupTotalsForecaster).
    demand_metrics: fold, as_of, method, level, wape, mae, bias, coverage
        (share of actuals inside the interval), offerings: buyers per
        offering, category or of the total over the whole horizon.
    customer_recall: fold, method, customer_id, recall: each evaluated
        customer's recall@k in mode "all", for Pushwise and the list
        baselines (what recall_gain pairs).
    """

    folds: pd.DataFrame
    list_metrics: pd.DataFrame
    gains: pd.DataFrame
    baseline_gains: pd.DataFrame
    calibration: pd.DataFrame
    uptake: pd.DataFrame
    demand_weekly: pd.DataFrame
    demand_metrics: pd.DataFrame
    customer_recall: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """List metrics averaged over the folds, per method and mode.

        Columns: method, mode, k, folds, customers (mean per fold), recall,
        precision, ndcg, hit_rate, map, coverage; modes in the order all,
        repeat, new and Pushwise, then its plan, before the ladder.
        """
        frame = self.list_metrics
        if frame.empty:
            return empty(SUMMARY_COLUMNS)
        grouped = frame.groupby(["method", "mode", "k"], sort=False)
        out = grouped[["customers", *METRICS]].mean()
        out.insert(0, "folds", grouped["fold"].nunique())
        out = out.reset_index()
        order = {name: i for i, name in enumerate(LIST_METHODS)}
        out["_mode"] = out["mode"].map({m: i for i, m in enumerate(MODES)})
        out["_method"] = out["method"].map(order).fillna(len(order))
        out = out.sort_values(["_mode", "_method", "method"], kind="stable")
        out["customers"] = out["customers"].round()
        return typed(out, SUMMARY_COLUMNS)

    def headline(self) -> str:
        """One or two plain sentences on how Pushwise did against the baselines."""
        summary = self.summary()
        mode_all = summary.loc[summary["mode"] == "all"].set_index("method")
        if PUSHWISE not in mode_all.index:
            return "The backtest has no results to summarise."
        recall = mode_all["recall"]
        k = int(mode_all["k"].max())
        days = self._horizon_days()
        count = len(self.folds)
        window = f"the {days} days after each of {count} earlier dates"
        if count == 1:
            window = f"the {days} days after an earlier date"
        text = (
            f"Of the customers who bought something in {window}, the top-{k} "
            f"push list caught {_share(float(recall[PUSHWISE]))} of what they "
            "bought"
        )
        others = mode_all.drop(index=[PUSHWISE, PLAN], errors="ignore")
        ladder = others["recall"].dropna()
        if len(ladder):
            best = str(ladder.idxmax())
            text += (
                f"; the best simple rule (“{plain_name(best)}”) caught "
                f"{_share(ladder[best])}."
            )
            gain = self._gain_sentence(best)
            text += f" {gain}" if gain else ""
        else:
            text += "."
        if PLAN in mode_all.index and pd.notna(recall[PLAN]):
            text += (
                f" With the push rules on, the plan caught "
                f"{_share(float(recall[PLAN]))}"
            )
            if len(ladder) and recall[PLAN] < ladder.max():
                text += ", less than the best simple rule"
            cost = round(100 * (recall[PUSHWISE] - recall[PLAN]))
            if cost >= 1:
                text += f" (the rules cost {cost} points: check them)"
            text += "."
        demand = self.demand_metrics.loc[self.demand_metrics["level"] == "offering"]
        wape = demand.groupby("method", sort=False)["wape"].mean().dropna()
        if PUSHWISE in wape.index:
            text += (
                f" Its forecast of buyers per offering was off by "
                f"{wape[PUSHWISE]:.0%} of the actual total"
            )
            rules = wape.drop(index=PUSHWISE)
            if len(rules):
                text += f" (best simple rule: {rules.min():.0%})"
            text += "."
        return text + self._total_sentence()

    def _total_sentence(self) -> str:
        """How Pushwise's forecast of the total did, and how often its range held."""
        metrics = self.demand_metrics
        total = metrics.loc[
            (metrics["level"] == TOTAL_LEVEL) & (metrics["method"] == PUSHWISE)
        ].dropna(subset=["wape", "coverage"])
        if total.empty:
            return ""
        inside = int((total["coverage"] >= 1.0).sum())  # one total per period
        return (
            f" Its forecast of all offerings together was off by "
            f"{total['wape'].mean():.0%}, and the actual total fell inside its "
            f"range in {inside} of {len(total)} periods (the range is meant to "
            "hold it about 8 times in 10)."
        )

    def write(self, folder: Path | str) -> list[Path]:
        """Write one CSV per table, plus summary.csv, into folder (created)."""
        target = Path(folder)
        if target.exists() and not target.is_dir():
            raise ProjectError(
                "is a file, not a folder for the backtest report.",
                file=str(target),
                hint="Choose a folder name for --out.",
            )
        target.mkdir(parents=True, exist_ok=True)
        written = []
        tables = {name: getattr(self, name) for name in _table_names()}
        tables["summary"] = self.summary()
        for name, frame in tables.items():
            path = target / f"{name}.csv"
            write_safe_csv(frame, path, date_format="%Y-%m-%d")
            written.append(path)
        return written

    @staticmethod
    def file_names() -> list[str]:
        """The names of the files write() makes in its folder."""
        return [f"{name}.csv" for name in [*_table_names(), "summary"]]

    @classmethod
    def read(cls, folder: Path | str) -> Self:
        """Read a report that write() saved (summary.csv is recomputed)."""
        source = Path(folder)
        tables = {}
        for name, columns in zip(_table_names(), _TABLE_COLUMNS, strict=True):
            path = source / f"{name}.csv"
            if not path.is_file():
                raise ProjectError(
                    "has no backtest table there.",
                    file=str(path),
                    hint="Choose the folder that `pushwise backtest --out` wrote.",
                )
            frame = pd.read_csv(
                path,
                dtype={C.OFFERING: str},
                keep_default_na=False,
            )
            frame = frame.replace("", math.nan).infer_objects()
            tables[name] = typed(frame, columns)
        return cls(**tables)

    def recall_gain(self, rule: str) -> tuple[float, float, float, int]:
        """Pushwise's recall@k (mode all) minus the rule's, paired per customer
        and fold: (difference, low, high of its 95% bootstrap interval,
        customer-folds compared); NaNs when there is nothing to pair."""
        table = self.customer_recall
        mine = table.loc[table["method"].isin([PUSHWISE, rule])]
        paired = mine.pivot_table(
            index=["fold", C.CUSTOMER], columns="method", values="recall"
        )
        if PUSHWISE not in paired or rule not in paired:
            return math.nan, math.nan, math.nan, 0
        difference = (paired[PUSHWISE] - paired[rule]).dropna()
        low, high = bootstrap_interval(difference)
        return float(difference.mean()), low, high, len(difference)

    def _gain_sentence(self, rule: str) -> str:
        """Pushwise against the best simple rule, in points, and whether the
        difference is more than chance on this many customers."""
        gain, low, high, pairs = self.recall_gain(rule)
        if not pairs:
            return ""
        points = f"{abs(gain) * 100:.1f} percentage points"
        interval = f"95% sure: between {low * 100:+.1f} and {high * 100:+.1f}"
        if low > 0:
            return f"That is {points} more ({interval})."
        if high < 0:
            return f"That is {points} fewer ({interval})."
        return (
            f"The difference, {gain * 100:+.1f} percentage points, is within "
            f"what chance gives on {pairs:,} customers' lists ({interval}): "
            "about the same."
        )

    def _horizon_days(self) -> int:
        if self.folds.empty:
            return 0
        span = self.folds["horizon_end"] - self.folds["as_of"]
        return int(span.iloc[0] / pd.Timedelta(days=1))


_TABLE_COLUMNS = (
    FOLD_COLUMNS,
    LIST_COLUMNS,
    GAINS_COLUMNS,
    BASELINE_GAINS_COLUMNS,
    CALIBRATION_COLUMNS,
    UPTAKE_COLUMNS,
    DEMAND_WEEKLY_COLUMNS,
    DEMAND_METRIC_COLUMNS,
    CUSTOMER_RECALL_COLUMNS,
)


def _table_names() -> list[str]:
    return [field.name for field in fields(BacktestReport)]


def plain_name(method: str) -> str:
    """A method's name in plain words (unknown names as they are)."""
    return PLAIN_NAMES.get(method, method)


def _share(value: float) -> str:
    """A share in words a marketer reads at a glance: 'about 1 in 3 (34%)'.

    The words come from the rounded percentage, so equal percentages always
    read the same."""
    percent = round(100 * value) if value > 0 else 0
    if percent == 0:
        return "almost none (under 0.5%)" if value > 0 else "none"
    if value >= 1:
        return "all (100%)"
    if percent < 50:
        return f"about 1 in {round(100 / percent)} ({percent}%)"
    near = Fraction(percent, 100).limit_denominator(10)
    if near == 1:
        return f"nearly all ({percent}%)"
    return f"about {near.numerator} in {near.denominator} ({percent}%)"
