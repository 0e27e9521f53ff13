"""The window on a grocery-sized project (run by hand).

Opens the 1x grocery-shaped project of bench_scale.py (grocery.py: about
1.5 M lines, 2,500 households, 70,000 products; imported once with the CLI
in a separate process) in a real window (offscreen platform, fresh user
folders), then does what a user does on the Model page: starts a training
and cancels it, trains (the model is saved) and checks it on past weeks
(Train), and waits for the push plan. For each step: its wall time, the GUI
thread's longest stall (app.selftest.StallMeter: a 10 ms timer's largest
gap, and the 99th percentile of the gaps while a job ran), the window
process's peak resident memory so far and the largest worker process's
(Train, the check and imports run in one); and how soon Cancel stopped the
training. With --load N, N other processes keep the cores busy throughout
(a user's laptop is rarely quiet).
Writes tests/benchmarks/RESULTS.md (section "The window on a grocery-sized
project", or "... under load").

    .venv/bin/python tests/benchmarks/bench_gui_scale.py [--scale 1] [--load 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_scale import CACHE, PUSHWISE, ROOT, history_file
from results_file import replace_section

SECTION = "## The window on a grocery-sized project (bench_gui_scale.py)"
LOADED_SECTION = (
    "## The window on a grocery-sized project under load (bench_gui_scale.py --load)"
)
# What keeps a core busy: a process spinning in pure Python.
SPIN = [sys.executable, "-c", "while True: pass"]


def project_for(scale: float) -> tuple[Path, int]:
    """The imported project of this scale (made once by `pushwise import`)."""
    source, lines = history_file(scale)
    folder = CACHE / f"gui-{scale:g}x"
    project = folder / "grocery.pushwise"
    if not project.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        command = [*PUSHWISE, "import", str(source), "--project", str(project)]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return project, lines


def peak_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_peak_mb() -> float:
    """The largest ended child process's peak resident memory (MB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure(project: Path) -> tuple[list[dict[str, object]], float]:
    """Drive the window; a row per step and Cancel's delay (seconds)."""
    from PySide6.QtWidgets import QApplication

    from app.jobs import Job
    from app.pages.model import ModelPage
    from app.pages.plan import PushPlanPage
    from app.selftest import StallMeter, fresh_user_folders, settle, wait
    from app.warmup import start_warm_up
    from app.window import MainWindow
    from ml.workflows.settings import CHECK_STARTS

    application = QApplication.instance() or QApplication(sys.argv)
    rows: list[dict[str, object]] = []
    cancel_seconds = float("nan")
    with fresh_user_folders() as settings:
        window = MainWindow(settings=settings)
        window.resize(1280, 860)
        window.show()
        loading = start_warm_up()
        meter = StallMeter(busy=lambda: window.state.busy)

        def model_page() -> ModelPage:
            window.build_pages()
            page = window.pages["model"]
            assert isinstance(page, ModelPage)
            return page

        def step(name: str, action: Callable[[], None]) -> None:
            meter.reset()
            started = time.monotonic()
            action()
            rows.append(
                {
                    "step": name,
                    "seconds": time.monotonic() - started,
                    "stall_ms": meter.largest_busy_gap_ms,
                    "p99_ms": meter.busy_percentile_ms(0.99),
                    "peak_mb": peak_mb(),
                    "worker_mb": worker_peak_mb(),
                }
            )
            print(rows[-1], flush=True)

        def open_project() -> None:
            if loading is not None:
                wait(lambda: not loading.is_alive())
            if not window.open_project(project):
                raise RuntimeError(f"{project} did not open")
            wait(lambda: getattr(window.pages["data"], "content", None) is not None)
            wait(lambda: not window.state.busy)

        def start_training() -> ModelPage:
            window.show_page("model")
            settle(0.2)
            page = model_page()
            # A job that just ended gives the project back a moment later.
            wait(lambda: not window.state.busy and page.train_button.isEnabled())
            page.train_button.click()
            if page.job is None:
                raise RuntimeError("training did not start")
            return page

        def cancel() -> None:
            nonlocal cancel_seconds
            page = start_training()
            job = page.job
            assert job is not None
            wait(lambda: job.fraction > 0.05)
            page.progress.cancel_button.click()
            asked = time.monotonic()
            wait(lambda: job.done)
            cancel_seconds = time.monotonic() - asked

        training: list[Job] = []

        def fit_and_save() -> None:
            job = start_training().job
            assert job is not None
            training.append(job)
            # The model is saved when the check on past weeks starts.
            wait(lambda: job.fraction >= CHECK_STARTS or job.done, timeout_s=3_600)

        def check() -> None:
            job = training[-1]
            wait(lambda: job.done, timeout_s=3_600)
            if window.state.model is None or window.state.backtest is None:
                raise RuntimeError("training ended without a checked model")

        def plan() -> None:
            window.build_pages()
            plan_page = window.pages["plan"]
            assert isinstance(plan_page, PushPlanPage)
            window.show_page("plan")
            wait(lambda: window.state.plan is not None and not window.state.busy)
            wait(lambda: plan_page.all_model.rowCount() > 0)

        meter.start()
        try:
            step("open the project", open_project)
            step("start a training, Cancel", cancel)
            step("Train: fit and save the model", fit_and_save)
            step("Train: then check it on 3 earlier dates", check)
            step("push plan (score every customer, rules)", plan)
        finally:
            meter.stop()
            window.state.shutdown()
            window.close()
    application.processEvents()
    return rows, cancel_seconds


def render(
    rows: list[dict[str, object]],
    cancel_seconds: float,
    lines: int,
    scale: float,
    load: int,
) -> str:
    """The RESULTS.md section."""
    loaded = (
        f" {load} other processes kept the cores busy throughout."
        if load
        else " The machine was otherwise quiet."
    )
    out = [
        LOADED_SECTION if load else SECTION,
        "",
        f"The {scale:g}x grocery-shaped project ({lines:,} order lines), opened "
        "in a real window (offscreen), fresh user folders; measured "
        f"{date.today():%Y-%m-%d} on {platform.machine()}, {os.cpu_count()} "
        "cores, one process. Longest stall = the GUI thread's largest gap "
        "between 10 ms ticks while a job ran, p99 = the 99th percentile of "
        "those gaps; window memory = the window's process so far, worker = "
        "the largest worker process so far (Train, the check, imports and "
        "the push plan's scoring run in worker processes)." + loaded,
        "",
        "| step | seconds | longest stall (ms) | p99 stall (ms) "
        "| window peak memory (MB) | worker peak memory (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        figures = [float(row[key]) for key in ("seconds", "stall_ms", "p99_ms")]  # type: ignore[arg-type]
        memory = [float(row[key]) for key in ("peak_mb", "worker_mb")]  # type: ignore[arg-type]
        out.append(
            f"| {row['step']} | {figures[0]:.0f} | {figures[1]:.0f} | "
            f"{figures[2]:.0f} | {memory[0]:,.0f} | {memory[1]:,.0f} |"
        )
    out += ["", f"Cancel stopped the training {cancel_seconds:.1f} s after the click."]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--load", type=int, default=0, help="other processes keeping cores busy"
    )
    args = parser.parse_args()
    project, lines = project_for(args.scale)
    spinners = [subprocess.Popen(SPIN) for _ in range(args.load)]
    try:
        rows, cancel_seconds = measure(project)
    finally:
        for spinner in spinners:
            spinner.kill()
    section = LOADED_SECTION if args.load else SECTION
    replace_section(section, render(rows, cancel_seconds, lines, args.scale, args.load))


if __name__ == "__main__":
    main()
