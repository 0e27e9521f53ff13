"""Start-up: from launching the GUI to its main window on screen with the sample
project open (target: under 1.5 s, on a busy machine too). Each run is a
fresh process, as a user's launch is; the figure is the median of RUNS.
With --load N, N other processes keep the cores busy meanwhile.

Run by hand (`make bench`); writes the "Start-up" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
TARGET_S = 1.5
# What keeps a core busy: a process spinning in pure Python.
SPIN = [sys.executable, "-c", "while True: pass"]

# Runs in the child: the same steps as `pushwise-gui PROJECT`, then reports how
# long after the process started the window was exposed and which heavy
# modules had been loaded by then (by any thread).
CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from app.main import make_application
from app.selftest import seconds_since_process_start
from app.window import MainWindow

application = make_application(["pushwise-gui"])
window = MainWindow()
window.open_project(Path(sys.argv[1]))
window.show()

def shown():
    heavy = [m for m in ("sklearn", "scipy", "pyarrow.compute") if m in sys.modules]
    print(f"{seconds_since_process_start():.3f}", ",".join(heavy) or "-")
    application.quit()

QTimer.singleShot(0, shown)
application.exec()
window.state.shutdown()
"""


def sample_project(folder: Path) -> Path:
    """The bundled sample imported into a project, as `make run` makes it."""
    path = folder / "sample.pushwise"
    sample = ROOT / "resources" / "sample" / "online_retail_sample.csv.gz"
    subprocess.run(
        [sys.executable, "-m", "ml.cli", "import", str(sample), "--project", str(path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return path


def launch(project: Path, environment: dict[str, str]) -> tuple[float, str]:
    """One cold launch: seconds to the window shown, heavy modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(project)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
    )
    seconds, heavy = done.stdout.split()[-2:]
    return float(seconds), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--load", type=int, default=0, help="other processes keeping cores busy"
    )
    load = parser.parse_args().load
    spinners = []
    with tempfile.TemporaryDirectory() as folder:
        project = sample_project(Path(folder))
        environment = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "PUSHWISE_DATA_DIR": str(Path(folder) / "data"),
            "XDG_CONFIG_HOME": str(Path(folder) / "config"),
        }
        spinners = [subprocess.Popen(SPIN) for _ in range(load)]
        try:
            runs = [launch(project, environment) for _ in range(RUNS)]
        finally:
            for spinner in spinners:
                spinner.kill()
    seconds = [s for s, _ in runs]
    heavy = sorted({h for _, h in runs})
    median = statistics.median(seconds)
    title = (
        "## Start-up under load (bench_startup.py --load)"
        if load
        else "## Start-up (bench_startup.py)"
    )
    section = (
        f"{title}\n\n"
        f"From launching `pushwise-gui` on the sample project to its window on "
        f"screen (offscreen platform), {RUNS} fresh processes"
        + (f", {load} other processes keeping the cores busy" if load else "")
        + ": median "
        f"**{median:.2f} s**, fastest {min(seconds):.2f} s, slowest "
        f"{max(seconds):.2f} s (target < {TARGET_S:.1f} s: "
        f"{'met' if median < TARGET_S else 'MISSED'}). Already loaded by then, "
        f"on the jobs' worker threads that opening a project starts (the saved "
        f"model, the Data page's numbers): {', '.join(heavy)}.\n"
    )
    replace_section(title, section)
    print(section)


if __name__ == "__main__":
    main()
