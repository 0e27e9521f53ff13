"""`pushwise-gui --self-test OUT`: the whole workflow on the sample, through the
GUI's own workers, with a screenshot of every page, run once for this module."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app.pages import workflow_pages
from app.selftest import REPORT_NAME

# Issue 4's target: the window reacts within 100 ms while a job runs. Met in
# the last runs for every step (training 51-65 ms); training was 89-197 ms
# before the fixes in app/warmup.py (see RESULTS.md "GUI responsiveness"), so
# for training this test guards against a freeze the user would notice rather
# than risk failing now and then on a busy machine.
TARGET_STALL_MS = 100
FREEZE_MS = 250
SHOTS = [
    "00-start.png",
    "01-data.png",
    "02-import-preview.png",
    "03-import-mapping.png",
    "04-model.png",
    "05-plan.png",
    "06-plan-by-offering.png",
    "07-backtest.png",
    "08-campaigns.png",
    "09-campaign-results.png",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def self_test(qapp, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """Run the self-test once: its exit code and output folder."""
    from app.main import main

    out = tmp_path_factory.mktemp("self-test")
    with pytest.MonkeyPatch.context() as patch:  # main() installs its hooks
        patch.setattr(sys, "excepthook", sys.excepthook)
        patch.setattr(threading, "excepthook", threading.excepthook)
        code = main(["pushwise-gui", "--self-test", str(out)])
    return code, out


def _report(out: Path) -> str:
    return (out / REPORT_NAME).read_text(encoding="utf-8")


def _number(report: str, pattern: str) -> float:
    found = re.search(pattern, report)
    assert found, f"{pattern!r} not in the report:\n{report}"
    return float(found.group(1))


def test_it_passes_and_screenshots_every_page(self_test: tuple[int, Path]) -> None:
    code, out = self_test
    report = _report(out)
    assert code == 0, report
    assert report.startswith("result: passed")
    assert sorted(path.name for path in out.glob("*.png")) == SHOTS
    for spec in workflow_pages():
        assert any(spec.key in name for name in SHOTS), spec.key


def test_the_screenshots_show_something(self_test: tuple[int, Path]) -> None:
    _code, out = self_test
    for name in SHOTS:
        image = QImage(str(out / name))
        assert image.width() >= 600 and image.height() >= 400, name
        # Not a blank window: many distinct colours across the picture.
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colours) > 20, name


def test_the_window_never_freezes_while_a_job_runs(
    self_test: tuple[int, Path],
) -> None:
    """During the import, the training with its backtest and the plan."""
    _code, out = self_test
    report = _report(out)

    def busy_stall(step: str) -> float:
        return _number(report, rf"step: [^\n]*{step}[^\n]*\((\d+) ms while a job ran")

    assert busy_stall("import") < TARGET_STALL_MS, report
    assert busy_stall("push plan") < TARGET_STALL_MS, report
    assert busy_stall("train and check") < FREEZE_MS, report


def test_cancel_stops_the_training_promptly(self_test: tuple[int, Path]) -> None:
    _code, out = self_test
    seconds = _number(_report(out), r"training stopped ([\d.]+) s after Cancel")
    assert seconds < 2.0  # "within about a second", with room for a busy machine
