"""Errors reach the user in plain words; tracebacks go to the log file only."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.errors import GENERIC_WHAT, ErrorDialog, install_excepthook, show_error
from ml.errors import InputDataError


def open_dialogs(parent: QWidget) -> list[ErrorDialog]:
    return [d for d in parent.findChildren(ErrorDialog) if d.isVisible()]


def test_an_engine_error_says_where_what_and_what_to_do(qtbot, user_data: Path):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    error = InputDataError(
        "'31/02/2024' is not a date.",
        file="/home/anna/orders.csv",
        row=118,
        column="Order date",
        hint="Check the date format in the column mapping.",
    )
    dialog = show_error(parent, error, context="The file could not be imported.")
    assert dialog.text() == (
        "The file could not be imported.\n\n"
        "orders.csv, row 118, column 'Order date': '31/02/2024' is not a date."
    )
    assert dialog.informativeText() == "Check the date format in the column mapping."
    assert "InputDataError" in dialog.detailedText()
    dialog.close()


def test_an_unexpected_error_is_logged_and_shown_without_its_traceback(
    qtbot, user_data: Path, monkeypatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    parent.activateWindow()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook()
    try:
        raise KeyError("offering_id")
    except KeyError as error:
        sys.excepthook(type(error), error, error.__traceback__)

    def shown() -> list[ErrorDialog]:
        return [w for w in _top_level_dialogs() if w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()))
    dialog = shown()[0]
    assert dialog.text() == GENERIC_WHAT
    assert "Traceback" not in dialog.text() + dialog.informativeText()
    log = (user_data / "logs" / "pushwise.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError: 'offering_id'" in log
    dialog.close()


def _top_level_dialogs() -> list[ErrorDialog]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
