"""The push plan page's views: by customer, by offering (with gains), and Why not?."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.tables import DataFrameTableModel, money, percent
from app.widgets.gains_chart import GainsChart
from app.widgets.table import TablePanel
from ml.columns import Columns

C = Columns
LABELS = {
    C.CUSTOMER: "Customer",
    "offering_name": "Offering",
    "probability": "Chance",
    "expected_revenue": "Expected revenue",
    "reason": "Why",
    "rank": "Rank",
    C.OFFERING: "Offering code",
    C.SEGMENT: "Segment",
    C.COUNTRY: "Country",
    C.CATEGORY: "Category",
    "bought_before": "Bought before",
    "position": "List position",
}
FORMATS = {"probability": percent, "expected_revenue": money}


def plan_model() -> DataFrameTableModel:
    """A table model with the plan's headings and formats."""
    return DataFrameTableModel(labels=LABELS, formats=FORMATS)


def picker(tooltip: str) -> QComboBox:
    """An editable drop-down that completes what the user types."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMinimumContentsLength(18)
    combo.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
    )
    completer = combo.completer()
    if completer is not None:
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
    combo.setToolTip(tooltip)
    return combo


def fill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Fill a picker with (text, id) items, keeping the chosen id if still there."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, key in items:
        combo.addItem(text, key)
    found = combo.findData(current)
    combo.setCurrentIndex(found if found >= 0 else (0 if items else -1))
    combo.blockSignals(False)


def resolve(combo: QComboBox) -> tuple[str | None, str]:
    """The id of the item a picker's typed text names, or None and why not.

    The text counts when it is an item's label, its id or its name (the label
    without its "(id)"), ignoring case, or a part of exactly one label. The item
    found is shown selected; the second value is "" or "none" / "many".
    """
    typed = combo.currentText().strip()
    index = combo.currentIndex()
    if typed and index >= 0 and combo.itemText(index).strip() == typed:
        return str(combo.itemData(index)), ""
    wanted = typed.casefold()
    items = [
        (i, combo.itemText(i).strip(), str(combo.itemData(i)))
        for i in range(combo.count())
    ]
    found = [i for i, text, key in items if wanted in _names(text, key)]
    if not found and wanted:
        found = [i for i, text, _key in items if wanted in text.casefold()]
    if len(found) != 1:
        return None, "many" if found else "none"
    combo.setCurrentIndex(found[0])
    return str(combo.itemData(found[0])), ""


def _names(text: str, key: str) -> set[str]:
    """The ways a user may type an item exactly: label, id, name without "(id)"."""
    names = {text.casefold(), key.casefold()}
    suffix = f" ({key})"
    if text.endswith(suffix):
        names.add(text[: -len(suffix)].strip().casefold())
    return names


class CustomerPlanView(QWidget):
    """Pick a customer: what to offer them, best first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = pd.DataFrame()
        self.customer = picker("Choose a customer (type to search).")
        self.customer.currentIndexChanged.connect(self._show)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = plan_model()
        self.panel = TablePanel(self.model, noun="pushes")
        top = QHBoxLayout()
        top.addWidget(QLabel("Customer"))
        top.addWidget(self.customer)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panel, 1)

    def set_table(self, table: pd.DataFrame) -> None:
        """Show the (filtered) plan table's customers."""
        self.table = table
        ids = sorted(pd.unique(table[C.CUSTOMER]))
        fill(self.customer, [(str(i), str(i)) for i in ids])
        self._show()

    def choose(self, customer_id: str) -> None:
        """Show this customer's pushes."""
        self.customer.setCurrentIndex(self.customer.findData(customer_id))

    def _show(self) -> None:
        chosen = self.customer.currentData()
        mine = (
            self.table[self.table[C.CUSTOMER] == chosen] if chosen else self.table[:0]
        )
        mine = mine.sort_values("rank", kind="stable")
        # Why right after the chance: in view at the window's default size.
        first = ["rank", "offering_name", "probability", "reason", "expected_revenue"]
        rest = [c for c in mine.columns if c not in first]
        self.model.set_frame(mine[first + rest], visible=first)
        total = float(mine["expected_revenue"].sum()) if len(mine) else 0.0
        self.summary.setText(
            f"{len(mine)} offering{'' if len(mine) == 1 else 's'} to offer, "
            f"expected revenue {money(total)}"
            if chosen
            else "No customer in the plan."
        )


class OfferingPlanView(QWidget):
    """Pick an offering: who to offer it to, with the gains curve and a list size."""

    list_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: Any = None
        self.table = pd.DataFrame()
        self.ranked = pd.DataFrame()
        self.offering = picker("Choose an offering (type to search).")
        self.offering.currentIndexChanged.connect(self._show)
        self.list_size = QSpinBox()
        self.list_size.setRange(1, 1)
        self.list_size.setKeyboardTracking(False)
        self.list_size.setToolTip("How many customers to put on this offering's list.")
        self.list_size.valueChanged.connect(self._on_size_changed)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.chart = GainsChart()
        self.chart.size_picked.connect(self.list_size.setValue)
        self.model = plan_model()
        self.panel = TablePanel(self.model, noun="customers")
        top = QHBoxLayout()
        top.addWidget(QLabel("Offering"))
        top.addWidget(self.offering, 1)
        top.addWidget(QLabel("List size"))
        top.addWidget(self.list_size)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(self.panel)
        split.setSizes([220, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def set_plan(self, plan: Any, table: pd.DataFrame) -> None:
        """Show the (filtered) plan table's offerings, most expected uptake first."""
        self.plan, self.table = plan, table
        uptake = table.groupby([C.OFFERING, "offering_name"])["probability"].sum()
        uptake = uptake.sort_values(ascending=False, kind="stable")
        fill(self.offering, [(f"{name} ({code})", code) for code, name in uptake.index])
        self._show()

    def chosen(self) -> str | None:
        """The offering shown, if any."""
        data = self.offering.currentData()
        return None if data is None else str(data)

    def choose(self, offering_id: str) -> None:
        """Show this offering's list."""
        self.offering.setCurrentIndex(self.offering.findData(offering_id))

    def shown_list(self) -> pd.DataFrame:
        """The chosen offering's list, cut at the list size."""
        return self.ranked.head(self.list_size.value()).reset_index(drop=True)

    def _show(self) -> None:
        offering = self.chosen()
        if self.plan is None or offering is None:
            self.ranked = self.table[:0].assign(position=pd.Series(dtype="int64"))
            self.chart.set_curve(
                pd.DataFrame({"list_size": [], "expected_uptake": []}), 0
            )
            self.model.set_frame(self.ranked)
            self.summary.setText("No offering in the plan.")
            return
        # The plan's order for the offering (best first), kept to the filtered rows.
        order = self.plan.for_offering(offering)[[C.CUSTOMER]]
        mine = self.table[self.table[C.OFFERING] == offering]
        ranked = order.merge(mine, on=C.CUSTOMER, how="inner")
        ranked.insert(0, "position", range(1, len(ranked) + 1))
        self.ranked = ranked
        curve = pd.DataFrame(
            {
                "list_size": ranked["position"],
                "expected_uptake": ranked["probability"].cumsum(),
            }
        )
        self.list_size.blockSignals(True)
        self.list_size.setRange(1, max(1, len(ranked)))
        self.list_size.setValue(len(ranked))
        self.list_size.blockSignals(False)
        self.chart.set_curve(curve, len(ranked))
        self._on_size_changed(self.list_size.value())

    def _on_size_changed(self, size: int) -> None:
        self.chart.set_size(size)
        shown = self.shown_list()
        self.model.set_frame(
            shown,
            visible=[
                "position",
                C.CUSTOMER,
                "probability",
                "reason",
                "expected_revenue",
                C.SEGMENT,
                C.COUNTRY,
            ],
        )
        expected = self.chart.uptake_at(size)
        everyone = self.chart.uptake_at(len(self.ranked))
        share = expected / everyone if everyone else 0.0
        self.summary.setText(
            f"Contacting the best {len(shown):,} of {len(self.ranked):,} customers: "
            f"about {expected:,.1f} expected to take it up "
            f"({percent(share)} of the uptake expected from the whole list)."
        )
        self.list_changed.emit()


def plain(text: str) -> str:
    """An engine explanation without its rule code, e.g. "(recent_purchase)"."""
    return re.sub(r" \([a-z]+(?:_[a-z]+)+\)", "", text)


def no_match(kind: str, typed: str, problem: str) -> str:
    """Say plainly that the typed text names no (or more than one) customer/offering."""
    if problem == "many":
        return (
            f"'{typed}' matches more than one {kind}: "
            "type more of it or pick one from the list."
        )
    return f"No {kind} '{typed}' in this project."


class WhyNotPanel(QGroupBox):
    """Pick a customer and an offering: why it is (not) pushed, in plain words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Why not?", parent)
        self.plan: Any = None
        self.customer = picker("The customer to ask about (type to search).")
        self.offering = picker("The offering to ask about (type to search).")
        self.ask_button = QPushButton("Why not?")
        self.ask_button.setToolTip(
            "Explain why this offering is, or is not, in this customer's pushes."
        )
        self.ask_button.clicked.connect(self.ask)
        # Return in a picker asks about what is typed, picked from the pop-up or not.
        for combo in (self.customer, self.offering):
            edit = combo.lineEdit()
            if edit is not None:
                edit.returnPressed.connect(self.ask)
        self.answer = QLabel()
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        row = QHBoxLayout()
        row.addWidget(QLabel("Customer"))
        row.addWidget(self.customer, 1)
        row.addWidget(QLabel("Offering"))
        row.addWidget(self.offering, 2)
        row.addWidget(self.ask_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.answer)

    def set_plan(
        self, plan: Any, customers: list[str], offerings: list[tuple[str, str]]
    ) -> None:
        """Offer the plan's candidates' customers and offerings to ask about."""
        self.plan = plan
        fill(self.customer, [(c, c) for c in customers])
        fill(self.offering, offerings)
        self.answer.clear()

    def ask(self) -> str:
        """Answer for the chosen pair (also shown below the pickers)."""
        customer, customer_problem = resolve(self.customer)
        offering, offering_problem = resolve(self.offering)
        typed_customer = self.customer.currentText().strip()
        typed_offering = self.offering.currentText().strip()
        if self.plan is None or not (typed_customer and typed_offering):
            text = "Choose a customer and an offering first."
        elif customer is None:
            text = no_match("customer", typed_customer, customer_problem)
        elif offering is None:
            text = no_match("offering", typed_offering, offering_problem)
        else:
            text = plain(self.plan.why_not(str(customer), str(offering)))
            text = f"{customer} and {self.offering.currentText()}: {text}"
        self.answer.setText(text)
        return text
