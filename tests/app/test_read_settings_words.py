"""How a file was read, in words a marketer knows: no codec names, no 'encoding'."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.importwizard import ImportWizard
from app.importwizard.labels import text_kind
from app.importwizard.wizard import REPORT_PAGE
from app.state import AppState
from app.window import MainWindow

WAIT_MS = 60_000
JARGON = ("cp1252", "latin-1", "1252", "encoding", "delimiter", "dtype", "nan", "null")
CSV = "customer;product;date;amount\nc1;Crème brûlée £;2024-03-04;2,50\n"


def _jargon_in(text: str) -> list[str]:
    return [word for word in JARGON if word in text.lower()]


@pytest.fixture
def western_file(tmp_path: Path) -> Path:
    """A semicolon-separated file saved by an older Windows program."""
    path = tmp_path / "orders-export.csv"
    path.write_bytes(CSV.encode("cp1252"))
    return path


@pytest.fixture
def state(qtbot, tmp_path: Path) -> Iterator[AppState]:
    app_state = AppState()
    app_state.new_project(tmp_path / "shop.pushwise")
    yield app_state
    app_state.shutdown()


@pytest.mark.parametrize(
    ("codec", "words"),
    [
        ("cp1252", "Western European text (Windows)"),
        ("latin-1", "Western European text (ISO)"),
        ("utf-8", "Unicode text (UTF-8)"),
        ("utf-8-sig", "Unicode text (UTF-8)"),
        ("utf-16-le", "Unicode text (UTF-16)"),
        ("koi8_r", "text in a less common character set"),
    ],
)
def test_each_character_set_has_plain_words(codec: str, words: str) -> None:
    assert text_kind(codec) == words


def test_the_wizard_says_how_the_file_was_read_in_plain_words(
    qtbot, state: AppState, western_file: Path
) -> None:
    wizard = ImportWizard(state, files=[western_file])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    preview = wizard.preview_page
    combo = preview.encoding_combo
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert shown[0] == "Detect  — Western European (Windows)"
    assert _jargon_in(" ".join(shown)) == []
    wizard.next()
    wizard.button(QWizard.WizardButton.NextButton).click()  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)
    details = wizard.report_page.details_label.text()
    assert "Read as Western European text (Windows)" in details
    assert _jargon_in(details) == []


def test_the_import_history_says_how_the_file_was_read_in_plain_words(
    qtbot, window: MainWindow, tmp_path: Path, western_file: Path
) -> None:
    window.state.new_project(tmp_path / "history.pushwise")
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    job = window.start_import([western_file])
    assert job is not None
    page = window.pages["data"]
    qtbot.waitUntil(lambda: page.imports_panel._records != [], timeout=WAIT_MS)
    report = page.imports_panel.report_label.text()
    assert (
        "Read as Western European text (Windows), with the columns separated by "
        "semicolons." in report
    )
    assert _jargon_in(report) == []
