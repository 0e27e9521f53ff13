"""Push-list quality on the full UCI Online Retail file (run by hand).

Follows ../shared/BENCHMARK_PROTOCOL.md: the last 28 complete days are the
test window, everything before is training; customers with a purchase both
before and in the window are evaluated; top-10 lists, modes "all" and "new".
Every method runs through the same split and metric code. Writes the table to
tests/benchmarks/RESULTS.md (section "Plan quality").

    .venv/bin/python tests/benchmarks/bench_quality.py
"""

from __future__ import annotations

import platform
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from results_file import replace_section

from ml.dataset import load_interactions
from ml.evaluation.metrics import bootstrap_interval, evaluate_lists, relevant_items
from ml.evaluation.split import Split, protocol_split
from ml.importing.importer import import_file
from ml.models.base import Recommender
from ml.models.baselines import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.ranker import TwoStageRanker
from ml.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"
SECTION = "## Plan quality (bench_quality.py)"
K = 10

# NDCG@10 measured elsewhere with the same protocol (issue 3), for comparison.
REFERENCE = {
    ("all", "TIFU-KNN"): 0.343,
    ("all", "personal frequency"): 0.316,
    ("all", "item-kNN"): 0.248,
    ("all", "popularity"): 0.144,
    ("new", "popularity"): 0.084,
}


def ladder() -> dict[str, Recommender]:
    """The baselines, with their default (validation-tuned) parameters."""
    return {
        "popularity": PopularityRecommender(),
        "personal frequency": PersonalFrequencyRecommender(),
        "item-kNN": ItemKNNRecommender(),
        "TIFU-KNN": TifuKNNRecommender(),
        "Pushwise ranker": TwoStageRanker(),
    }


def load_purchases() -> pd.DataFrame:
    """Import the full file into a temporary project and read its purchases."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, DATA)
        return load_interactions(project).purchases


def run(split: Split) -> list[dict[str, object]]:
    """Fit each method on the training rows and score its top-10 lists."""
    rows: list[dict[str, object]] = []
    for name, model in ladder().items():
        start = time.perf_counter()
        model.fit(split.train, split.as_of)
        fit_seconds = time.perf_counter() - start
        for mode in ("all", "new"):
            customers = sorted(relevant_items(split, mode))
            start = time.perf_counter()
            lists = model.recommend(customers, K, new_only=mode == "new")
            seconds = time.perf_counter() - start
            metrics, per_customer = evaluate_lists(lists, split, k=K, mode=mode)
            low, high = bootstrap_interval(per_customer["ndcg"])
            rows.append(
                {
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
                    "seconds": fit_seconds + seconds,
                }
            )
    return rows


def render(split: Split, rows: list[dict[str, object]]) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"UCI Online Retail, protocol split: train before {split.as_of:%Y-%m-%d}, "
        f"test {split.as_of:%Y-%m-%d} to "
        f"{split.as_of + pd.Timedelta(days=split.horizon_days):%Y-%m-%d} "
        f"(exclusive); top-{K}; measured {date.today()} on {platform.machine()}, "
        f"Python {platform.python_version()}. Reference = NDCG@10 quoted in issue 3.",
        "",
        "| mode | method | customers | NDCG@10 (95% CI) | reference | recall@10 "
        "| precision@10 | hit@10 | MAP@10 | coverage | fit+plan s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        reference = row["reference"]
        lines.append(
            f"| {row['mode']} | {row['method']} | {row['customers']} "
            f"| {row['ndcg']:.3f} ({row['ndcg_ci']}) "
            f"| {'' if reference is None else f'{reference:.3f}'} "
            f"| {row['recall']:.3f} | {row['precision']:.3f} | {row['hit_rate']:.3f} "
            f"| {row['map']:.3f} | {row['coverage']:.3f} | {row['seconds']:.2f} |"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    split = protocol_split(load_purchases(), horizon_days=28)
    section = render(split, run(split))
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
