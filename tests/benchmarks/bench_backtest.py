"""Backtest time and memory on the bundled sample and the full UCI Online
Retail file (run by hand).

Each dataset runs in a fresh subprocess (so peak RSS is its own): import into
a temporary project, then ``run_backtest`` with the defaults the CLI uses
(4 folds of 28 days, top-10, service lines excluded, every method of the
ladder). Step times are read off the progress messages. Writes the figures
and the fold-averaged metrics to tests/benchmarks/RESULTS.md (section
"Backtest").

    .venv/bin/python tests/benchmarks/bench_backtest.py [--folds 4]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
DATASETS = {
    "sample": ROOT / "resources" / "sample" / "online_retail_sample.csv.gz",
    "full": ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz",
}
SECTION = "## Backtest (bench_backtest.py)"


def measure(name: str, folds: int) -> dict[str, object]:
    """Import one dataset and backtest it; the figures as a JSON-able dict."""
    from ml.backtest.run import run_backtest
    from ml.dataset import load_interactions
    from ml.features.categories import load_categories
    from ml.importing.importer import import_file
    from ml.plan import load_exclusions
    from ml.store.project import Project

    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "bench.pushwise", create=True) as project,
    ):
        import_file(project, DATASETS[name])
        data = load_interactions(project)
        categories = load_categories(project)
        exclusions = load_exclusions(project)
    steps: dict[str, float] = defaultdict(float)
    last = [time.perf_counter(), "start"]

    def report(fraction: float, message: str) -> None:
        now = time.perf_counter()
        steps[str(last[1])] += now - float(last[0])
        last[:] = [
            now,
            re.sub(r"^Checking at earlier date \d+ of \d+ \([^)]*\): ", "", message),
        ]

    start = time.perf_counter()
    result = run_backtest(
        data,
        folds=folds,
        exclusions=exclusions,
        categories=categories,
        report=report,
    )
    seconds = time.perf_counter() - start
    steps.pop("start", None)
    summary = result.summary()
    demand = (
        result.demand_metrics.groupby(["level", "method"])[["wape", "coverage"]]
        .mean()
        .reset_index()
    )
    return {
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "purchases": len(data.purchases),
        "steps": dict(steps),
        "summary": summary.to_dict(orient="records"),
        "demand": demand.to_dict(orient="records"),
        "uptake": result.uptake[["predicted", "actual"]].sum().to_dict(),
        "headline": result.headline(),
    }


def render(figures: dict[str, dict[str, object]], folds: int) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"`run_backtest` with the CLI's defaults ({folds} folds of 28 days, top-10, "
        f"service lines excluded); measured {date.today()} on {platform.machine()}, "
        f"Python {platform.python_version()}, 2 cores shared with other work.",
        "",
        "| data | purchase lines | backtest s | peak RSS MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, got in figures.items():
        lines.append(
            f"| {name} | {got['purchases']:,} | {got['seconds']:.0f} "
            f"| {got['peak_rss_mb']:.0f} |"
        )
    for name, got in figures.items():
        lines += ["", f"### {name}: {got['headline']}", "", "Seconds per step:", ""]
        steps = sorted(got["steps"].items(), key=lambda item: -item[1])
        lines += [f"- {step}: {value:.1f}" for step, value in steps]
        lines += [
            "",
            "| mode | method | recall@10 | NDCG@10 | precision@10 | hit@10 | MAP@10 |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in got["summary"]:
            lines.append(
                f"| {row['mode']} | {row['method']} | {row['recall']:.3f} "
                f"| {row['ndcg']:.3f} | {row['precision']:.3f} "
                f"| {row['hit_rate']:.3f} | {row['map']:.3f} |"
            )
        lines += ["", "| level | method | WAPE | interval coverage |"]
        lines += ["| --- | --- | ---: | ---: |"]
        for row in got["demand"]:
            lines.append(
                f"| {row['level']} | {row['method']} | {row['wape']:.3f} "
                f"| {row['coverage']:.3f} |"
            )
        uptake = got["uptake"]
        lines += [
            "",
            f"Plan uptake over the folds: predicted {uptake['predicted']:.0f}, "
            f"actual {uptake['actual']:.0f}.",
        ]
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--dataset", choices=sorted(DATASETS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dataset:
        print(json.dumps(measure(args.dataset, args.folds)))
        return
    figures = {}
    for name in DATASETS:
        done = subprocess.run(
            [sys.executable, __file__, "--dataset", name, "--folds", str(args.folds)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures[name] = json.loads(done.stdout.strip().splitlines()[-1])
    section = render(figures, args.folds)
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
