"""Clicking Import hands the file to a worker process at once: the window's
process never reads it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard

from app.importwizard import ImportWizard
from app.importwizard.wizard import MAPPING_PAGE, REPORT_PAGE
from app.state import AppState
from app.widgets.table import SIZING_ROWS
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.project import Project

WAIT_MS = 60_000
REJECTED = 3_000  # rows with a date that does not exist


@pytest.fixture
def state(qtbot, tmp_path: Path) -> Iterator[AppState]:
    app_state = AppState()
    app_state.new_project(tmp_path / "shop.pushwise")
    yield app_state
    app_state.shutdown()


@pytest.fixture
def orders(tmp_path: Path) -> Path:
    """An orders file with many rejected rows, for a long report."""
    path = tmp_path / "orders.csv"
    lines = ["InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID"]
    lines += [
        f"{i},A{i % 7},1,2024-01-{1 + i % 28:02d},2.50,C{i % 50}" for i in range(500)
    ]
    lines += [f"x{i},A1,1,2024-02-31,2.50,C{i % 50}" for i in range(REJECTED)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _on_which_thread(
    calls: list[tuple[str, bool]], name: str, fn: Callable[..., Any]
) -> Callable[..., Any]:
    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append((name, threading.current_thread() is threading.main_thread()))
        return fn(*args, **kwargs)

    return spy


def test_the_file_is_hashed_read_and_stored_by_the_worker_not_the_window(
    qtbot, state: AppState, orders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ml.importing.importer as importer

    wizard = ImportWizard(state, files=[orders])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == MAPPING_PAGE
    calls: list[tuple[str, bool]] = []
    for name in ("file_state", "read_table", "store_rows"):
        spy = _on_which_thread(calls, name, getattr(importer, name))
        monkeypatch.setattr(importer, name, spy)
    wizard.button(QWizard.WizardButton.NextButton).click()  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)
    assert calls == []  # not in this process at all: in the worker
    outcome = wizard.import_page.outcome
    assert outcome is not None
    assert (outcome.report.rows_imported, outcome.report.rows_rejected) == (
        500,
        REJECTED,
    )
    assert state.info is not None and state.info.orders_rows == 500


def test_a_long_report_is_shown_without_measuring_every_row(
    qtbot, state: AppState, orders: Path
) -> None:
    wizard = ImportWizard(state, files=[orders])
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.report_page
    model = page.model
    asked: set[int] = set()
    raw = model._raw

    def counting(row: int, name: str) -> Any:
        asked.add(row)
        return raw(row, name)

    model._raw = counting  # type: ignore[method-assign]
    wizard.button(QWizard.WizardButton.NextButton).click()  # Import
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)
    assert model.rowCount() == REJECTED
    # The columns were fitted to a few rows; the rest are read when painted.
    shown = page.table.viewport().height() // page.table.rowHeight(0) + 2
    assert len(asked) <= SIZING_ROWS + shown


def test_an_older_import_s_rejected_rows_are_read_in_a_job(
    qtbot, window, orders: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.pages.imports as imports

    later = tmp_path / "later.csv"
    later.write_text(
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        "y1,B1,1,2024-03-31,2.50,C1\ny2,B1,1,2024-02-30,2.50,C1\n",
        encoding="utf-8",
    )
    path = tmp_path / "history.pushwise"
    with Project.create(path) as project:
        import_file(project, orders, kind=Kind.ORDERS)
        import_file(project, later, kind=Kind.ORDERS)
    calls: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        imports, "rejects", _on_which_thread(calls, "rejects", imports.rejects)
    )
    window.open_project(path)
    history = window.pages["data"].imports_panel
    qtbot.waitUntil(lambda: history.rejects_model.rowCount() == 1, timeout=WAIT_MS)
    history.history.view.selectRow(1)  # the first import: 3,000 rejected rows
    qtbot.waitUntil(
        lambda: history.rejects_model.rowCount() == REJECTED, timeout=WAIT_MS
    )
    assert calls == [("rejects", False)]
