"""The import wizard never imports orders without customers silently, and says
which values decided a column."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from app.importwizard.labels import NO_CUSTOMERS
from app.state import AppState
from ml.columns import Columns
from tests.app.test_import_wizard import LEFT, MAPPING_PAGE, _import, _next, _open
from tests.ml.test_mapping_values import (
    BUYER,
    HOUSEHOLD,
    anonymous_lines,
    crm_report,
    write_csv,
)


@pytest.fixture
def state(qtbot, tmp_path: Path) -> Iterator[AppState]:
    """The application state with a new, empty project open."""
    app_state = AppState()
    app_state.new_project(tmp_path / "shop.pushwise")
    yield app_state
    app_state.shutdown()


def _to_mapping(qtbot, state: AppState, file: Path):
    wizard = _open(qtbot, state, [file])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    assert wizard.currentId() == MAPPING_PAGE
    return wizard


def _can_import(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_customer_is_marked_as_needed_for_orders(qtbot, state, tmp_path) -> None:
    wizard = _to_mapping(qtbot, state, write_csv(tmp_path / "crm.csv", *crm_report()))
    page = wizard.mapping_page
    texts = [label.text() for label in page.grid_widget.findChildren(QLabel)]
    assert "Customer *" in texts
    # The household key was chosen from its values, and the wizard says so.
    assert page.combos[Columns.CUSTOMER].currentText() == HOUSEHOLD
    assert (
        page._sure[Columns.CUSTOMER]
        .text()
        .endswith("sure, chosen from its values: one per order, repeats across orders")
    )
    assert not page.customers_box.isVisible()
    assert _can_import(wizard)


def test_orders_without_customers_are_asked_about(qtbot, state, tmp_path) -> None:
    wizard = _to_mapping(qtbot, state, anonymous_lines(tmp_path))
    page = wizard.mapping_page
    assert page.customers_box.isVisible()
    assert f"'{BUYER}' might hold it" in page.customers_label.text()
    assert not _can_import(wizard)
    qtbot.mouseClick(page.use_customer_button, LEFT)
    assert page.combos[Columns.CUSTOMER].currentText() == BUYER
    assert not page.customers_box.isVisible()
    assert _can_import(wizard)


def test_lines_without_customers_need_an_explicit_choice(
    qtbot, state, tmp_path
) -> None:
    wizard = _to_mapping(qtbot, state, anonymous_lines(tmp_path))
    page = wizard.mapping_page
    assert page.no_customers_check.text() == NO_CUSTOMERS
    assert not _can_import(wizard)
    page.no_customers_check.setFocus()
    qtbot.keyClick(page.no_customers_check, Qt.Key.Key_Space)
    assert _can_import(wizard)
    _import(qtbot, wizard)
    assert state.reader is not None
    customers = state.reader.execute(
        "SELECT count(*), count(customer_id) FROM orders"
    ).fetchone()
    assert customers is not None and customers[0] > 0 and customers[1] == 0
