"""The import wizard, driven as a user would: file, preview, mapping, import, report."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWizard

from app.importwizard import ImportWizard
from app.importwizard.wizard import (
    FILE_PAGE,
    IMPORT_PAGE,
    MAPPING_PAGE,
    PREVIEW_PAGE,
    REPORT_PAGE,
)
from app.state import AppState
from ml.cli import main as cli
from ml.columns import CANONICAL, Columns, Kind
from ml.store.project import Project
from tests.conftest import SAMPLE, TEST_DATA

HEAD = TEST_DATA / "reading" / "online_retail_head.csv"
POUND = TEST_DATA / "reading" / "online_retail_pound.csv"
BROKEN = TEST_DATA / "bad" / "binary_garbage.csv"
REVIEWS = TEST_DATA / "reading" / "olist_reviews_head.csv"
LEFT = Qt.MouseButton.LeftButton
WAIT_MS = 60_000


@pytest.fixture
def state(qtbot, tmp_path: Path) -> Iterator[AppState]:
    """The application state with a new, empty project open."""
    app_state = AppState()
    app_state.new_project(tmp_path / "shop.pushwise")
    yield app_state
    app_state.shutdown()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where page screenshots go (PUSHWISE_SCREENSHOTS to keep them)."""
    folder = Path(os.environ.get("PUSHWISE_SCREENSHOTS", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(qtbot, state: AppState, files: list[Path] | None = None) -> ImportWizard:
    wizard = ImportWizard(state, files=files or [])
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _snap(wizard: ImportWizard, path: Path) -> None:
    """Save what the user sees, once pending layout work is done."""
    QApplication.processEvents()
    wizard.grab().save(str(path))


def _type_path(qtbot, wizard: ImportWizard, path: Path) -> None:
    """Type the file's path and press Enter, as a user who knows the path."""
    edit = wizard.file_page.path_edit
    edit.clear()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _next(qtbot, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled()
    qtbot.mouseClick(button, LEFT)


def _import(qtbot, wizard: ImportWizard) -> None:
    """Press Import on the mapping page and wait for the report."""
    assert wizard.currentId() == MAPPING_PAGE
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)


def _choose(qtbot, combo, text: str) -> None:
    """Pick the entry of a drop-down starting with text, with the arrow keys."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith(text)


def _cells(model, column: str) -> list[str]:
    """The texts a column of a table shows."""
    section = model.visible_columns().index(column)
    return [model.index(row, section).data() for row in range(model.rowCount())]


def _orders(state: AppState) -> pd.DataFrame:
    assert state.reader is not None
    columns = "customer_id, offering_id, ordered_at, country"
    return state.reader.execute(f"SELECT {columns} FROM orders").df()


def test_import_the_sample_as_a_user(
    qtbot, state: AppState, shots: Path, tmp_path: Path, monkeypatch
) -> None:
    wizard = _open(qtbot, state)
    assert wizard.currentId() == FILE_PAGE
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(SAMPLE), ""))
    qtbot.mouseClick(wizard.file_page.browse_button, LEFT)
    assert "Orders" in wizard.file_page.kind_combo.currentText()
    assert "detected" in wizard.file_page.kind_combo.currentText()
    _snap(wizard, shots / "import-1-file.png")
    _next(qtbot, wizard)
    preview = wizard.preview_page
    assert "UTF-8" in preview.encoding_combo.currentText()
    assert "Comma" in preview.delimiter_combo.currentText()
    assert "year first" in preview.dates_combo.currentText()
    assert preview.model.label("InvoiceNo") == "InvoiceNo"
    assert _cells(preview.model, "Description")[0] == (
        "WHITE HANGING HEART T-LIGHT HOLDER"
    )
    _snap(wizard, shots / "import-2-preview.png")

    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    assert mapping.combos[Columns.CUSTOMER].currentText() == "CustomerID"
    assert "98% sure" in mapping._sure[Columns.OFFERING].text()
    assert "UCI Online Retail" in mapping.banner_label.text()
    assert "200 imported" in mapping.rows_label.text()
    _snap(wizard, shots / "import-3-mapping.png")

    with qtbot.waitSignal(state.data_changed, timeout=WAIT_MS):
        _next(qtbot, wizard)
        qtbot.waitUntil(lambda: wizard.import_page.running, timeout=WAIT_MS)
        _snap(wizard, shots / "import-4-progress.png")
    qtbot.waitUntil(lambda: wizard.currentId() == REPORT_PAGE, timeout=WAIT_MS)
    _snap(wizard, shots / "import-5-report.png")

    # The same counts as `pushwise import` gives for the same file.
    other = tmp_path / "cli.pushwise"
    assert cli(["import", str(SAMPLE), "--project", str(other)]) == 0
    with Project.open(other) as project:
        (expected,) = project.imports()
    report = wizard.report_page.outcome.report
    assert (report.rows_imported, report.rows_returns, report.rows_rejected) == (
        expected.rows_imported,
        expected.rows_returns,
        expected.rows_rejected,
    )
    assert dict(report.reasons) == expected.reasons
    summary = wizard.report_page.summary_label.text()
    assert f"{expected.rows_imported:,}</b> purchases" in summary
    assert f"{expected.rows_returns:,}</b> returns" in summary
    assert f"{expected.rows_rejected:,}</b> rows rejected" in summary
    details = wizard.report_page.details_label.text()
    assert "have no customer" in details and "anonymous demand" in details
    assert state.info is not None and state.info.orders_rows == expected.rows_imported

    # The rejected rows, exported and read back.
    table = wizard.report_page.model
    assert table.rowCount() == expected.rows_rejected
    assert "exact duplicate" in _cells(table, "reason")[0]
    target = tmp_path / "rejected.csv"
    with qtbot.waitSignal(wizard.report_page.rejects_exported):
        wizard.report_page.export_rejects(target)
    exported = pd.read_csv(target, encoding="utf-8-sig")
    assert len(exported) == expected.rows_rejected
    assert list(exported.columns[:6]) == [
        "file",
        "line",
        "column",
        "value",
        "reason",
        "message",
    ]
    assert set(exported["file"]) == {SAMPLE.name}
    assert exported["message"][0].startswith(f"{SAMPLE.name}, row ")

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)
    assert not wizard.isVisible()


def test_a_changed_column_is_used(qtbot, state: AppState, shots: Path) -> None:
    wizard = _open(qtbot, state, [HEAD])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    _choose(qtbot, mapping.combos[Columns.OFFERING], "Description")
    assert mapping._sure[Columns.OFFERING].text() == "Your choice"
    # The description no longer fills the name: it is now the offering.
    assert mapping.combos[Columns.OFFERING_NAME].currentText() == "(not in the file)"
    assert "Description" not in mapping.unused_label.text()
    assert "StockCode" in mapping.unused_label.text()
    # Passing InvoiceNo on the way took nothing from the order number.
    assert mapping.combos[Columns.ORDER].currentText() == "InvoiceNo"
    offerings = _cells(mapping.model, Columns.OFFERING)
    assert offerings[0] == "WHITE HANGING HEART T-LIGHT HOLDER"
    _snap(wizard, shots / "import-3-mapping-changed.png")
    _import(qtbot, wizard)
    orders = _orders(state)
    assert "WHITE HANGING HEART T-LIGHT HOLDER" in set(orders["offering_id"])
    assert "85123A" not in set(orders["offering_id"])


def test_the_choice_is_remembered_for_the_next_file(qtbot, state: AppState) -> None:
    wizard = _open(qtbot, state, [HEAD, POUND])
    assert "online_retail_pound.csv" in wizard.file_page.queue_label.text()
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _choose(qtbot, wizard.mapping_page.combos[Columns.COUNTRY], "(not")
    _import(qtbot, wizard)
    qtbot.mouseClick(wizard.report_page.another_button, LEFT)
    # The next dropped file has the same columns: the choice is applied again.
    assert wizard.currentId() == FILE_PAGE
    assert wizard.draft.path == POUND
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    assert "remembered" in mapping.banner_label.text()
    assert mapping.combos[Columns.COUNTRY].currentText() == "(not in the file)"
    assert mapping._sure[Columns.CUSTOMER].text() == "Remembered from last time"
    _import(qtbot, wizard)
    assert _orders(state)["country"].isna().all()
    assert wizard.file_page.queue_label.text() == ""


def test_read_settings_change_what_the_preview_shows(
    qtbot, state: AppState, shots: Path, tmp_path: Path
) -> None:
    dates = tmp_path / "orders.csv"
    dates.write_text(
        "customer;product;date;amount\nc1;p1;03/04/2024;2,50\nc2;p2;05/06/2024;1,00\n",
        encoding="utf-8",
    )
    wizard = _open(qtbot, state, [dates])
    _next(qtbot, wizard)
    preview = wizard.preview_page
    assert "Semicolon" in preview.delimiter_combo.currentText()
    # No date in the file tells the order: the user says so.
    assert "no date in the first rows tells" in preview.dates_combo.currentText()
    _choose(qtbot, preview.dates_combo, "Day first")
    assert "'03/04/2024' in the column date is read as 3 April 2024" in (
        preview.date_example_label.text()
    )
    _choose(qtbot, preview.dates_combo, "Month first")
    assert "is read as 4 March 2024" in preview.date_example_label.text()
    _snap(wizard, shots / "import-2-preview-dates.png")
    _choose(qtbot, preview.delimiter_combo, "Comma")
    # Split at the decimal commas: two columns of nonsense, plain to see.
    assert preview.model.visible_columns()[1:] == ["c1;p1;03/04/2024;2", "50"]
    _choose(qtbot, preview.delimiter_combo, "Semicolon")
    _next(qtbot, wizard)
    assert _cells(wizard.mapping_page.model, Columns.ORDERED_AT)[0] == "2024-03-04"
    _import(qtbot, wizard)
    assert _orders(state)["ordered_at"][0] == datetime(2024, 3, 4)


def test_a_chosen_encoding_shows_in_the_preview(qtbot, state: AppState) -> None:
    wizard = _open(qtbot, state, [POUND])
    _next(qtbot, wizard)
    preview = wizard.preview_page
    assert "£" in _cells(preview.model, "Description")[0]
    _choose(qtbot, preview.encoding_combo, "Western European (Windows)")
    assert "Â£" in _cells(preview.model, "Description")[0]
    assert "as chosen" in preview.notes_label.text()
    _choose(qtbot, preview.encoding_combo, "Unicode (UTF-16)")
    # Read as UTF-16 the file makes no sense: said in plain words.
    assert preview.problem_box.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_stopping_the_import_leaves_the_project_as_it_was(
    qtbot, state: AppState, shots: Path
) -> None:
    wizard = _open(qtbot, state, [HEAD])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _import(qtbot, wizard)  # a first file, so the project is not empty
    before = len(_orders(state))
    qtbot.mouseClick(wizard.report_page.another_button, LEFT)
    _type_path(qtbot, wizard, SAMPLE)
    # Enter reads the file and moves on to the preview.
    assert wizard.currentId() == PREVIEW_PAGE
    _next(qtbot, wizard)
    page = wizard.import_page
    with qtbot.waitSignal(page.import_cancelled, timeout=WAIT_MS):
        _next(qtbot, wizard)
        qtbot.waitUntil(lambda: page.running, timeout=WAIT_MS)
        qtbot.mouseClick(page.stop_button, LEFT)
    qtbot.waitUntil(lambda: not state.busy, timeout=WAIT_MS)
    assert "Nothing from this file was added" in page.status_label.text()
    assert page.retry_button.isVisible()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    _snap(wizard, shots / "import-4-stopped.png")
    assert len(_orders(state)) == before
    assert len(state.info.imports) == 1


def test_a_broken_file_is_explained_in_plain_words(
    qtbot, state: AppState, shots: Path
) -> None:
    wizard = _open(qtbot, state)
    _type_path(qtbot, wizard, BROKEN)
    page = wizard.file_page
    assert wizard.currentId() == FILE_PAGE
    assert page.problem_box.isVisible()
    what = page.problem_box.what_label.text()
    assert what.startswith("binary_garbage.csv, row 2: the file is not a text table")
    assert "Export the data" in page.problem_box.todo_label.text()
    assert "Traceback" not in what
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _snap(wizard, shots / "import-1-file-broken.png")


def test_a_file_gone_before_the_import_gives_a_plain_error(
    qtbot, state: AppState, tmp_path: Path, shots: Path
) -> None:
    copy = tmp_path / "orders.csv"
    copy.write_bytes(HEAD.read_bytes())
    wizard = _open(qtbot, state, [copy])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    copy.unlink()  # e.g. a network drive went away
    page = wizard.import_page
    with qtbot.waitSignal(page.import_failed, timeout=WAIT_MS):
        _next(qtbot, wizard)
    assert wizard.currentId() == IMPORT_PAGE
    assert page.problem_box.isVisible()
    assert "orders.csv" in page.problem_box.what_label.text()
    assert "Traceback" not in page.problem_box.what_label.text()
    assert "not changed" in page.status_label.text()
    _snap(wizard, shots / "import-4-failed.png")
    assert state.info.imports == ()


def test_the_same_file_twice_adds_nothing(qtbot, state: AppState) -> None:
    wizard = _open(qtbot, state, [HEAD, HEAD])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _import(qtbot, wizard)
    before = len(_orders(state))
    qtbot.mouseClick(wizard.report_page.another_button, LEFT)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _import(qtbot, wizard)
    assert "was imported before" in wizard.report_page.summary_label.text()
    assert not wizard.report_page.export_button.isEnabled()
    assert len(_orders(state)) == before


def test_feedback_goes_through_the_same_wizard(qtbot, state: AppState, shots: Path):
    wizard = _open(qtbot, state, [REVIEWS])
    assert "Customer feedback" in wizard.file_page.kind_combo.currentText()
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    assert mapping.combos[Columns.RATING].currentText() == "review_score"
    assert mapping.combos[Columns.SUBMITTED_AT].currentText() == (
        "review_answer_timestamp"
    )
    _snap(wizard, shots / "import-3-mapping-feedback.png")
    _import(qtbot, wizard)
    report = wizard.report_page.outcome.report
    assert state.info.feedback_rows == report.rows_imported > 0
    assert "as customer feedback" in wizard.report_page.summary_label.text()
    _snap(wizard, shots / "import-5-report-feedback.png")


def test_the_kind_can_be_changed(qtbot, state: AppState) -> None:
    wizard = _open(qtbot, state, [HEAD])
    combo = wizard.file_page.kind_combo
    _choose(qtbot, combo, "Offerings")
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    assert set(mapping.combos) == set(CANONICAL[Kind.OFFERINGS])
    assert mapping.combos[Columns.OFFERING].currentText() == "StockCode"
    _import(qtbot, wizard)
    assert state.info.offerings_table_rows > 0
    assert state.info.orders_rows == 0


def test_closing_the_wizard_during_an_import_keeps_the_project(
    qtbot, state: AppState
) -> None:
    wizard = _open(qtbot, state, [SAMPLE])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.import_page.running, timeout=WAIT_MS)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CancelButton), LEFT)
    assert not wizard.isVisible()
    qtbot.waitUntil(lambda: not state.busy, timeout=WAIT_MS)
    assert state.info.imports == ()
    assert len(_orders(state)) == 0


def test_a_workbook_sheet_can_be_chosen(
    qtbot, state: AppState, tmp_path: Path, shots: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "2023"
    book.active.append(["Customer", "Product", "Order date", "Quantity"])
    book.active.append(["c1", "p1", datetime(2023, 5, 1), 1])
    later = book.create_sheet("2024")
    later.append(["Customer", "Product", "Order date", "Quantity"])
    later.append(["c2", "p2", datetime(2024, 5, 1), 2])
    later.append(["c3", "p2", datetime(2024, 5, 2), 1])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    wizard = _open(qtbot, state, [path])
    _next(qtbot, wizard)
    preview = wizard.preview_page
    assert preview.sheet_combo.isVisible()
    assert "2023" in preview.sheet_combo.currentText()
    assert not preview.encoding_combo.isVisible()
    _choose(qtbot, preview.sheet_combo, "2024")
    assert _cells(preview.model, "Customer") == ["c2", "c3"]
    _snap(wizard, shots / "import-2-preview-sheet.png")
    _next(qtbot, wizard)
    _import(qtbot, wizard)
    assert sorted(_orders(state)["customer_id"]) == ["c2", "c3"]
    assert "Sheet '2024'" in wizard.report_page.details_label.text()


def test_a_needed_column_left_out_is_explained(qtbot, state: AppState, shots: Path):
    wizard = _open(qtbot, state, [HEAD])
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    mapping = wizard.mapping_page
    _choose(qtbot, mapping.combos[Columns.OFFERING], "(not")
    assert mapping.problem_box.isVisible()
    assert mapping.problem_box.what_label.text() == (
        "Choose the column of your file that holds the offering (product)."
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _snap(wizard, shots / "import-3-mapping-missing.png")
    _choose(qtbot, mapping.combos[Columns.ORDERED_AT], "Country")
    _choose(qtbot, mapping.combos[Columns.OFFERING], "StockCode")
    # Country holds no dates: said with the file and column at fault.
    what = mapping.problem_box.what_label.text()
    assert what.startswith("online_retail_head.csv, column 'Country':")
    assert "not dates" in what
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    _choose(qtbot, mapping.combos[Columns.ORDERED_AT], "InvoiceDate")
    assert not mapping.problem_box.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
