"""The window never loads scikit-learn or a fitted model: training, the check
on past weeks, the push plan and the backtest charts all run in worker
processes, and the window holds only what it shows (a laptop with a
1.5 M-line project open keeps its memory for the user's other work)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Modules a window that only shows results must not load.
HEAVY = ("sklearn", "scipy", "ml.models.ranker", "ml.workflows.train")


def drive_window(project: str, settings_file: str, ranker_options: str) -> None:
    """Open `project` in a real window, train with the Model page, wait for
    the push plan and the Backtest page's charts, and print the heavy modules
    the window process loaded (as JSON), run in its own process (this
    module imports nothing heavy: the test's own imports would count)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.settings import Settings
    from app.warmup import start_warm_up
    from app.window import MainWindow

    app = QApplication([])
    window = MainWindow(
        settings=Settings(QSettings(settings_file, QSettings.Format.IniFormat))
    )
    window.show()
    warm_up = start_warm_up()  # as the app starts

    def wait_until(done: object, seconds: float = 240) -> None:
        for _ in range(int(seconds * 20)):
            if done():  # type: ignore[operator]
                return
            QTest.qWait(50)
        raise TimeoutError

    assert window.open_project(Path(project))
    wait_until(lambda: not window.state.busy)
    page = window.pages["model"]
    page.ranker_options = json.loads(ranker_options)  # type: ignore[attr-defined]
    page.folds_spin.setValue(1)  # type: ignore[attr-defined]
    page.train_button.click()  # type: ignore[attr-defined]
    state = window.state
    wait_until(lambda: state.plan is not None and state.backtest is not None)
    wait_until(lambda: not state.busy)
    window.show_page("backtest")
    QTest.qWait(200)
    wait_until(lambda: not warm_up.is_alive())
    loaded = [name for name in HEAVY if name in sys.modules]
    print(json.dumps({"loaded": loaded, "pushes": len(state.plan.rows)}))
    state.shutdown()
    app.quit()


@pytest.mark.slow
def test_training_and_planning_leave_the_window_light(
    weekly_template: Path, tmp_path: Path
) -> None:
    from tests.app.test_model_page import TINY

    project = tmp_path / "weekly.pushwise"
    project.write_bytes(weekly_template.read_bytes())
    script = (
        "from tests.app.test_window_stays_light import drive_window; "
        f"drive_window({str(project)!r}, {str(tmp_path / 'settings.ini')!r}, "
        f"{json.dumps(TINY)!r})"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["pushes"] > 0  # the plan was made (in a worker)
    assert shown["loaded"] == []
