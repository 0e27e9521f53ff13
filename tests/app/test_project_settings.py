"""File > Project settings…: the cluster address saved in the project, and
Test connection saying whether the scheduler answers and with how many
workers, without holding the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.projectsettings import ProjectSettingsDialog
from ml import compute

distributed = pytest.importorskip("distributed")

LEFT = Qt.MouseButton.LeftButton


def _open_dialog(window, small_project) -> ProjectSettingsDialog:
    window.open_project(small_project)
    assert window.window_actions.settings_action.isEnabled()
    window.window_actions.settings_action.trigger()
    dialog = window.findChild(ProjectSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_the_address_is_saved_in_the_project(qtbot, window, small_project) -> None:
    dialog = _open_dialog(window, small_project)
    assert dialog.address_edit.text() == ""
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    dialog.address_edit.setText("analytics-01:8786")
    qtbot.mouseClick(save, LEFT)
    assert "'analytics-01:8786' is not a scheduler address" in (
        dialog.result_label.text()
    )
    assert compute.read_scheduler(window.state.reader) is None
    dialog.address_edit.setText(" tcp://analytics-01:8786 ")
    qtbot.mouseClick(save, LEFT)
    assert not dialog.isVisible()
    assert compute.read_scheduler(window.state.reader) == "tcp://analytics-01:8786"
    window.window_actions.settings_action.trigger()
    again = [d for d in window.findChildren(ProjectSettingsDialog) if d.isVisible()]
    assert again[0].address_edit.text() == "tcp://analytics-01:8786"


def test_test_connection_counts_the_workers(qtbot, window, small_project) -> None:
    dialog = _open_dialog(window, small_project)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    ) as cluster:
        dialog.address_edit.setText(cluster.scheduler_address)
        with qtbot.waitSignal(dialog.connection_checked, timeout=20_000) as said:
            qtbot.mouseClick(dialog.test_button, LEFT)
            assert not dialog.test_button.isEnabled()  # a job: the window runs on
    assert said.args[0].startswith(
        f"Reached the scheduler at {cluster.scheduler_address}: 1 worker with 2 threads"
    )
    assert dialog.test_button.isEnabled()


def test_an_unreachable_scheduler_is_said(
    qtbot, window, small_project, monkeypatch
) -> None:
    monkeypatch.setattr(compute, "_CONNECT_S", 0.5)
    dialog = _open_dialog(window, small_project)
    dialog.address_edit.setText("tcp://127.0.0.1:9")
    with qtbot.waitSignal(dialog.connection_checked, timeout=20_000) as said:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert said.args[0].startswith(
        "could not reach the cluster's scheduler at tcp://127.0.0.1:9"
    )
