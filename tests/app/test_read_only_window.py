"""The window with a read-only or a damaged project (issue 11, defects 6, 7)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import duckdb
import pytest
from PySide6.QtWidgets import QApplication, QLabel

from app.errors import ErrorDialog, describe
from app.pages.model import ModelPage
from app.window import MainWindow
from ml.errors import ProjectError
from ml.mapping.mapping import ColumnMapping
from ml.progress import never, no_report
from ml.store.project import Project
from ml.workflows.imports import ImportRequest, run_import
from tests.reliability.faults import deny_writing


@pytest.fixture(autouse=True)
def close_error_dialogs() -> Iterator[None]:
    """Error dialogs are windows of their own: none outlives its test."""
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ErrorDialog):
            widget.close()


def test_a_read_only_project_opens_with_a_note_in_the_status_bar(
    qtbot, window: MainWindow, small_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, small_project)
    assert window.open_project(small_project)
    assert window.central.currentWidget() is window.workspace
    assert window.findChild(ErrorDialog) is None
    label = window.findChild(QLabel, "read_only_label")
    assert label is not None and label.isVisibleTo(window)
    assert label.text() == "Read-only: the file is read-only"
    assert "Copy it somewhere you can write to" in label.toolTip()
    window.state.close_project()
    assert not label.isVisibleTo(window)


def test_a_damaged_project_is_refused_when_opened(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    data = bytearray(small_project.read_bytes())
    small_project.write_bytes(bytes(data[: len(data) // 2]))
    assert not window.open_project(small_project)
    dialog = window.findChild(ErrorDialog)
    assert dialog is not None and dialog.isVisible()
    assert "damaged" in dialog.text()
    assert "backup" in dialog.informativeText()
    assert window.central.currentWidget() is window.start_screen


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(28, "No space left on device", "plan.csv"), "The disk is full"),
        (
            duckdb.IOException('Could not write file "a.pushwise.wal": File too large'),
            "The disk is full",
        ),
        (
            duckdb.Error("Corrupt database file: computed checksum 1 does not match"),
            "The project file is damaged",
        ),
        (
            duckdb.InvalidInputException(
                "Cannot execute statement of type INSERT on database 'a' which is "
                "attached in read-only mode!"
            ),
            "opened read-only",
        ),
    ],
    ids=["disk-full", "file-too-large", "damaged", "read-only"],
)
def test_faults_are_described_in_plain_words(
    error: BaseException, expected: str
) -> None:
    what, todo = describe(error)
    assert what.startswith(expected) or expected in what
    assert todo


def test_train_on_a_read_only_project_is_refused_before_any_training(
    qtbot, window: MainWindow, small_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, small_project)
    assert window.open_project(small_project)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=60_000)
    window.show_page("model")
    page = window.pages["model"]
    assert isinstance(page, ModelPage)
    page.train_button.click()
    # Said at once, before the minutes of training: no job is started.
    assert page.job is None and not window.state.busy
    dialog = window.findChild(ErrorDialog)
    assert dialog is not None
    assert "cannot be changed: the file is read-only" in dialog.text()
    dialog.close()
    assert window.state.model is None


def test_the_import_wizard_refuses_a_read_only_project_before_reading(
    small_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_writing(monkeypatch, small_project)
    read: list[object] = []
    monkeypatch.setattr(
        "ml.workflows.imports.import_file", lambda *args, **kwargs: read.append(args)
    )
    # Refused before the mapping is ever used.
    request = ImportRequest(tmp_path / "orders.csv", cast(ColumnMapping, None))
    with (
        Project.open(small_project) as project,
        pytest.raises(ProjectError, match="cannot be changed"),
    ):
        run_import(project, request, no_report, never)
    assert read == []
