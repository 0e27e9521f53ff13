"""ProblemBox: what went wrong and what to do, in plain words, on a wizard page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

from app.errors import describe
from app.importwizard.labels import plain_note


class ProblemBox(QFrame):
    """A framed message naming the file, row and column at fault and the fix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#problemBox { border: 1px solid #c0392b; border-radius: 4px; }"
        )
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        icon.setPixmap(warning.pixmap(size, size))
        self.what_label = QLabel(wordWrap=True)
        self.what_label.setStyleSheet("font-weight: bold;")
        self.todo_label = QLabel(wordWrap=True)
        for label in (self.what_label, self.todo_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.addWidget(self.what_label)
        text.addWidget(self.todo_label)
        layout = QHBoxLayout(self)
        layout.addWidget(icon, 0)
        layout.addLayout(text, 1)
        self.hide()

    def show_error(self, error: BaseException | None, context: str = "") -> None:
        """Show the error in plain words (hide the box when error is None)."""
        if error is None:
            self.hide()
            return
        what, todo = (plain_note(text) for text in describe(error))
        self.what_label.setText(f"{context} {what}".strip() if context else what)
        self.todo_label.setText(todo)
        self.todo_label.setVisible(bool(todo))
        self.show()

    def show_text(self, what: str, todo: str = "") -> None:
        """Show a message that is not an exception (e.g. a missing project)."""
        self.what_label.setText(what)
        self.todo_label.setText(todo)
        self.todo_label.setVisible(bool(todo))
        self.show()
