"""The main window's actions, toolbar and menus.

They know the window only as a QMainWindow and the commands it offers
(WindowCommands), so this module never imports app.window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStyle, QWidget

from app import helpdialogs
from app.projectsettings import ProjectSettingsDialog
from app.settings import Settings
from app.state import AppState


class WindowCommands(Protocol):
    """What the window's actions do (app.window.MainWindow provides these)."""

    def new_project(self) -> object: ...

    def open_project(self, path: str | Path | None = None) -> object: ...

    def open_sample_project(self) -> object: ...

    def import_files(self, paths: list[str] | list[Path] | None = None) -> None: ...

    def export(self) -> None: ...


@dataclass(frozen=True, slots=True)
class WindowActions:
    """The window's actions; menus and toolbar share them."""

    new_action: QAction
    open_action: QAction
    sample_action: QAction
    import_action: QAction
    export_action: QAction
    settings_action: QAction
    close_action: QAction
    quit_action: QAction
    guide_action: QAction
    about_action: QAction


def make_actions(
    window: QMainWindow, commands: WindowCommands, state: AppState
) -> WindowActions:
    """Create the window's actions, its toolbar and its read-only note."""
    style = window.style()

    def action(text: str, tip: str, shortcut: Any = None, icon: Any = None) -> QAction:
        made = QAction(text, window)
        made.setToolTip(tip)
        made.setStatusTip(tip)
        if shortcut is not None:
            made.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            made.setIcon(style.standardIcon(icon))
        return made

    pixmap = QStyle.StandardPixmap
    made = WindowActions(
        new_action=action(
            "&New project…",
            "Create an empty project file",
            "Ctrl+N",
            pixmap.SP_FileIcon,
        ),
        open_action=action(
            "&Open…", "Open a project file", "Ctrl+O", pixmap.SP_DialogOpenButton
        ),
        sample_action=action(
            "Open &sample project",
            "Open a project with a year of real orders of an online gift shop",
        ),
        import_action=action(
            "&Import…",
            "Import orders, feedback, offerings or customers from a file",
            "Ctrl+I",
        ),
        export_action=action(
            "&Export…",
            "Save what the page shows (the current table) as a CSV file",
            "Ctrl+E",
            pixmap.SP_DialogSaveButton,
        ),
        settings_action=action(
            "Project se&ttings…",
            "Settings kept in the project, such as the cluster its heavy work runs on",
        ),
        close_action=action("&Close project", "Close the project", "Ctrl+W"),
        quit_action=action("&Quit", "Quit Pushwise", "Ctrl+Q"),
        guide_action=action("&User guide", "How to use Pushwise", "F1"),
        about_action=action("&About Pushwise", "Version and licences"),
    )
    made.import_action.setIcon(import_icon(window))
    made.new_action.triggered.connect(lambda: commands.new_project())
    made.open_action.triggered.connect(lambda: commands.open_project())
    made.sample_action.triggered.connect(lambda: commands.open_sample_project())
    made.import_action.triggered.connect(lambda: commands.import_files([]))
    made.export_action.triggered.connect(lambda: commands.export())
    made.settings_action.triggered.connect(lambda: open_project_settings(window, state))
    made.close_action.triggered.connect(state.close_project)
    made.quit_action.triggered.connect(window.close)
    made.guide_action.triggered.connect(lambda: helpdialogs.show_user_guide(window))
    made.about_action.triggered.connect(lambda: helpdialogs.show_about(window))
    make_read_only_label(window, state)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for item in (
        made.new_action,
        made.open_action,
        made.import_action,
        made.export_action,
    ):
        toolbar.addAction(item)
    return made


def open_project_settings(window: QWidget, state: AppState) -> ProjectSettingsDialog:
    """Show the open project's settings (window-modal, returns at once)."""
    dialog = ProjectSettingsDialog(state, parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def make_read_only_label(window: QMainWindow, state: AppState) -> None:
    """A status-bar note, shown while the open project is read-only."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("read_only_label")
    label.setVisible(False)
    window.statusBar().addPermanentWidget(label)

    def update() -> None:
        reason = state.read_only_reason
        label.setVisible(reason is not None)
        label.setText(f"Read-only: {reason}" if reason else "")
        label.setToolTip(
            "This project can be viewed and exported, not changed. Copy it "
            "somewhere you can write to, then open the copy."
            if reason
            else ""
        )

    state.project_changed.connect(update)


def import_icon(window: QWidget) -> QIcon:
    """The arrow icon in the palette's text colour (light or dark)."""
    arrow = window.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown)
    pixmap = arrow.pixmap(QSize(32, 32))
    painter = QPainter(pixmap)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(
        pixmap.rect(), window.palette().color(QPalette.ColorRole.ButtonText)
    )
    painter.end()
    return QIcon(pixmap)


def make_menus(
    window: QMainWindow,
    actions: WindowActions,
    settings: Settings,
    open_project: Callable[[Path], object],
) -> QMenu:
    """The menu bar: File, Go and Help; returns Go, which lists the pages as
    they are added."""
    menu = window.menuBar().addMenu("&File")
    menu.addAction(actions.new_action)
    menu.addAction(actions.open_action)
    menu.addAction(actions.sample_action)
    recent_menu = menu.addMenu("&Recent projects")
    recent_menu.setObjectName("recent_menu")
    recent_menu.aboutToShow.connect(
        lambda: fill_recent_menu(recent_menu, settings, open_project)
    )
    menu.addSeparator()
    menu.addAction(actions.import_action)
    menu.addAction(actions.export_action)
    menu.addSeparator()
    menu.addAction(actions.settings_action)
    menu.addSeparator()
    menu.addAction(actions.close_action)
    menu.addAction(actions.quit_action)
    go_menu = window.menuBar().addMenu("&Go")
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(actions.guide_action)
    help_menu.addAction(actions.about_action)
    return go_menu


def fill_recent_menu(
    menu: QMenu, settings: Settings, open_project: Callable[[Path], object]
) -> None:
    """List the recent projects in File > Recent projects."""
    menu.clear()
    recent = settings.recent_projects()
    for path in recent:
        item = menu.addAction(path.name)
        item.setToolTip(str(path))
        item.triggered.connect(lambda _checked=False, path=path: open_project(path))
    if not recent:
        menu.addAction("No recent projects").setEnabled(False)
    else:
        menu.addSeparator()
        clear = menu.addAction("Clear the list")
        clear.triggered.connect(settings.clear_recent_projects)
