"""EmptyStatePage: a page with nothing to show yet, saying what to do first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


class EmptyStatePage(QWidget):
    """A heading and a sentence, centred: what this page will show and how."""

    def __init__(self, title: str, message: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title_label = QLabel(title)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setMaximumWidth(520)
        for label in (self.title_label, self.message_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)
        # Stretches rather than alignment flags, so that the wrapped message
        # gets the height its width needs.
        column = QVBoxLayout()
        column.addWidget(self.title_label)
        column.addWidget(self.message_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(column, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
