"""The Data page as a user uses it: tables, weekly chart, import history, export."""

from __future__ import annotations

import csv
from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import QPoint, Qt

from app.pages.data import DataPage
from app.settings import Settings
from app.window import MainWindow
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.app.conftest import ORDERS_CSV

WAIT_MS = 60_000
BAD_ROWS = (
    "1006,A1,Red mug,1,=1+1,3.50,C4,France\n"
    "1007,B2,Blue plate,1,31/02/2024,12.00,C4,France\n"
)


@pytest.fixture
def page(qtbot, window: MainWindow, small_project: Path) -> DataPage:
    window.open_project(small_project)
    data_page = window.pages["data"]
    qtbot.waitUntil(lambda: data_page.content is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: data_page.orders_model.rowCount() == 5, timeout=WAIT_MS)
    return data_page


def texts(panel, name: str) -> list[str]:
    model = panel.model
    section = model.visible_columns().index(name)
    return [model.index(row, section).data() for row in range(model.rowCount())]


def test_each_table_lists_the_project_s_rows(page: DataPage) -> None:
    counts = {key: panel.count_label.text() for key, panel in page.tables.items()}
    assert counts == {
        "orders": "5 order lines",
        "feedback": "3 feedback entries",
        "offerings": "3 offerings",
        "customers": "3 customers",
    }
    assert texts(page.tables["orders"], "offering_name")[:2] == [
        "Red mug",
        "Blue plate",
    ]
    assert texts(page.tables["feedback"], "comment") == [
        "Lovely mug",
        "Arrived broken",
        "Nice bowl",
    ]
    # Offerings and customers are derived from the orders, most revenue first.
    assert texts(page.tables["offerings"], "offering_id") == ["B2", "A1", "C3"]
    assert texts(page.tables["offerings"], "returns") == ["0", "1", "0"]
    assert texts(page.tables["customers"], "revenue")[0] == "55.00"  # C1: 7 + 12 + 36


def test_bookkeeping_and_empty_columns_start_hidden(page: DataPage) -> None:
    shown = page.orders_model.visible_columns()
    assert "line" not in shown and "import_id" not in shown
    assert "channel" not in shown  # the file has no channel column
    assert {"order_id", "customer_id", "amount", "country"} <= set(shown)


def test_sorting_and_filtering_the_orders(qtbot, page: DataPage) -> None:
    panel = page.tables["orders"]
    model = page.orders_model
    header = panel.view.horizontalHeader()
    amount = model.visible_columns().index("amount")
    heading = QPoint(header.sectionViewportPosition(amount) + 5, header.height() // 2)
    with qtbot.waitSignal(model.rows_changed, timeout=WAIT_MS):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=heading)
    amounts = [float(text) for text in texts(panel, "amount")]
    assert amounts in (sorted(amounts), sorted(amounts, reverse=True))
    with qtbot.waitSignal(model.rows_changed, timeout=WAIT_MS):
        qtbot.keyClicks(panel.filter_edit, "germany")
    assert sorted(texts(panel, "customer_id")) == ["C2", "C3"]
    assert panel.count_label.text() == "2 of 5 order lines"


def test_the_weekly_chart_has_every_week(page: DataPage) -> None:
    weekly = page.chart.frame
    assert list(weekly["orders"]) == [1, 1, 2]
    assert list(weekly["revenue"]) == [19.0, 14.0, 44.25]


def test_column_choice_is_remembered(
    qtbot, page: DataPage, window: MainWindow, settings_file: Path, small_project
) -> None:
    panel = page.tables["orders"]
    panel._choose(["order_id", "amount"])
    window.close()
    again = MainWindow(settings=Settings(_ini(settings_file)))
    qtbot.addWidget(again)
    again.open_project(small_project)
    model = again.pages["data"].orders_model
    qtbot.waitUntil(lambda: model.visible_columns() == ["order_id", "amount"])
    again.state.shutdown()


def test_the_import_history_shows_each_report(page: DataPage) -> None:
    history = page.imports_panel
    files = texts(history.history, "file_name")
    assert files == ["feedback.csv", "orders.csv"]  # newest first
    assert "feedback.csv" in history.report_label.text()
    history.history.view.selectRow(1)
    report = history.report_label.text()
    assert "imported 5, 1 returns, rejected 0" in report
    assert not history.export_button.isEnabled()  # nothing rejected


def test_rejected_rows_are_listed_and_exported_safely(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    source = tmp_path / "orders-with-errors.csv"
    source.write_text(ORDERS_CSV + BAD_ROWS, encoding="utf-8")
    path = tmp_path / "errors.pushwise"
    with Project.create(path) as project:
        import_file(project, source, kind=Kind.ORDERS)
    window.open_project(path)
    history = window.pages["data"].imports_panel
    qtbot.waitUntil(lambda: history.rejects_model.rowCount() == 2, timeout=WAIT_MS)
    assert "rejected 2" in history.report_label.text()
    assert texts(history.rejects, "line") == ["8", "9"]
    target = tmp_path / "rejected.csv"
    with patch(
        "app.pages.imports.QFileDialog.getSaveFileName", return_value=(str(target), "")
    ):
        qtbot.mouseClick(history.export_button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["File line"] for row in rows] == ["8", "9"]
    assert rows[0]["Value"] == "'=1+1"  # a spreadsheet shows it, does not run it


def test_export_writes_the_rows_shown(
    qtbot, page: DataPage, window: MainWindow, tmp_path: Path
) -> None:
    panel = page.tables["orders"]
    with qtbot.waitSignal(page.orders_model.rows_changed, timeout=WAIT_MS):
        panel.filter_edit.setText("france")
        panel.apply_filter()
    target = tmp_path / "orders.csv"
    with patch(
        "app.pages.data.QFileDialog.getSaveFileName", return_value=(str(target), "")
    ):
        window.window_actions.export_action.trigger()
        qtbot.waitUntil(lambda: target.exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.state.jobs.job("export") is None, timeout=WAIT_MS)
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["Customer"] for row in rows] == ["C1", "C1", "C1"]
    assert "Country" in rows[0] and "File line" not in rows[0]


def _ini(path: Path):
    from PySide6.QtCore import QSettings

    return QSettings(str(path), QSettings.Format.IniFormat)
