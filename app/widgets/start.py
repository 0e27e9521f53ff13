"""StartScreen: shown while no project is open — new, open, sample, recent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import ml

PATH_ROLE = Qt.ItemDataRole.UserRole


class StartScreen(QWidget):
    """The first screen: create a project, open one, or try the sample."""

    new_requested = Signal()
    open_requested = Signal()
    sample_requested = Signal()
    recent_chosen = Signal(object)  # Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Pushwise")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        tagline = QLabel(
            "Find out what to offer which customer next. Import your orders and "
            "feedback, train a model, and export a push list for your next campaign."
        )
        tagline.setWordWrap(True)
        self.new_button = QPushButton("New project…")
        self.new_button.setToolTip(
            "Create an empty project file, then import your CRM or shop exports "
            "into it."
        )
        self.open_button = QPushButton("Open project…")
        self.open_button.setToolTip("Open a .pushwise project file.")
        self.sample_button = QPushButton("Open the sample project")
        self.sample_button.setToolTip(
            "Try Pushwise on a year of real orders of an online gift shop "
            "(about 86,000 order lines)."
        )
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        width = self.fontMetrics().horizontalAdvance("M") * 16
        for button in (self.new_button, self.open_button, self.sample_button):
            button.setMinimumHeight(button.sizeHint().height() * 3 // 2)
            button.setMinimumWidth(max(width, button.sizeHint().width()))
        self.recent_label = QLabel("Recent projects")
        bold = self.recent_label.font()
        bold.setBold(True)
        self.recent_label.setFont(bold)
        self.recent_list = QListWidget()
        self.recent_list.setToolTip("Double-click or press Enter to open a project.")
        self.recent_list.setAccessibleName("Recent projects")
        self.recent_list.setMaximumHeight(self.fontMetrics().height() * 20)
        self.recent_list.setSpacing(3)
        self.recent_list.itemActivated.connect(self._on_recent_list_item_activated)
        self.no_recent_label = QLabel("Projects you open appear here.")
        self.no_recent_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        version = QLabel(f"Version {ml.__version__}")
        version.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        buttons = QVBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)
        recent = QVBoxLayout()
        recent.addWidget(self.recent_label)
        recent.addWidget(self.recent_list)
        recent.addWidget(self.no_recent_label)
        recent.addStretch(1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(32)
        grid.addLayout(buttons, 0, 0)
        grid.addLayout(recent, 0, 1)
        grid.setColumnStretch(1, 1)
        content = QWidget()
        content.setMaximumWidth(820)
        inner = QVBoxLayout(content)
        inner.addWidget(title)
        inner.addWidget(tagline)
        inner.addSpacing(16)
        inner.addLayout(grid, 1)
        inner.addWidget(version)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.addWidget(content, 1, Qt.AlignmentFlag.AlignHCenter)

    def set_recent(self, paths: list[Path]) -> None:
        """List these projects, newest first."""
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.stem}\n{path.parent}")
            item.setData(PATH_ROLE, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        self.recent_list.setVisible(bool(paths))
        self.no_recent_label.setVisible(not paths)

    def _on_recent_list_item_activated(self, item: QListWidgetItem) -> None:
        self.recent_chosen.emit(Path(item.data(PATH_ROLE)))
