"""The interim `pushwise-gui` window shows a project's summary."""

from __future__ import annotations

from unittest.mock import patch

from app.main import ProjectSummaryWindow
from ml.cli import main as cli
from tests.conftest import SAMPLE


def test_window_shows_the_project_summary(qtbot, tmp_path) -> None:
    project = tmp_path / "sample.pushwise"
    assert cli(["import", str(SAMPLE), "--project", str(project)]) == 0
    window = ProjectSummaryWindow()
    qtbot.addWidget(window)
    window.open_project(project)
    assert "872 customers" in window.statusBar().currentMessage()
    assert "online_retail_sample.csv.gz" in window.summary_view.toPlainText()
    assert window.windowTitle() == "Pushwise — sample.pushwise"


def test_a_damaged_project_gives_a_plain_message(qtbot, tmp_path) -> None:
    broken = tmp_path / "broken.pushwise"
    broken.write_bytes(b"not a project" * 100)
    window = ProjectSummaryWindow()
    qtbot.addWidget(window)
    with patch("app.main.QMessageBox.warning") as warning:
        window.open_project(broken)
    (_, title, message), _ = warning.call_args
    assert title == "Cannot open the project"
    assert "broken.pushwise" in message and "Traceback" not in message
