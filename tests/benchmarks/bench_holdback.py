"""The hold-back rule on the Online Retail validation window (run by hand).

Follows ../shared/BENCHMARK_PROTOCOL.md's tuning split: train' = purchases
before T - 28 d, validation = [T - 28 d, T), T = the protocol cut-off; the
test window is never looked at. Pushwise's ranker is fitted on train' once;
its candidates for every evaluated customer go through build_plan with each
variant of the purchase rule, and the plan's top-10 rows are scored as push
lists (modes "all" and "repeat"). Category level uses the last word of the
product description as the category (as grocery.py does), with a second
ranker fitted on the category-level history. Writes the section "Hold-back
rule" of tests/benchmarks/RESULTS.md.

    .venv/bin/python tests/benchmarks/bench_holdback.py [--no-category]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from results_file import replace_section

from ml.backtest.run import by_category
from ml.columns import Columns
from ml.dataset import Interactions, load_interactions
from ml.evaluation.metrics import bootstrap_interval, evaluate_lists
from ml.evaluation.split import Split, protocol_split, validation_split
from ml.features import FeatureConfig, pair_features
from ml.importing.importer import import_file
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules, build_plan
from ml.plan.holdback import RepurchaseIntervals, learn_intervals
from ml.plan.inputs import load_exclusions, load_offering_names
from ml.store.project import Project

C = Columns
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"
SECTION = "## Hold-back rule (bench_holdback.py)"
K = 10


def load() -> tuple[Interactions, pd.Series]:
    """The file's interactions without service lines, and offering names."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, DATA)
        data = load_interactions(project)
        exclusions = load_exclusions(project)
        names = load_offering_names(project)
    return data.without_offerings(exclusions.services), names


def categories_of(names: pd.Series, minimum: int = 4) -> pd.Series:
    """offering_id -> the last word of its name (rare words: OTHER)."""
    last = names.str.upper().str.split().str[-1].fillna("OTHER").str.strip(".,()/")
    counts = last.map(last.value_counts())
    return last.where(counts >= minimum, "OTHER").astype(object)


def at_category(data: Interactions, categories: pd.Series) -> Interactions:
    """The interactions with each offering replaced by its category."""

    def swap(frame: pd.DataFrame) -> pd.DataFrame:
        return by_category(frame, categories) if len(frame) else frame

    return Interactions(
        purchases=swap(data.purchases),
        returns=swap(data.returns),
        feedback=swap(data.feedback.dropna(subset=[C.OFFERING])),
    )


def variants(intervals: RepurchaseIntervals) -> dict[str, tuple[PlanRules, object]]:
    """Rule variants: (rules, the intervals to pass, or a pre-filter)."""
    off = PlanRules(recent_purchase_days=0)
    half = PlanRules(due_share=0.5)
    out: dict[str, tuple[PlanRules, object]] = {
        "no rule (0 days)": (off, None),
        "old rule: not within 7 days": (PlanRules(recent_purchase_days=7), None),
    }
    for share in (0.0, 0.1, 0.25, 0.5, 1.0):
        out[f"until due, {share:.0%}"] = (PlanRules(due_share=share), intervals)
    for share in (0.5, 1.0):
        out[f"not due even by the horizon's end, {share:.0%}"] = (
            off,
            ("horizon", share),
        )
    out["until due, 50%, never-rebought: no hold"] = (
        half,
        replace(intervals, default_days=0.0),
    )
    out["until due, 0%, never-rebought: forever"] = (
        PlanRules(),
        replace(intervals, default_days=100_000.0),
    )
    out["until due, 0%, + at least 1 day"] = (PlanRules(), 1.0)
    out["until due, 0%, + at least 2 days"] = (PlanRules(), 2.0)
    return out


def horizon_mask(
    features: pd.DataFrame,
    intervals: RepurchaseIntervals,
    share: float,
    horizon: int,
) -> np.ndarray:
    """Held back when not due even by the end of the horizon."""
    own = features["own_interval_days"]
    typical = features[C.OFFERING].map(intervals.by_offering).astype("float64")
    limit = (share * own.fillna(typical)).fillna(intervals.default_days)
    since = features["days_since_last"]
    return ((since + horizon) < limit).fillna(False).to_numpy()


def measure(data: Interactions, split: Split, level: str) -> list[dict[str, object]]:
    """Fit the ranker on train', plan with each variant, score the lists."""
    past = data.before(split.as_of)
    start = time.perf_counter()
    ranker = TwoStageRanker(horizon_days=split.horizon_days).fit(past, split.as_of)
    print(level, "fitted in", round(time.perf_counter() - start), "s", flush=True)
    evaluated = sorted(set(split.test[C.CUSTOMER].dropna()))
    known = set(split.train[C.CUSTOMER].dropna())
    customers = [c for c in evaluated if c in known]
    scored = ranker.scored(customers)[[C.CUSTOMER, C.OFFERING, "probability"]]
    features = pair_features(past, split.as_of, scored, FeatureConfig())
    intervals = learn_intervals(past, split.as_of)
    print(intervals.sentence, flush=True)
    rows: list[dict[str, object]] = []
    per: dict[str, pd.Series] = {}
    for name, (rules, extra) in variants(intervals).items():
        pairs, given = scored, extra
        if isinstance(extra, float):  # a minimum hold: drop those pairs first
            since = features["days_since_last"].to_numpy()
            pairs = scored.loc[~(since < extra)]
            given = intervals
        elif isinstance(extra, tuple):
            held = horizon_mask(features, intervals, extra[1], split.horizon_days)
            pairs = scored.loc[~held]
            given = None
        plan = build_plan(
            pairs,
            past,
            split.as_of,
            rules=replace(rules, max_per_customer=K),
            features=features.loc[pairs.index],
            intervals=given,  # type: ignore[arg-type]
        )
        ordered = plan.rows.sort_values([C.CUSTOMER, "rank"])
        lists = ordered.groupby(C.CUSTOMER)[C.OFFERING].agg(list).to_dict()
        row: dict[str, object] = {"level": level, "variant": name}
        for mode in ("all", "repeat"):
            metrics, per_customer = evaluate_lists(lists, split, k=K, mode=mode)
            row[f"ndcg_{mode}"] = metrics.ndcg
            row[f"recall_{mode}"] = metrics.recall
            row[f"customers_{mode}"] = metrics.customers
            per[f"{name}/{mode}"] = per_customer.set_index(C.CUSTOMER)["ndcg"]
        row["held"] = plan.removed_by_rule["recent_purchase"] + len(scored) - len(pairs)
        base = per["no rule (0 days)/all"]
        low, high = bootstrap_interval(per[f"{name}/all"] - base)
        row["diff_ci"] = f"{low:+.3f} to {high:+.3f}"
        rows.append(row)
        print(
            level,
            name,
            row["held"],
            round(float(row["ndcg_all"]), 4),  # type: ignore[arg-type]
            row["diff_ci"],
            round(float(row["ndcg_repeat"]), 4),  # type: ignore[arg-type]
            flush=True,
        )
    return rows


READING = [
    "Reading: on this wholesale history, any hold-back of what customers do "
    "rebuy costs NDCG@10, more the longer it holds (50% of the usual interval: "
    "about -0.04 at product level, -0.11 at category level), and so did the old "
    '"not within 7 days" rule; "not due even by the end of the 28-day horizon" '
    "costs less but still costs. A customer inside their interval often rebuys "
    "within the horizon all the same, and the ranker already weighs how due a "
    "pair is. Holding back only offerings nobody rebuys (0%, the default) is the "
    "one setting that does not lower NDCG@10; whether that window is the median "
    "interval or forever makes no measurable difference, and a fixed minimum "
    "of 1 or 2 days lowers it (so there is none).",
]


def render(
    split: Split, rows: list[dict[str, object]], sentences: list[tuple[str, str]]
) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"UCI Online Retail, validation window of the protocol: train' before "
        f"{split.as_of:%Y-%m-%d}, validation {split.as_of:%Y-%m-%d} to "
        f"{split.test_end:%Y-%m-%d} (exclusive); Pushwise's ranker fitted once "
        f"per level, its candidates planned with each variant of the purchase "
        f"rule, top-{K} plan rows scored; measured {date.today()} on "
        f"{platform.machine()}, Python {platform.python_version()}. Paired 95% "
        "bootstrap interval of the NDCG@10 (all) difference against no rule.",
        "",
        "| level | purchase rule | held back | NDCG@10 all | vs no rule (95% CI) "
        "| recall@10 all | NDCG@10 repeat | recall@10 repeat |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['level']} | {row['variant']} | {row['held']:,} "
            f"| {row['ndcg_all']:.4f} | {row['diff_ci']} | {row['recall_all']:.4f} "
            f"| {row['ndcg_repeat']:.4f} | {row['recall_repeat']:.4f} |"
        )
    lines += ["", "What the rule learnt (as the GUI and `recommend` say it):", ""]
    lines += [f"- {level}: {text}" for level, text in sentences]
    lines += ["", *READING]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Measure and write the RESULTS.md section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-category", action="store_true")
    args = parser.parse_args()
    data, names = load()
    split = validation_split(protocol_split(data.purchases, horizon_days=28))
    rows = measure(data, split, "product")
    sentences = [("product", learn_intervals(data, split.as_of).sentence)]
    if not args.no_category:
        grouped = at_category(data, categories_of(names))
        cut = validation_split(protocol_split(grouped.purchases, horizon_days=28))
        rows += measure(grouped, cut, "category")
        sentences.append(("category", learn_intervals(grouped, cut.as_of).sentence))
    replace_section(SECTION, render(split, rows, sentences))


if __name__ == "__main__":
    main()
