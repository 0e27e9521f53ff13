"""Push-list quality on the grocery-shaped history (run by hand).

The same protocol as bench_quality.py (../shared/BENCHMARK_PROTOCOL.md: the
last 28 complete days are the test window; top-10 lists; modes all, repeat
and new), on the 1x history grocery.py makes from the real Online Retail
baskets, by product and by category (the last word of the description).
Methods: the baseline ladder, Pushwise's model alone, and the push plan as
the user gets it (the model's candidates through the default push rules).
Nothing here is tuned to this history: the ranker and the rules run with
their defaults. Writes tests/benchmarks/RESULTS.md (section "Grocery-shaped
history: plan quality").

    .venv/bin/python tests/benchmarks/bench_grocery.py
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd
from bench_scale import history_file
from results_file import replace_section
from threadpoolctl import threadpool_limits

from ml.backtest.lists import evaluated_customers, list_rows, plan_list_rows
from ml.columns import Columns
from ml.dataset import OfferingLevel, load_interactions
from ml.evaluation.split import protocol_split
from ml.importing.importer import import_file
from ml.models.baselines import (
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules
from ml.plan.inputs import Exclusions
from ml.store.project import Project

C = Columns
SECTION = "## Grocery-shaped history: plan quality (bench_grocery.py)"
K = 10
MODES = ("all", "repeat", "new")


def measure(data_level: OfferingLevel, project: Project) -> list[dict[str, object]]:
    """Every method's NDCG@10 and recall@10 per mode at one level."""
    data = load_interactions(project, level=data_level)
    split = protocol_split(data.purchases, horizon_days=28)
    past = data.before(split.as_of)
    evaluated = evaluated_customers(split)
    rows: list[dict[str, object]] = []

    def add(name: str, metrics: list[dict[str, object]], seconds: float) -> None:
        for mode, row in zip(MODES, metrics, strict=True):
            rows.append(
                {
                    "level": str(data_level),
                    "method": name,
                    "mode": mode,
                    "customers": row["customers"],
                    "ndcg": row["ndcg"],
                    "recall": row["recall"],
                    "seconds": seconds,
                }
            )
        print(data_level, name, [round(float(r["ndcg"]), 3) for r in metrics])  # type: ignore[arg-type]

    ladder = {
        "popularity": PopularityRecommender(),
        "personal frequency": PersonalFrequencyRecommender(),
        "TIFU-KNN": TifuKNNRecommender(),
    }
    for name, model in ladder.items():
        start = time.perf_counter()
        model.fit(split.train, split.as_of)
        metrics = list_rows(model, split, k=K, customers=evaluated).rows
        add(name, metrics, time.perf_counter() - start)
    start = time.perf_counter()
    ranker = TwoStageRanker().fit(past, split.as_of)
    fitted = time.perf_counter() - start
    add(
        "Pushwise model",
        list_rows(ranker, split, k=K, customers=evaluated).rows,
        fitted,
    )
    customers = sorted(past.purchases[C.CUSTOMER].dropna().unique())
    start = time.perf_counter()
    plan = plan_list_rows(
        ranker,
        ranker.scored(customers),
        past,
        split,
        k=K,
        customers=evaluated,
        rules=PlanRules(),
        exclusions=Exclusions(frozenset(), frozenset()),
    )
    add("Pushwise plan (default rules)", plan.rows, time.perf_counter() - start)
    return rows


def render(rows: list[dict[str, object]], as_of: str) -> str:
    """The RESULTS.md section."""
    table = pd.DataFrame(rows)
    out = [
        SECTION,
        "",
        f"The 1x grocery-shaped history of bench_scale.py (grocery.py); "
        f"protocol split, test window from {as_of}, top-10; measured "
        f"{date.today():%Y-%m-%d}, one thread. Every method with its defaults.",
        "",
        "| level | method | NDCG@10 all | repeat | new | recall@10 all | "
        "customers all / new | s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (level, method), group in table.groupby(["level", "method"], sort=False):
        by_mode = group.set_index("mode")
        customers = (by_mode.at["all", "customers"], by_mode.at["new", "customers"])
        out.append(
            f"| {level} | {method} | {by_mode.at['all', 'ndcg']:.3f} | "
            f"{by_mode.at['repeat', 'ndcg']:.3f} | {by_mode.at['new', 'ndcg']:.3f} | "
            f"{by_mode.at['all', 'recall']:.3f} | "
            f"{customers[0]:,} / {customers[1]:,} | "
            f"{by_mode.at['all', 'seconds']:.0f} |"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    source, _ = history_file(1.0)
    rows: list[dict[str, object]] = []
    with (
        threadpool_limits(1),
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "grocery.pushwise", create=True) as project,
    ):
        import_file(project, source)
        for level in (OfferingLevel.OFFERING, OfferingLevel.CATEGORY):
            rows += measure(level, project)
        data = load_interactions(project)
        as_of = protocol_split(data.purchases, horizon_days=28).as_of
    replace_section(SECTION, render(rows, f"{as_of:%Y-%m-%d}"))


if __name__ == "__main__":
    main()
