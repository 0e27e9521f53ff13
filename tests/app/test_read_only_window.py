"""The window with a read-only or a damaged project (issue 11, defects 6, 7)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from PySide6.QtWidgets import QLabel

from app.errors import ErrorDialog, describe
from app.window import MainWindow


def test_a_read_only_project_opens_with_a_note_in_the_status_bar(
    qtbot, window: MainWindow, small_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.access

    def access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
        if Path(path) == small_project and mode & os.W_OK:
            return False
        return real(path, mode)

    monkeypatch.setattr(os, "access", access)
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
