"""Tables: sorting, filtering and column choice, over a frame or a stored table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import duckdb
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from app.jobs import JobRunner
from app.querytable import QueryTableModel
from app.tables import RAW_ROLE, DataFrameTableModel, money
from app.widgets.table import TablePanel

DESCENDING = Qt.SortOrder.DescendingOrder
WAIT_MS = 60_000


def column(model, name: str) -> list[str]:
    """The texts a user sees in one column, top to bottom."""
    section = model.visible_columns().index(name)
    return [model.index(row, section).data() for row in range(model.rowCount())]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C2", "C10", "C1", None],
            "amount": [1234.5, 3.0, None, 20.25],
            "ordered_at": pd.to_datetime(
                [
                    "2024-03-01 10:30",
                    "2024-01-15 00:00",
                    "2024-02-01 08:00",
                    "2024-01-01 00:00",
                ]
            ),
            "opted_out": [True, False, False, True],
        }
    )


def test_cells_are_formatted_for_people(frame: pd.DataFrame) -> None:
    model = DataFrameTableModel(frame, formats={"amount": money})
    assert column(model, "amount") == ["1,234.50", "3.00", "", "20.25"]
    assert column(model, "ordered_at")[:2] == ["2024-03-01 10:30", "2024-01-15"]
    assert column(model, "opted_out") == ["Yes", "No", "No", "Yes"]
    assert column(model, "customer_id")[3] == ""
    assert model.index(0, 1).data(RAW_ROLE) == 1234.5
    align = model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight


def test_sorting_reorders_rows_and_keeps_empty_cells_last(frame) -> None:
    model = DataFrameTableModel(frame)
    model.sort(1, DESCENDING)
    assert column(model, "customer_id") == ["C2", "", "C10", "C1"]
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert column(model, "amount") == ["3", "20.25", "1,234.50", ""]


def test_filter_keeps_rows_with_every_word(frame) -> None:
    model = DataFrameTableModel(frame)
    model.set_filter_text("2024-01")
    assert column(model, "customer_id") == ["C10", ""]
    model.set_filter_text("c1 2024-01")
    assert column(model, "customer_id") == ["C10"]
    model.set_filter_text("")
    assert model.rowCount() == 4


def test_hidden_columns_are_not_shown(frame) -> None:
    model = DataFrameTableModel(frame)
    model.set_visible_columns(["amount", "customer_id"])
    assert model.visible_columns() == ["customer_id", "amount"]  # table order
    assert model.columnCount() == 2
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Amount"


def test_a_new_frame_shows_its_columns_in_the_order_asked(frame) -> None:
    model = DataFrameTableModel()
    model.set_frame(frame, visible=["amount", "customer_id"])
    assert model.visible_columns() == ["amount", "customer_id"]
    assert model.columns()[:2] == ["amount", "customer_id"]  # the hidden ones after
    model.set_visible_columns([*model.columns()])  # "Show all columns" keeps it
    assert model.visible_columns()[:2] == ["amount", "customer_id"]


def test_the_filter_box_and_row_count(qtbot, frame) -> None:
    model = DataFrameTableModel(frame)
    panel = TablePanel(model, noun="order lines")
    qtbot.addWidget(panel)
    panel.show()
    assert panel.count_label.text() == "4 order lines"
    qtbot.keyClicks(panel.filter_edit, "germany c1")
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    assert model.rowCount() == 0
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "C1")
    qtbot.waitUntil(lambda: model.rowCount() == 2)  # after the typing pause
    assert panel.count_label.text() == "2 of 4 order lines"


def test_clicking_a_heading_sorts(qtbot, frame) -> None:
    model = DataFrameTableModel(frame)
    panel = TablePanel(model)
    qtbot.addWidget(panel)
    panel.show()
    header = panel.view.horizontalHeader()
    heading = QPoint(header.sectionViewportPosition(2) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=heading)
    assert model.sort_key is not None and model.sort_key[0] == "ordered_at"
    dates = column(model, "ordered_at")
    assert dates in (sorted(dates), sorted(dates, reverse=True))


def test_choosing_columns_from_the_menu(qtbot, frame) -> None:
    model = DataFrameTableModel(frame)
    panel = TablePanel(model)
    qtbot.addWidget(panel)
    chosen: list[list[str]] = []
    panel.columns_changed.connect(chosen.append)
    menu = QMenu()
    panel._fill_columns_menu(menu)
    amount = next(a for a in menu.actions() if a.text() == "Amount")
    amount.trigger()  # untick
    assert "amount" not in model.visible_columns()
    assert chosen == [["customer_id", "ordered_at", "opted_out"]]


# -- stored tables ------------------------------------------------------------------

MILLION = 1_000_000


@pytest.fixture(scope="module")
def big_table() -> Iterator[duckdb.DuckDBPyConnection]:
    """A million order lines in an in-memory database."""
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE orders AS
        SELECT 'O' || (i // 3) AS order_id, 'C' || (i % 5000) AS customer_id,
               'P' || (i % 997) AS offering_id,
               TIMESTAMP '2020-01-01' + to_minutes(i) AS ordered_at,
               (i % 1000) / 10.0 AS amount
        FROM range({MILLION}) t(i)"""
    )
    yield con
    con.close()


@pytest.fixture
def stored(qtbot, big_table) -> Iterator[QueryTableModel]:
    runner = JobRunner()
    model = QueryTableModel(runner)
    with qtbot.waitSignal(model.rows_changed, timeout=WAIT_MS):
        model.set_source(
            big_table,
            "orders",
            ["order_id", "customer_id", "offering_id", "ordered_at", "amount"],
        )
    yield model
    runner.cancel_all()
    runner.wait_all()


def test_a_million_stored_rows_are_read_only_where_shown(stored) -> None:
    assert stored.rowCount() == MILLION
    last = MILLION - 1
    assert stored.index(last, 0).data() == f"O{last // 3}"
    assert stored.index(500_000, 2).data() == f"P{500_000 % 997}"
    assert len(stored._pages) == 2  # two pages fetched, not a million rows


def test_stored_rows_sort_in_the_background(qtbot, stored) -> None:
    with qtbot.waitSignal(stored.rows_changed, timeout=WAIT_MS):
        stored.sort(4, DESCENDING)
        assert stored.loading
    assert not stored.loading
    assert stored.index(0, 4).data() == "99.90"
    assert stored.index(MILLION - 1, 4).data() == "0"


def test_stored_rows_filter_by_every_word(qtbot, stored) -> None:
    with qtbot.waitSignal(stored.rows_changed, timeout=WAIT_MS):
        stored.set_filter_text("c4999 2020-01-0")
    # Customer C4999 has lines i = 4999, 9999, ...; the first days hold 1440 a day.
    ids = [stored.index(row, 1).data() for row in range(stored.rowCount())]
    assert set(ids) == {"C4999"}
    assert stored.rowCount() == 2  # minutes 4999 and 9999 fall in Jan 4 and Jan 7
    assert stored.total_rows() == MILLION


def test_stored_columns_can_be_hidden(qtbot, stored) -> None:
    stored.set_visible_columns(["ordered_at", "amount"])
    assert stored.columnCount() == 2
    assert stored.index(0, 0).data() == str(datetime(2020, 1, 1).date())
