"""Local against a local Dask cluster at grocery scale (run by hand).

The grocery-shaped histories of bench_scale.py (grocery.py, cached under
/tmp/pushwise-scale), each imported into a project once. Then the same
commands run twice on copies of it, each in a fresh `pushwise` process:
locally (OpenMP/BLAS on both cores), and with --scheduler on a
distributed.LocalCluster of 2 worker processes with 1 thread each (no memory
limit, so that nothing is spilled or killed). Steps: train (always trains
and saves), recommend (plans with the model just saved: scoring), forecast,
and backtest --folds 2 (only up to --backtest-max, it is long). Wall time
and peak RSS of the `pushwise` process; on the cluster also each worker's
peak RSS over the step (VmHWM, reset before each step). The plan and the
forecast of both runs are compared byte for byte. Writes
tests/benchmarks/RESULTS.md (section "Cluster").

    .venv/bin/python tests/benchmarks/bench_cluster.py [--scales 1 3 10]
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
from bench_scale import CACHE, history_file
from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Cluster (bench_cluster.py)"
PUSHWISE = [sys.executable, "-m", "ml.cli"]
STEPS = ("train", "recommend", "forecast", "backtest")
# Every measurement as it is taken (a long run can be read before it ends).
LOG = CACHE / "cluster-results.jsonl"


@dataclass(frozen=True, slots=True)
class Step:
    """One command at one scale in one mode."""

    scale: float
    lines: int
    mode: str
    step: str
    seconds: float
    driver_mb: float
    worker_mb: tuple[float, ...]


def project_for(scale: float) -> tuple[Path, int]:
    """An imported project of the scale's history (made once) and its lines."""
    source, lines = history_file(scale)
    work = CACHE / f"cluster-{scale:g}x"
    work.mkdir(parents=True, exist_ok=True)
    project = work / "base.pushwise"
    if not project.exists():
        imported = work / "importing.pushwise"
        imported.unlink(missing_ok=True)
        subprocess.run(
            [*PUSHWISE, "import", str(source), "--project", str(imported)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        imported.rename(project)
    return project, lines


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak(pid: int) -> None:
    # "5" resets the peak resident set size the kernel keeps (VmHWM).
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def run_step(command: list[str], workers: list[int]) -> tuple[float, float, tuple]:
    """Wall seconds and peak RSS of a fresh process, and each worker's peak."""
    for pid in workers:
        _reset_peak(pid)
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, tuple(_peak_mb(pid) for pid in workers)


def measure(
    scale: float, address: str, workers: list[int], backtest: bool
) -> list[Step]:
    """Every step locally, then on the cluster, on fresh copies of the project."""
    base, lines = project_for(scale)
    work = base.parent
    results = []
    for mode in ("local", "cluster"):
        project = work / f"{mode}.pushwise"
        shutil.copyfile(base, project)
        extra = ["--scheduler", address] if mode == "cluster" else []
        pids = workers if mode == "cluster" else []
        source = ["--project", str(project), *extra]
        plan, forecast = work / f"plan-{mode}.csv", work / f"fc-{mode}.csv"
        commands = {
            "train": ["train", *source],
            "recommend": ["recommend", *source, "--out", str(plan)],
            "forecast": ["forecast", *source, "--out", str(forecast)],
            "backtest": [
                "backtest",
                *source,
                "--folds",
                "2",
                "--out",
                str(work / f"backtest-{mode}"),
            ],
        }
        for step in STEPS:
            if step == "backtest" and not backtest:
                continue
            seconds, driver, peaks = run_step([*PUSHWISE, *commands[step]], pids)
            result = Step(scale, lines, mode, step, seconds, driver, peaks)
            print(result, flush=True)
            with LOG.open("a", encoding="utf-8") as log:
                log.write(json.dumps(asdict(result)) + "\n")
            results.append(result)
        project.unlink()
    for name in ("plan", "fc"):
        same = filecmp.cmp(
            work / f"{name}-local.csv", work / f"{name}-cluster.csv", shallow=False
        )
        print(f"{scale:g}x {name}: cluster {'==' if same else '!='} local", flush=True)
        if not same:
            raise RuntimeError(f"{scale:g}x: the cluster's {name} differs from local")
    return results


def exponent(results: list[Step], mode: str, step: str, field: str) -> float:
    """Slope of log(field) on log(lines) over the scales measured."""
    chosen = [r for r in results if r.mode == mode and r.step == step]
    if len({r.lines for r in chosen}) < 2:
        return float("nan")
    x = np.log([r.lines for r in chosen])
    y = np.log([_value(r, field) for r in chosen])
    return float(np.polyfit(x, y, 1)[0])


def _value(result: Step, field: str) -> float:
    if field == "memory":
        return max((result.driver_mb, *result.worker_mb))
    return result.seconds


def render(results: list[Step]) -> str:
    """The RESULTS.md section."""
    lines = [
        SECTION,
        "",
        f"Grocery-shaped histories of bench_scale.py; measured {date.today():%Y-%m-%d} "
        f"on {platform.machine()} ({os.cpu_count()} cores, shared with other "
        f"work), Python {platform.python_version()}. Local: one `pushwise` "
        "process, OpenMP/BLAS on 2 threads. Cluster: the same command with "
        "--scheduler on a distributed.LocalCluster of 2 worker processes, 1 "
        "thread each, on the same 2 cores (so the cluster adds no cores: the "
        "figures show the overhead and the memory split, not a speed-up from "
        "more machines). Peak MB: resident set of the `pushwise` process and "
        "of each worker over the step. Plan and forecast CSVs identical to "
        "the local run's at every scale.",
        "",
        "| scale | lines | step | local s | local peak MB | cluster s | "
        "cluster driver peak MB | cluster worker peaks MB |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for scale in sorted({r.scale for r in results}):
        for step in STEPS:
            local = _find(results, scale, "local", step)
            there = _find(results, scale, "cluster", step)
            if local is None or there is None:
                continue
            workers = " / ".join(f"{mb:,.0f}" for mb in there.worker_mb)
            lines.append(
                f"| {scale:g}x | {local.lines:,} | {step} | {local.seconds:.1f} | "
                f"{local.driver_mb:,.0f} | {there.seconds:.1f} | "
                f"{there.driver_mb:,.0f} | {workers} |"
            )
    lines.append("")
    for scale in sorted({r.scale for r in results}):
        every = [r for r in results if r.scale == scale and r.step != "backtest"]
        local = [r for r in every if r.mode == "local"]
        there = [r for r in every if r.mode == "cluster"]
        if local and there:
            lines.append(
                f"Largest process of train, recommend and forecast at {scale:g}x: "
                "local "
                f"{max(r.driver_mb for r in local):,.0f} MB; on the cluster the "
                f"desktop's `pushwise` process {max(r.driver_mb for r in there):,.0f} "
                f"MB, the largest worker "
                f"{max(max(r.worker_mb) for r in there):,.0f} MB."
            )
    lines.append("")
    for step in STEPS:
        growth = [
            f"{mode} time {exponent(results, mode, step, 'seconds'):.2f}, "
            f"largest process {exponent(results, mode, step, 'memory'):.2f}"
            for mode in ("local", "cluster")
        ]
        if not any("nan" in text for text in growth):
            lines.append(
                f"Growth exponent of {step} (slope of log on log lines; 1 = "
                f"linear): {'; '.join(growth)}."
            )
    return "\n".join(lines) + "\n"


def _find(results: list[Step], scale: float, mode: str, step: str) -> Step | None:
    for result in results:
        if (result.scale, result.mode, result.step) == (scale, mode, step):
            return result
    return None


def logged() -> list[Step]:
    """The measurements in LOG, the newest of each scale, mode and step."""
    newest: dict[tuple[float, str, str], Step] = {}
    for line in LOG.read_text(encoding="utf-8").splitlines():
        fields = json.loads(line)
        fields["worker_mb"] = tuple(fields["worker_mb"])
        step = Step(**fields)
        newest[(step.scale, step.mode, step.step)] = step
    return list(newest.values())


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.0, 10.0])
    parser.add_argument(
        "--backtest-max",
        type=float,
        default=1.0,
        help="backtest only up to this scale (default 1)",
    )
    parser.add_argument(
        "--from-log",
        action="store_true",
        help=f"only write RESULTS.md again from the measurements in {LOG}",
    )
    args = parser.parse_args()
    if args.from_log:
        replace_section(SECTION, render(logged()))
        return
    results: list[Step] = []
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=0,
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        workers = sorted(client.run(os.getpid).values())
        for scale in args.scales:
            results += measure(
                scale,
                cluster.scheduler_address,
                workers,
                backtest=scale <= args.backtest_max,
            )
            replace_section(SECTION, render(results))


if __name__ == "__main__":
    main()
