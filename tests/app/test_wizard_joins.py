"""The import wizard joins order lines with their order headers and customers
exported as separate files, and shows the join it will make."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from app.state import AppState
from tests.app.test_import_wizard import LEFT, MAPPING_PAGE, _import, _next, _open
from tests.ml.test_import_joined import write_shop


@pytest.fixture
def state(qtbot, tmp_path: Path) -> Iterator[AppState]:
    """The application state with a new, empty project open."""
    app_state = AppState()
    app_state.new_project(tmp_path / "shop.pushwise")
    yield app_state
    app_state.shutdown()


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Order lines, their headers and their customers as three files."""
    return write_shop(tmp_path)


def _add_related(qtbot, wizard, monkeypatch, path: Path) -> None:
    """Press 'Add related file…' and choose `path` in the file dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    qtbot.mouseClick(wizard.file_page.add_related_button, LEFT)


def test_order_headers_alone_say_to_add_their_lines(qtbot, state, shop) -> None:
    _, headers, _ = shop
    wizard = _open(qtbot, state, [headers])
    assert "looks like order headers" in wizard.file_page.summary_label.text()
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == MAPPING_PAGE
    box = wizard.mapping_page.problem_box
    assert "order headers" in box.what_label.text()
    assert "Add related file" in box.todo_label.text()


def test_headers_joined_with_lines_and_customers_import(
    qtbot, state, shop, monkeypatch
) -> None:
    lines, headers, customers = shop
    wizard = _open(qtbot, state, [headers])
    page = wizard.file_page
    _add_related(qtbot, wizard, monkeypatch, lines)
    _add_related(qtbot, wizard, monkeypatch, customers)
    assert page.related_label.text() == "lines.csv, customers.csv"
    summary = page.summary_label.text()
    assert summary.startswith("The order lines are in lines.csv.")
    assert "Joined with headers.csv by order_no" in summary
    assert "Joined with customers.csv by buyer_ref" in summary
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert not wizard.mapping_page.problem_box.isVisible()
    _import(qtbot, wizard)
    report = wizard.report_page
    assert report.outcome is not None
    assert report.outcome.report.rows_imported == 4
    assert report.outcome.report.rows_rejected == 2
    assert state.project is not None
    assert state.project.info().orders_rows == 4


def test_remove_imports_the_file_on_its_own(qtbot, state, shop, monkeypatch) -> None:
    lines, headers, _ = shop
    wizard = _open(qtbot, state, [lines])
    _add_related(qtbot, wizard, monkeypatch, headers)
    assert wizard.draft.related == [headers]
    qtbot.mouseClick(wizard.file_page.clear_related_button, LEFT)
    assert wizard.draft.related == []
    assert wizard.file_page.related_label.text() == "none"
    assert wizard.file_page.summary_label.text().startswith("lines.csv is a text")


def test_related_files_are_read_once_per_change(
    qtbot, state, shop, monkeypatch
) -> None:
    """Changing how the lines file is read (encoding, separator) previews
    again without reading the related files again, unless they changed."""
    from app.importwizard import draft as draft_module

    lines, headers, customers = shop
    reads: list[str] = []
    real = draft_module.read_table

    def counting(path, **options):
        reads.append(Path(path).name)
        return real(path, **options)

    monkeypatch.setattr(draft_module, "read_table", counting)
    wizard = _open(qtbot, state, [lines])
    _add_related(qtbot, wizard, monkeypatch, headers)
    _add_related(qtbot, wizard, monkeypatch, customers)
    assert reads == ["headers.csv", "customers.csv"]
    wizard.draft.set_read_options(encoding="utf-8", delimiter=",")
    wizard.draft.set_read_options(encoding="cp1252", delimiter=",")
    assert reads == ["headers.csv", "customers.csv"]
    assert (
        "Joined with headers.csv by order_no" in wizard.file_page.summary_label.text()
    )
    customers.write_text(customers.read_text() + "h-9,C-900,Bath\n")
    os.utime(customers, (1, 1))  # a new modification time, whatever the clock
    wizard.draft.set_read_options(encoding="utf-8", delimiter=",")
    assert reads == ["headers.csv", "customers.csv", "customers.csv"]
