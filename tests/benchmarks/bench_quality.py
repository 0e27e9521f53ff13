"""Push-list quality on the full UCI Online Retail file (run by hand).

Follows ../shared/BENCHMARK_PROTOCOL.md: the last 28 complete days are the
test window, everything before is training; customers with a purchase both
before and in the window are evaluated; top-10 lists, modes "all" and "new".
Every method runs through the same split and metric code: the baseline
ladder, the outside peers of peers.py (their parameters chosen on the
validation window [T - 28 d, T), never on the test window) and Pushwise's
ranker. Then Pushwise's speed and memory on the whole file (train + plan for
every customer) in a fresh process. Writes tests/benchmarks/RESULTS.md
(section "Plan quality").

    .venv/bin/python tests/benchmarks/bench_quality.py
"""

from __future__ import annotations

import itertools
import multiprocessing
import platform
import resource
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from peers import ALSRecommender, EASERecommender, LightGBMRanker
from results_file import replace_section

from ml.columns import Columns
from ml.dataset import load_interactions
from ml.evaluation.metrics import bootstrap_interval, evaluate_lists, relevant_items
from ml.evaluation.split import Split, protocol_split, validation_split
from ml.importing.importer import import_file
from ml.models.base import Recommender
from ml.models.baselines import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules, build_plan
from ml.plan.inputs import load_exclusions, load_offering_names
from ml.store.project import Project

C = Columns
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"
SECTION = "## Plan quality (bench_quality.py)"
K = 10
MODES = ("all", "new")
PUSHWISE = "Pushwise ranker"

# NDCG@10 measured elsewhere with the same protocol (issue 3), for comparison.
REFERENCE = {
    ("all", "LightGBM ranker"): 0.370,
    ("all", "TIFU-KNN"): 0.343,
    ("all", "personal frequency"): 0.316,
    ("all", "implicit ALS"): 0.281,
    ("all", "EASE"): 0.257,
    ("all", "item-kNN"): 0.248,
    ("all", "popularity"): 0.144,
    ("new", "LightGBM ranker"): 0.124,
    ("new", "EASE"): 0.096,
    ("new", "implicit ALS"): 0.091,
    ("new", "popularity"): 0.084,
}

# The peers' grids, searched on the validation window (each mode picks its own).
ALS_GRID = {
    "factors": (32, 64, 128),
    "regularization": (0.01, 0.1, 1.0),
    "alpha": (0.3, 1.0, 3.0, 10.0),
}
EASE_GRID = {"l2": (50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0)}
LGBM_GRID = {
    "objective": ("lambdarank", "binary"),
    "num_leaves": (15, 63),
    "learning_rate, n_estimators": ((0.1, 200), (0.05, 400)),
}


def ladder() -> dict[str, Recommender]:
    """The baselines, with their default (validation-tuned) parameters."""
    return {
        "popularity": PopularityRecommender(),
        "personal frequency": PersonalFrequencyRecommender(),
        "item-kNN": ItemKNNRecommender(),
        "TIFU-KNN": TifuKNNRecommender(),
    }


def load_purchases() -> pd.DataFrame:
    """Import the full file into a temporary project and read its purchases."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, DATA)
        return load_interactions(project).purchases


def settings(grid: Mapping[str, tuple[object, ...]]) -> list[dict[str, object]]:
    """Every combination of a grid, as keyword arguments."""
    combos = []
    for values in itertools.product(*grid.values()):
        params: dict[str, object] = {}
        for name, value in zip(grid, values, strict=True):
            if ", " in name:
                params.update(zip(name.split(", "), value, strict=True))  # type: ignore[call-overload]
            else:
                params[name] = value
        combos.append(params)
    return combos


def ndcg_by_mode(model: Recommender | LightGBMRanker, split: Split) -> dict[str, float]:
    """Validation NDCG@10 of a fitted model in both modes."""
    out = {}
    for mode in MODES:
        customers = sorted(relevant_items(split, mode))
        lists = model.recommend(customers, K, new_only=mode == "new")
        out[mode] = evaluate_lists(lists, split, k=K, mode=mode)[0].ndcg
    return out


def tune(
    name: str,
    make: Callable[[dict[str, object]], Recommender],
    grid: Mapping[str, tuple[object, ...]],
    validation: Split,
) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    """Each mode's best parameters on the validation window, and every trial."""
    trials = []
    for params in settings(grid):
        start = time.perf_counter()
        model = make(params).fit(validation.train, validation.as_of)
        scores = ndcg_by_mode(model, validation)
        trials.append(
            {"peer": name, "params": params, **scores, "s": time.perf_counter() - start}
        )
        print(name, params, {m: round(v, 4) for m, v in scores.items()}, flush=True)
    return _best(trials), trials


def tune_lightgbm(
    validation: Split,
) -> tuple[dict[str, dict[str, object]], list[dict[str, object]]]:
    """The LightGBM ranker's grid: windows built once, models refitted."""
    peer = LightGBMRanker().prepare(validation.train, validation.as_of)
    trials = []
    for params in settings(LGBM_GRID):
        start = time.perf_counter()
        scores = ndcg_by_mode(peer.set_params(**params).fit_models(), validation)
        trials.append(
            {
                "peer": "LightGBM ranker",
                "params": params,
                **scores,
                "s": time.perf_counter() - start,
            }
        )
        print("LightGBM", params, {m: round(v, 4) for m, v in scores.items()})
    return _best(trials), trials


def _best(trials: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    best = {}
    for mode in MODES:
        top = max(trials, key=lambda trial: float(trial[mode]))  # type: ignore[arg-type]
        best[mode] = dict(top["params"])  # type: ignore[call-overload]
    return best


def score(
    name: str, model: Recommender | LightGBMRanker, split: Split, mode: str
) -> tuple[dict[str, object], pd.DataFrame]:
    """One method's row in one mode, and its per-customer metrics."""
    customers = sorted(relevant_items(split, mode))  # type: ignore[arg-type]
    lists = model.recommend(customers, K, new_only=mode == "new")
    metrics, per_customer = evaluate_lists(lists, split, k=K, mode=mode)  # type: ignore[arg-type]
    low, high = bootstrap_interval(per_customer["ndcg"])
    row = {
        "mode": mode,
        "method": name,
        "customers": metrics.customers,
        "ndcg": metrics.ndcg,
        "ndcg_ci": f"{low:.3f}-{high:.3f}",
        "recall": metrics.recall,
        "precision": metrics.precision,
        "hit_rate": metrics.hit_rate,
        "map": metrics.map,
        "coverage": metrics.coverage,
        "reference": REFERENCE.get((mode, name)),
    }
    return row, per_customer


def run(
    split: Split, best: Mapping[str, Mapping[str, dict[str, object]]]
) -> tuple[list[dict[str, object]], dict[tuple[str, str], pd.DataFrame], float]:
    """Fit every method on the training rows and score its top-10 lists; also
    the out-of-sample calibration gap of Pushwise's probabilities."""
    rows: list[dict[str, object]] = []
    per: dict[tuple[str, str], pd.DataFrame] = {}

    def add(
        name: str, model: Recommender | LightGBMRanker, mode: str, fit: float
    ) -> None:
        start = time.perf_counter()
        row, per_customer = score(name, model, split, mode)
        row["seconds"] = fit + time.perf_counter() - start
        rows.append(row)
        per[(name, mode)] = per_customer
        print(name, mode, round(float(row["ndcg"]), 4), flush=True)  # type: ignore[arg-type]

    for name, model in ladder().items():
        fit = _timed_fit(model, split)
        for mode in MODES:
            add(name, model, mode, fit)
    peers: dict[str, Callable[[dict[str, object]], Recommender]] = {
        "implicit ALS": lambda p: ALSRecommender(**p),  # type: ignore[arg-type]
        "EASE": lambda p: EASERecommender(**p),  # type: ignore[arg-type]
    }
    for name, make in peers.items():
        for mode in MODES:
            model = make(best[name][mode])
            add(name, model, mode, _timed_fit(model, split))
    lightgbm = LightGBMRanker()
    start = time.perf_counter()
    lightgbm.prepare(split.train, split.as_of)
    prepared = time.perf_counter() - start
    for mode in MODES:
        start = time.perf_counter()
        lightgbm.set_params(**best["LightGBM ranker"][mode]).fit_models()
        add("LightGBM ranker", lightgbm, mode, prepared + time.perf_counter() - start)
    ranker = TwoStageRanker()
    fit = _timed_fit(ranker, split)
    for mode in MODES:
        add(PUSHWISE, ranker, mode, fit)
    return rows, per, _calibration_gap(ranker, split)


def _timed_fit(model: Recommender, split: Split) -> float:
    start = time.perf_counter()
    model.fit(split.train, split.as_of)
    return time.perf_counter() - start


def _calibration_gap(ranker: TwoStageRanker, split: Split) -> float:
    """Mean absolute gap, over deciles of predicted probability, between the
    predicted and the observed uptake of every candidate of every customer
    with a purchase before the cut-off, on the test window."""
    customers = sorted(split.train[C.CUSTOMER].dropna().unique())
    scored = ranker.scored(customers)
    window = split.test.dropna(subset=[C.CUSTOMER])
    taken = pd.MultiIndex.from_frame(window[[C.CUSTOMER, C.OFFERING]].astype(object))
    pairs = pd.MultiIndex.from_frame(scored[[C.CUSTOMER, C.OFFERING]].astype(object))
    frame = pd.DataFrame(
        {"p": scored["probability"].to_numpy(), "y": pairs.isin(taken).astype(float)}
    )
    frame["decile"] = pd.qcut(frame["p"].rank(method="first"), 10, labels=False)
    means = frame.groupby("decile")[["p", "y"]].mean()
    return float((means["p"] - means["y"]).abs().mean())


def targets(
    rows: list[dict[str, object]], per: Mapping[tuple[str, str], pd.DataFrame]
) -> list[str]:
    """Pushwise against the best other method per mode and metric."""
    lines = [
        "| mode | metric | Pushwise | best other | ratio | target (>= 1.10) "
        "| paired 95% CI of the NDCG difference |",
        "| --- | --- | ---: | --- | ---: | --- | --- |",
    ]
    for mode in MODES:
        mine = next(r for r in rows if r["mode"] == mode and r["method"] == PUSHWISE)
        others = [r for r in rows if r["mode"] == mode and r["method"] != PUSHWISE]
        for metric in ("ndcg", "recall"):
            best = max(others, key=lambda r: float(r[metric]))  # type: ignore[arg-type]
            ratio = float(mine[metric]) / float(best[metric])  # type: ignore[arg-type]
            interval = ""
            if metric == "ndcg":
                difference = (
                    per[(PUSHWISE, mode)]["ndcg"]
                    - per[(str(best["method"]), mode)]["ndcg"]
                )
                low, high = bootstrap_interval(difference)
                interval = f"{low:+.3f} to {high:+.3f}"
            lines.append(
                f"| {mode} | {metric}@10 | {float(mine[metric]):.3f} "  # type: ignore[arg-type]
                f"| {best['method']} {float(best[metric]):.3f} | {ratio:.3f} "  # type: ignore[arg-type]
                f"| {'met' if ratio >= 1.10 else '**missed**'} | {interval} |"
            )
    return lines


def speed() -> dict[str, float]:
    """Pushwise on the whole file, as `pushwise recommend` does it: train as
    of the day after the last order, then score and plan every customer."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, DATA)
        data = load_interactions(project)
        exclusions = load_exclusions(project)
        names = load_offering_names(project)
    start = time.perf_counter()
    data = data.without_offerings(exclusions.services)
    as_of = data.default_as_of()
    ranker = TwoStageRanker().fit(data, as_of)
    trained = time.perf_counter()
    before = data.purchases[data.purchases[C.ORDERED_AT] < as_of]
    customers = sorted(before[C.CUSTOMER].dropna().unique())
    scored = ranker.scored(customers)
    scored_at = time.perf_counter()
    plan = build_plan(
        scored[[C.CUSTOMER, C.OFFERING, "probability"]],
        data,
        as_of,
        rules=PlanRules(max_per_customer=K),
        opted_out=exclusions.opted_out,
        inactive=exclusions.inactive,
        services=exclusions.services,
        names=names,
    )
    done = time.perf_counter()
    return {
        "train": trained - start,
        "scored": scored_at - trained,
        "build_plan": done - scored_at,
        "total": done - start,
        "customers": float(len(customers)),
        "rows": float(len(plan.rows)),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu": time.process_time(),
    }


def render(
    split: Split,
    rows: list[dict[str, object]],
    per: Mapping[tuple[str, str], pd.DataFrame],
    trials: list[dict[str, object]],
    best: Mapping[str, Mapping[str, dict[str, object]]],
    gap: float,
    timing: Mapping[str, float],
) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"UCI Online Retail, protocol split: train before {split.as_of:%Y-%m-%d}, "
        f"test {split.as_of:%Y-%m-%d} to {split.test_end:%Y-%m-%d} (exclusive); "
        f"top-{K}; measured {date.today()} on {platform.machine()}, Python "
        f"{platform.python_version()}. Reference = NDCG@10 quoted in issue 3. "
        "Peers run by this benchmark (peers.py, the `bench` extra), their "
        "parameters chosen per mode on the validation window "
        f"{split.as_of - pd.Timedelta(days=split.horizon_days):%Y-%m-%d} to "
        f'{split.as_of:%Y-%m-%d}. "fit+lists s" counts a method\'s fit in each '
        "of its rows (wall clock on a shared machine: indicative only).",
        "",
        "| mode | method | customers | NDCG@10 (95% CI) | reference | recall@10 "
        "| precision@10 | hit@10 | MAP@10 | coverage | fit+lists s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda r: MODES.index(str(r["mode"]))):
        reference = row["reference"]
        lines.append(
            f"| {row['mode']} | {row['method']} | {row['customers']} "
            f"| {row['ndcg']:.3f} ({row['ndcg_ci']}) "
            f"| {'' if reference is None else f'{reference:.3f}'} "
            f"| {row['recall']:.3f} | {row['precision']:.3f} | {row['hit_rate']:.3f} "
            f"| {row['map']:.3f} | {row['coverage']:.3f} | {row['seconds']:.1f} |"
        )
    lines += [
        "",
        "Targets (issue 3): Pushwise at least 10% above the best other method.",
        "",
    ]
    lines += targets(rows, per)
    lines += [
        "",
        f"Calibration, out of sample (every candidate of every customer with a "
        f"purchase before {split.as_of:%Y-%m-%d}, scored against the test window): "
        f"mean absolute gap between predicted and observed uptake by decile "
        f"**{gap:.4f}** (target < 0.02).",
        "",
        "Speed and memory, whole file, fresh process (train as of "
        "the day after the last order with its own calibration window, then "
        f"score and plan all {int(timing['customers']):,} customers, "
        f"{int(timing['rows']):,} plan rows):",
        "",
        "| step | seconds | target |",
        "| --- | ---: | --- |",
        f"| train (TwoStageRanker.fit) | {timing['train']:.1f} | |",
        f"| score (TwoStageRanker.scored) | {timing['scored']:.1f} | |",
        f"| rules, reasons (build_plan) | {timing['build_plan']:.1f} | |",
        f"| plan alone (score + build_plan) | "
        f"{timing['scored'] + timing['build_plan']:.1f} | < 5 |",
        f"| train + plan | {timing['total']:.1f} | < 60 |",
        f"| peak RSS (MB) | {timing['rss_mb']:.0f} | < 2048 |",
        "",
        f"CPU time of that process: {timing['cpu']:.0f} s (import included).",
        "",
        "Peers' validation grids (NDCG@10 on the validation window; **bold** = "
        "chosen for that mode):",
        "",
        "| peer | parameters | NDCG@10 all | NDCG@10 new |",
        "| --- | --- | ---: | ---: |",
    ]
    for trial in trials:
        chosen = best[str(trial["peer"])]
        cells = []
        for mode in MODES:
            value = f"{float(trial[mode]):.3f}"  # type: ignore[arg-type]
            cells.append(f"**{value}**" if chosen[mode] == trial["params"] else value)
        params = ", ".join(f"{k}={v}" for k, v in trial["params"].items())  # type: ignore[attr-defined]
        lines.append(f"| {trial['peer']} | {params} | {cells[0]} | {cells[1]} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    # Speed first, alone, in a fresh process: its peak memory is its own.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        measured = pool.apply(speed)
    print(measured, flush=True)
    split = protocol_split(load_purchases(), horizon_days=28)
    validation = validation_split(split)
    best: dict[str, dict[str, dict[str, object]]] = {}
    trials: list[dict[str, object]] = []
    for name, make, grid in (
        ("implicit ALS", lambda p: ALSRecommender(**p), ALS_GRID),
        ("EASE", lambda p: EASERecommender(**p), EASE_GRID),
    ):
        best[name], tried = tune(name, make, grid, validation)  # type: ignore[arg-type]
        trials += tried
    best["LightGBM ranker"], tried = tune_lightgbm(validation)
    trials += tried
    rows, per, gap = run(split, best)
    section = render(split, rows, per, trials, best, gap, measured)
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
