"""The main window's actions, toolbar and menus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QStyle, QWidget

from app import helpdialogs

if TYPE_CHECKING:
    from app.window import MainWindow


def make_actions(window: MainWindow) -> None:
    """Create the window's actions (menus and toolbar share them) and toolbar."""
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
    window.new_action = action(
        "&New project…",
        "Create an empty project file",
        "Ctrl+N",
        pixmap.SP_FileIcon,
    )
    window.open_action = action(
        "&Open…", "Open a project file", "Ctrl+O", pixmap.SP_DialogOpenButton
    )
    window.sample_action = action(
        "Open &sample project",
        "Open a project with a year of real orders of an online gift shop",
    )
    window.import_action = action(
        "&Import…",
        "Import orders, feedback, offerings or customers from a file",
        "Ctrl+I",
    )
    window.import_action.setIcon(import_icon(window))
    window.export_action = action(
        "&Export…",
        "Save what the page shows (the current table) as a CSV file",
        "Ctrl+E",
        pixmap.SP_DialogSaveButton,
    )
    window.close_action = action("&Close project", "Close the project", "Ctrl+W")
    window.quit_action = action("&Quit", "Quit Pushwise", "Ctrl+Q")
    window.guide_action = action("&User guide", "How to use Pushwise", "F1")
    window.about_action = action("&About Pushwise", "Version and licences")
    window.new_action.triggered.connect(lambda: window.new_project())
    window.open_action.triggered.connect(lambda: window.open_project())
    window.sample_action.triggered.connect(window.open_sample_project)
    window.import_action.triggered.connect(lambda: window.import_files([]))
    window.export_action.triggered.connect(window.export)
    window.close_action.triggered.connect(window.state.close_project)
    window.quit_action.triggered.connect(window.close)
    window.guide_action.triggered.connect(lambda: helpdialogs.show_user_guide(window))
    window.about_action.triggered.connect(lambda: helpdialogs.show_about(window))
    make_read_only_label(window)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for item in (
        window.new_action,
        window.open_action,
        window.import_action,
        window.export_action,
    ):
        toolbar.addAction(item)


def make_read_only_label(window: MainWindow) -> None:
    """A status-bar note, shown while the open project is read-only."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setObjectName("read_only_label")
    label.setVisible(False)
    window.statusBar().addPermanentWidget(label)

    def update() -> None:
        reason = window.state.read_only_reason
        label.setVisible(reason is not None)
        label.setText(f"Read-only: {reason}" if reason else "")
        label.setToolTip(
            "This project can be viewed and exported, not changed. Copy it "
            "somewhere you can write to, then open the copy."
            if reason
            else ""
        )

    window.state.project_changed.connect(update)


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


def make_menus(window: MainWindow) -> None:
    """The menu bar: File, Go (pages, filled as they are added) and Help."""
    menu = window.menuBar().addMenu("&File")
    menu.addAction(window.new_action)
    menu.addAction(window.open_action)
    menu.addAction(window.sample_action)
    window.recent_menu = menu.addMenu("&Recent projects")
    window.recent_menu.aboutToShow.connect(lambda: fill_recent_menu(window))
    menu.addSeparator()
    menu.addAction(window.import_action)
    menu.addAction(window.export_action)
    menu.addSeparator()
    menu.addAction(window.close_action)
    menu.addAction(window.quit_action)
    window.go_menu = window.menuBar().addMenu("&Go")
    help_menu = window.menuBar().addMenu("&Help")
    help_menu.addAction(window.guide_action)
    help_menu.addAction(window.about_action)


def fill_recent_menu(window: MainWindow) -> None:
    """List the recent projects in File > Recent projects."""
    window.recent_menu.clear()
    recent = window.settings.recent_projects()
    for path in recent:
        item = window.recent_menu.addAction(path.name)
        item.setToolTip(str(path))
        item.triggered.connect(
            lambda _checked=False, path=path: window.open_project(path)
        )
    if not recent:
        window.recent_menu.addAction("No recent projects").setEnabled(False)
    else:
        window.recent_menu.addSeparator()
        clear = window.recent_menu.addAction("Clear the list")
        clear.triggered.connect(window.settings.clear_recent_projects)
