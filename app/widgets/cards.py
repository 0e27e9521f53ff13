"""SummaryCards: big numbers with a caption, in one row or two as room allows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


class SummaryCard(QFrame):
    """One number with a caption and a detail line."""

    def __init__(self, title: str, tooltip: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tooltip)
        self.title_label = QLabel(title)
        self.value_label = QLabel("–")
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value_label.setFont(font)
        self.detail_label = QLabel(" ")
        # A quieter colour that follows the light or dark palette.
        self.detail_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.title_label, self.value_label, self.detail_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)

    def set(self, value: str, detail: str = " ") -> None:
        """Show a value and its detail line."""
        self.value_label.setText(value)
        self.detail_label.setText(detail)


class SummaryCards(QWidget):
    """A row of SummaryCards that wraps into two rows when the window is narrow."""

    def __init__(
        self, cards: dict[str, tuple[str, str]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.cards = {
            key: SummaryCard(title, tooltip) for key, (title, tooltip) in cards.items()
        }
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self._per_row = 0
        self.arrange()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.arrange()

    def arrange(self) -> None:
        """One row of cards where they fit, else two rows (call after new values)."""
        cards = list(self.cards.values())
        spacing = self.grid.horizontalSpacing() + 2
        widths = [card.sizeHint().width() for card in cards]
        fits = self.width() >= sum(widths) + spacing * len(cards)
        per_row = len(cards) if fits else (len(cards) + 1) // 2
        for card, width in zip(cards, widths, strict=True):
            card.setMinimumWidth(width if fits else max(widths))
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for card in cards:
            self.grid.removeWidget(card)
        for column in range(len(cards)):
            self.grid.setColumnStretch(column, 1 if column < per_row else 0)
        for number, card in enumerate(cards):
            self.grid.addWidget(card, number // per_row, number % per_row)
