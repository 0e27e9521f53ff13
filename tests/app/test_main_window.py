"""The main window as a user meets it: start screen, opening projects, menus."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QMessageBox

import ml
from app.errors import ErrorDialog
from app.settings import Settings
from app.window import SAMPLE_PROJECT_NAME, MainWindow

LEFT = Qt.MouseButton.LeftButton
WAIT_MS = 60_000


def wait_for_data_page(qtbot, window: MainWindow) -> None:
    """Wait until the Data page shows the project's numbers."""
    page = window.pages["data"]
    qtbot.waitUntil(lambda: page.content is not None, timeout=WAIT_MS)


def test_the_start_screen_is_shown_until_a_project_is_open(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    assert window.central.currentWidget() is window.start_screen
    assert window.summary_label.text() == ""
    assert not window.window_actions.export_action.isEnabled()
    with patch(
        "app.window.QFileDialog.getOpenFileName",
        return_value=(str(small_project), ""),
    ):
        qtbot.mouseClick(window.start_screen.open_button, LEFT)
    assert window.central.currentWidget() is window.workspace
    assert window.windowTitle() == "Pushwise — small.pushwise"
    assert window.current_page_key == "data"


def test_opening_a_project_shows_its_summary_and_numbers(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    assert window.open_project(small_project)
    assert window.summary_label.text() == (
        "3 customers · 3 offerings · 5 order lines · 2024-01-02 to 2024-01-18"
    )
    wait_for_data_page(qtbot, window)
    cards = window.pages["data"].cards
    shown = {key: card.value_label.text() for key, card in cards.items()}
    assert shown == {
        "customers": "3",
        "offerings": "3",
        "orders": "4",
        "revenue": "77",
        "dates": "3 weeks",
        "feedback": "3",
        "returns": "20.0%",
    }
    assert "3.7 of 5" in cards["feedback"].detail_label.text()
    assert cards["orders"].detail_label.text() == "5 order lines"
    assert cards["dates"].detail_label.text() == "2 Jan 2024 – 18 Jan 2024"


def test_the_sample_project_shows_the_sample_s_numbers(
    qtbot, window: MainWindow, sample_project: Path
) -> None:
    window.open_project(sample_project)
    assert window.summary_label.text().startswith("872 customers · 3,381 offerings")
    wait_for_data_page(qtbot, window)
    cards = window.pages["data"].cards
    assert cards["customers"].value_label.text() == "872"
    assert cards["revenue"].value_label.text() == "1,759,242"
    assert cards["dates"].detail_label.text() == "1 Dec 2010 – 9 Dec 2011"


def test_new_project_from_the_start_screen(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "campaign"  # the extension is added
    with patch(
        "app.window.QFileDialog.getSaveFileName", return_value=(str(target), "")
    ):
        qtbot.mouseClick(window.start_screen.new_button, LEFT)
    assert (tmp_path / "campaign.pushwise").is_file()
    assert window.summary_label.text() == "No orders yet"
    wait_for_data_page(qtbot, window)
    assert window.pages["data"].cards["orders"].value_label.text() == "0"


@pytest.mark.slow
def test_open_the_sample_project_imports_it_with_progress(
    qtbot, window: MainWindow, user_data: Path
) -> None:
    messages: list[str] = []
    qtbot.mouseClick(window.start_screen.sample_button, LEFT)
    job = window.progress.job
    assert job is not None and window.progress.isVisible()
    job.progressed.connect(lambda fraction, message: messages.append(message))
    with qtbot.waitSignal(job.finished, timeout=WAIT_MS):
        pass
    assert messages, "the import reported its progress"
    assert not window.progress.isVisible()
    assert (user_data / SAMPLE_PROJECT_NAME).is_file()
    assert window.summary_label.text().startswith("872 customers")
    orders = window.pages["data"].orders_model
    qtbot.waitUntil(lambda: orders.total_rows() == 83_358, timeout=WAIT_MS)
    # A second time, the project already holds the sample: nothing to import.
    window.state.close_project()
    assert window.open_sample_project() is None
    assert window.summary_label.text().startswith("872 customers")


def test_recent_projects_are_remembered_between_sessions(
    qtbot, window: MainWindow, small_project: Path, settings_file: Path
) -> None:
    window.open_project(small_project)
    window.close()
    again = MainWindow(settings=Settings(_ini(settings_file)))
    qtbot.addWidget(again)
    again.show()
    recent = again.start_screen.recent_list
    assert recent.count() == 1
    assert recent.item(0).toolTip() == str(small_project.resolve())
    recent.setCurrentRow(0)
    recent.itemActivated.emit(recent.item(0))
    assert again.state.project_path == small_project
    again.state.shutdown()


def test_a_damaged_project_gives_a_plain_message(
    qtbot, window: MainWindow, tmp_path: Path, user_data: Path
) -> None:
    broken = tmp_path / "broken.pushwise"
    broken.write_bytes(b"not a project" * 100)
    assert not window.open_project(broken)
    dialog = window.findChild(ErrorDialog)
    assert dialog is not None and dialog.isVisible()
    assert "broken.pushwise" in dialog.text()
    assert "not a Pushwise project" in dialog.text()
    assert "Traceback" not in dialog.text() + dialog.informativeText()
    assert dialog.informativeText()  # what to do
    log = (user_data / "logs" / "pushwise.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ProjectError" in log
    assert str(user_data / "logs" / "pushwise.log") in dialog.detailedText()
    assert window.central.currentWidget() is window.start_screen


def test_dropping_files_imports_them(
    qtbot, window: MainWindow, small_project: Path, tmp_path: Path
) -> None:
    dropped = tmp_path / "orders.csv"
    dropped.write_text("a,b\n1,2\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(dropped))])
    event = QDropEvent(
        QPointF(100, 100),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with patch.object(MainWindow, "import_files") as import_files:
        window.dropEvent(event)
    import_files.assert_called_once_with([dropped])


def test_dropping_a_project_file_opens_it(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    window.import_files([small_project])
    assert window.state.project_path == small_project


def test_usual_shortcuts(window: MainWindow) -> None:
    expected = {
        window.window_actions.new_action: "Ctrl+N",
        window.window_actions.open_action: "Ctrl+O",
        window.window_actions.import_action: "Ctrl+I",
        window.window_actions.export_action: "Ctrl+E",
        window.window_actions.quit_action: "Ctrl+Q",
    }
    for action, keys in expected.items():
        assert action.shortcut() == QKeySequence(keys), action.text()
        assert action.toolTip()


def test_pages_are_listed_in_workflow_order_and_explain_themselves(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    window.open_project(small_project)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Data", "Model", "Push plan", "Backtest", "Campaigns"]
    window.show_page("plan")
    assert window.page_stack.currentWidget() is window.pages["plan"]
    page = window.pages["plan"]
    assert page.stack.currentWidget() is page.empty
    assert "Train a model first" in page.empty.title_label.text()


def test_about_names_the_version_and_the_sample_licence(window: MainWindow) -> None:
    window.window_actions.about_action.trigger()
    box = next(
        w
        for w in window.findChildren(QMessageBox)
        if w.windowTitle() == "About Pushwise"
    )
    assert ml.__version__ in box.text()
    assert "CC BY 4.0" in box.text()
    box.close()


def test_closing_the_window_remembers_its_size(
    qtbot, window: MainWindow, settings_file: Path
) -> None:
    window.resize(700, 500)  # the offscreen screen is 800 x 600
    size = window.size()
    window.close()
    again = MainWindow(settings=Settings(_ini(settings_file)))
    qtbot.addWidget(again)
    assert again.size() == size


def _ini(path: Path):
    from PySide6.QtCore import QSettings

    return QSettings(str(path), QSettings.Format.IniFormat)


def test_import_opens_the_wizard_on_the_dropped_file(
    qtbot, window: MainWindow, small_project: Path
) -> None:
    from PySide6.QtWidgets import QLineEdit, QWizard

    from tests.conftest import TEST_DATA

    dropped = TEST_DATA / "reading" / "online_retail_head.csv"
    window.open_project(small_project)
    # Opening a project loads its saved model in a job; importing waits for it.
    qtbot.waitUntil(lambda: not window.state.busy, timeout=60_000)
    window.import_files([dropped])
    wizard = window.findChild(QWizard)
    assert wizard is not None and wizard.isVisible()
    assert any(dropped.name in edit.text() for edit in wizard.findChildren(QLineEdit))
    wizard.reject()
