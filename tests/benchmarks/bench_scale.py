"""Train + plan at grocery scale, whole process (run by hand).

Builds grocery-shaped histories from the real Online Retail baskets
(grocery.py: 1x is about 1.5 M lines, 2,500 households, 70,000 products),
imports each into a project, then times fresh `pushwise recommend`
processes on it: the first trains and saves the model and plans, the second
plans with the saved model. Wall-clock time and peak RSS of each whole
process, OpenMP/BLAS on one thread and on both cores. Writes
tests/benchmarks/RESULTS.md (section "Scale").

    .venv/bin/python tests/benchmarks/bench_scale.py [--scales 1 3 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from grocery import grocery_history, real_baskets, write_history
from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("PUSHWISE_BENCH_CACHE", "/tmp/pushwise-scale"))
SECTION = "## Scale (bench_scale.py)"
PUSHWISE = [sys.executable, "-m", "ml.cli"]
# Targets of issue 10 (seconds, MB) by scale factor.
TARGETS = {1.0: (60.0, 2048.0), 10.0: (600.0, 8192.0)}
PLAN_SECONDS_PER_MILLION_LINES = 5.0


@dataclass(frozen=True, slots=True)
class Run:
    """One whole process: wall seconds and peak resident memory (MB)."""

    seconds: float
    peak_mb: float


def timed(command: list[str], threads: int, cwd: Path) -> Run:
    """Run a command in a fresh process; its wall time and peak RSS."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    output = process.stdout.read().decode() if process.stdout else ""
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024)


def history_file(scale: float) -> tuple[Path, int]:
    """The generated history for a scale (made once, then cached), and its lines."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"grocery-{scale:g}x.csv"
    if not path.exists():
        frame = grocery_history(scale, baskets=real_baskets())
        write_history(frame, path)
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
    return path, lines - 1


def measure(scale: float, threads: int) -> dict[str, object]:
    """Import once, then train + plan and plan alone in fresh processes."""
    source, lines = history_file(scale)
    work = CACHE / f"work-{scale:g}x"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    project = work / "grocery.pushwise"
    imported = timed(
        [*PUSHWISE, "import", str(source), "--project", str(project)], threads, ROOT
    )
    plan = work / "plan.csv"
    recommend = [*PUSHWISE, "recommend", "--project", str(project), "--out", str(plan)]
    first = timed(recommend, threads, ROOT)
    again = timed(recommend, threads, ROOT)
    print(f"{scale:g}x, {threads} thread(s): {first}, plan alone {again}", flush=True)
    return {
        "scale": scale,
        "threads": threads,
        "lines": lines,
        "import": imported,
        "train_plan": first,
        "plan": again,
    }


def exponent(results: list[dict[str, object]], key: str, threads: int) -> float:
    """Slope of log(seconds) on log(lines): 1 = linear growth."""
    chosen = [r for r in results if r["threads"] == threads]
    if len(chosen) < 2:
        return float("nan")
    x = np.log([float(r["lines"]) for r in chosen])  # type: ignore[arg-type]
    y = np.log([r[key].seconds for r in chosen])  # type: ignore[attr-defined]
    return float(np.polyfit(x, y, 1)[0])


def render(results: list[dict[str, object]]) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"Grocery-shaped histories made by grocery.py from the real Online Retail "
        f"baskets (what it keeps real and what it does not: its docstring); "
        f"measured {date.today():%Y-%m-%d} on {platform.machine()} "
        f"({os.cpu_count()} cores, shared), Python {platform.python_version()}. "
        "Each figure is one fresh `pushwise recommend --project` process "
        "(wall clock, peak RSS of the whole process); the first trains, saves "
        "the model and plans, the second plans with the saved model.",
        "",
        "| scale | lines | threads | import s | train + plan s | peak MB | "
        "plan alone s | plan alone peak MB | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        first, again = r["train_plan"], r["plan"]
        target = TARGETS.get(float(r["scale"]))  # type: ignore[arg-type]
        lines_m = int(r["lines"]) / 1e6  # type: ignore[call-overload]
        plan_target = PLAN_SECONDS_PER_MILLION_LINES * lines_m
        verdict = []
        if target:
            fast = first.seconds <= target[0]  # type: ignore[attr-defined]
            small = first.peak_mb <= target[1]  # type: ignore[attr-defined]
            verdict.append(
                f"<= {target[0]:.0f} s: " + ("met" if fast else "**missed**")
            )
            verdict.append(
                f"<= {target[1] / 1024:.0f} GB: " + ("met" if small else "**missed**")
            )
        ok_plan = again.seconds <= plan_target  # type: ignore[attr-defined]
        verdict.append(
            f"plan <= {plan_target:.1f} s: " + ("met" if ok_plan else "**missed**")
        )
        lines.append(
            f"| {r['scale']:g}x | {int(r['lines']):,} | {r['threads']} | "  # type: ignore[call-overload]
            f"{r['import'].seconds:.1f} | {first.seconds:.1f} | "  # type: ignore[attr-defined]
            f"{first.peak_mb:,.0f} | {again.seconds:.1f} | {again.peak_mb:,.0f} | "  # type: ignore[attr-defined]
            f"{'; '.join(verdict)} |"
        )
    lines.append("")
    for threads in sorted({int(r["threads"]) for r in results}):  # type: ignore[call-overload]
        lines.append(
            f"Growth exponent with {threads} thread(s) (slope of log time on log "
            f"lines; 1 = linear): train + plan "
            f"{exponent(results, 'train_plan', threads):.2f}, plan alone "
            f"{exponent(results, 'plan', threads):.2f}."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    results = [
        measure(scale, threads) for scale in args.scales for threads in args.threads
    ]
    replace_section(SECTION, render(results))


if __name__ == "__main__":
    main()
