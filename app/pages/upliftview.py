"""ExtraUptakeView: the push plan ranked by the purchases each push adds
(learnt from the project's campaigns with a control group), cut to a
contact budget, with the curve of what each list size is expected to add
and the customers the list leaves out, with why."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.tables import DataFrameTableModel, money, percent
from app.widgets.chart import ChartView
from app.widgets.progress import JobProgressPanel
from app.widgets.table import TablePanel
from ml.columns import Columns

if TYPE_CHECKING:
    from app.jobs import Job
    from ml.workflows.uplift import UpliftPlan

C = Columns
LABELS = {
    C.CUSTOMER: "Customer",
    C.OFFERING: "Offering code",
    "offering_name": "Offering",
    "rank": "List position",
    "extra_uptake": "Extra uptake",
    "extra_revenue": "Extra revenue",
    "probability": "Chance",
    "chance_without_push": "Chance without a push",
    "chance_with_push": "Chance with a push",
    "extra_chance": "Extra chance",
    "customer_type": "Customer type",
    "reason": "Why",
    "pushes_listed": "Pushes in the list",
}
FORMATS = {
    name: percent
    for name in (
        "extra_uptake",
        "probability",
        "chance_without_push",
        "chance_with_push",
        "extra_chance",
    )
} | {"extra_revenue": money}
PUSHES, LEFT_OUT = "Pushes to send", "Customers left out"
PUSH_COLUMNS = [
    "rank",
    C.CUSTOMER,
    "offering_name",
    "extra_uptake",
    "extra_revenue",
    "chance_without_push",
    "chance_with_push",
    "customer_type",
    "reason",
]
CUSTOMER_COLUMNS = [
    C.CUSTOMER,
    "customer_type",
    "chance_without_push",
    "chance_with_push",
    "extra_chance",
]
INTRO = (
    "Ranks the plan's pushes by the purchases they add: those a customer makes "
    "only because they were pushed. Pushwise learns this from your finished "
    "campaigns with a control group. Set how many pushes you can send, and "
    "the list is the one expected to add the most."
)


class ExtraUptakeView(QWidget):
    """The plan by extra uptake within a contact budget; rank_requested asks
    the page to (re)compute it."""

    rank_requested = Signal()
    list_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ranked: UpliftPlan | None = None
        self.names: dict[str, str] = {}  # offering id -> name
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        self.rank_button = QPushButton("Rank by extra uptake")
        self.rank_button.setToolTip(
            "Learn from your campaigns who buys because of a push, and rank "
            "the plan's pushes by it."
        )
        self.rank_button.clicked.connect(self.rank_requested)
        self.budget = QSpinBox()
        self.budget.setRange(0, 100_000_000)
        self.budget.setSingleStep(100)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setSpecialValueText("every push worth sending")
        self.budget.setKeyboardTracking(False)
        self.budget.setToolTip(
            "How many pushes you can send: the list is the one expected to add "
            "the most purchases for that number (0: every push that adds any)."
        )
        self.budget.valueChanged.connect(self._show)
        self.maximise = QComboBox()
        self.maximise.addItem("extra purchases", False)
        self.maximise.addItem("extra revenue", True)
        self.maximise.setToolTip(
            "What the list should bring the most of: purchases made only because "
            "of the push, or the revenue of those purchases."
        )
        self.maximise.currentIndexChanged.connect(self._on_maximise_changed)
        self.progress = JobProgressPanel()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("uplift_summary")
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.chart = ChartView()
        self.showing = QComboBox()
        self.showing.addItems([PUSHES, LEFT_OUT])
        self.showing.setToolTip(
            "The pushes of the list, or the plan's customers it leaves out "
            "(who would buy anyway, who a push puts off, who are beyond the "
            "budget)."
        )
        self.showing.currentIndexChanged.connect(self._show)
        self.model = DataFrameTableModel(labels=LABELS, formats=FORMATS)
        self.table = TablePanel(self.model, noun="rows")
        controls = QHBoxLayout()
        controls.addWidget(self.rank_button)
        controls.addWidget(QLabel("Contact budget:"))
        controls.addWidget(self.budget)
        controls.addWidget(QLabel("Most:"))
        controls.addWidget(self.maximise)
        controls.addWidget(self.progress, 1)
        controls.addStretch(0)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        show_row = QHBoxLayout()
        show_row.addWidget(QLabel("Show:"))
        show_row.addWidget(self.showing)
        show_row.addStretch(1)
        below_layout.addLayout(show_row)
        below_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart)
        split.addWidget(below)
        split.setSizes([250, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.clear()

    def bind(self, job: Job) -> None:
        """Show the ranking job's progress, with its Cancel button."""
        self.rank_button.setEnabled(False)
        self.summary.setText("")
        self.progress.bind(job, "Learning who buys because of a push…")
        job.finished.connect(lambda: self.rank_button.setEnabled(True))

    def clear(self, message: str = "") -> None:
        """Show no ranking (the plan changed, or it could not be learnt),
        with a message saying why or what to do."""
        self.ranked = None
        self.summary.setText(message)
        self.chart.set_chart(None, "No ranking yet.")
        self.model.set_frame(pd.DataFrame(columns=PUSH_COLUMNS), visible=PUSH_COLUMNS)
        self.list_changed.emit()

    def set_ranked(self, ranked: UpliftPlan, names: dict[str, str]) -> None:
        """Show the plan ranked by extra uptake (names: offering id -> name)."""
        self.ranked, self.names = ranked, names
        self._show()

    @property
    def by_revenue(self) -> bool:
        """Whether the list should bring the most extra revenue (not purchases)."""
        return bool(self.maximise.currentData())

    def _on_maximise_changed(self) -> None:
        if self.ranked is not None:  # the list differs: rank again
            self.rank_requested.emit()

    def chosen_list(self) -> pd.DataFrame:
        """The pushes of the list within the budget, best first, with their
        offering's name."""
        if self.ranked is None:
            return pd.DataFrame(columns=PUSH_COLUMNS)
        budget = self.budget.value()
        rows = self.ranked.rows
        chosen = rows.head(budget) if budget else rows
        ids = chosen[C.OFFERING]
        named = ids.map(self.names).astype(object)
        return chosen.assign(offering_name=named.where(named.notna(), ids))

    def _show(self) -> None:
        from ml.workflows.uplift import (
            extra_in_words,
            gain_curve_chart,
            left_out_in_words,
        )

        ranked = self.ranked
        if ranked is None:
            return
        chosen = self.chosen_list()
        budget = self.budget.value() or None
        self.summary.setText(
            f"The {len(chosen):,} pushes of this list are expected to bring "
            f"{extra_in_words(chosen)} that would not happen without them. "
            f"{left_out_in_words(ranked, budget)}\n"
            + (f"{ranked.caution}\n" if ranked.caution else "")
            + ranked.description.splitlines()[0]
        )
        self.chart.set_chart(gain_curve_chart(ranked, budget))
        if self.showing.currentText() == LEFT_OUT:
            self.model.set_frame(ranked.left_out(budget), visible=CUSTOMER_COLUMNS)
        else:
            self.model.set_frame(chosen, visible=PUSH_COLUMNS)
        self.list_changed.emit()
