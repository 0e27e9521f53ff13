"""Import speed and memory on the full UCI Online Retail file (run by hand).

Compares, in one run, the time to import the file into a new project (read +
map + validate + store) with plain ``pandas.read_csv`` of the same file, and
measures the import's peak resident memory. Each measurement runs in a fresh
subprocess so that peak RSS belongs to that step alone. Writes the figures to
tests/benchmarks/RESULTS.md (section "Import").

    .venv/bin/python tests/benchmarks/bench_import.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"

# Each snippet prints {"seconds": ..., "peak_rss_mb": ...} for its own process.
_MEASURE = """
import json, resource, sys, time
steps = []
{setup}
start = time.perf_counter()
{work}
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_rss_mb": peak, "steps": steps}}))
"""

PANDAS = _MEASURE.format(
    setup="import pandas as pd",
    work=f"frame = pd.read_csv({str(DATA)!r})",
)


def _import_snippet(project: Path) -> str:
    return _MEASURE.format(
        setup="from ml.store.project import Project\n"
        "from ml.importing.importer import import_file",
        work="def note(fraction, message):\n"
        "    steps.append((time.perf_counter() - start, message))\n"
        f"with Project.open({str(project)!r}, create=True) as p:\n"
        f"    report = import_file(p, {str(DATA)!r}, report=note)\n"
        "assert report.rows_imported + report.rows_returns + report.rows_rejected"
        " == 541909",
    )


def _run(code: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    pandas_runs, import_runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.repeats):  # interleaved, so machine noise hits both
            pandas_runs.append(_run(PANDAS))
            import_runs.append(
                _run(_import_snippet(Path(folder) / f"bench{i}.pushwise"))
            )
    pandas_s = statistics.median(r["seconds"] for r in pandas_runs)
    import_s = statistics.median(r["seconds"] for r in import_runs)
    import_rss = max(r["peak_rss_mb"] for r in import_runs)
    pandas_rss = max(r["peak_rss_mb"] for r in pandas_runs)
    ratio = import_s / pandas_s
    median_run = sorted(import_runs, key=lambda r: r["seconds"])[len(import_runs) // 2]
    step_rows = _step_rows(median_run)
    section = "\n".join(
        [
            "## Import (bench_import.py)",
            "",
            f"Full UCI Online Retail file (541,909 lines, 7.6 MB gzip), "
            f"{args.repeats} interleaved runs, medians; measured {date.today()} on "
            f"{platform.machine()} with Python {platform.python_version()}.",
            "",
            "| step | median time (s) | peak RSS (MB) |",
            "| --- | ---: | ---: |",
            f"| plain `pandas.read_csv` | {pandas_s:.3f} | {pandas_rss:.0f} |",
            f"| Pushwise import (read + map + validate + store) | {import_s:.3f} "
            f"| {import_rss:.0f} |",
            "",
            f"Ratio import / read_csv: **{ratio:.2f}x** (target <= 1.5x); "
            f"peak RSS **{import_rss:.0f} MB** (target < 1024 MB).",
            "",
            "Where the time of the median import run goes (each progress message "
            "and the time until the next):",
            "",
            "| step (progress message) | seconds |",
            "| --- | ---: |",
            *step_rows,
            "",
        ]
    )
    replace_section("## Import (bench_import.py)", section)
    print(section)


def _step_rows(run: dict[str, object]) -> list[str]:
    """Time between consecutive progress messages: what each step took."""
    steps = run["steps"]
    assert isinstance(steps, list)
    ends = [seconds for seconds, _ in steps[1:]] + [float(run["seconds"])]
    return [
        f"| {message} | {end - start:.3f} |"
        for (start, message), end in zip(steps, ends, strict=True)
    ]


if __name__ == "__main__":
    main()
