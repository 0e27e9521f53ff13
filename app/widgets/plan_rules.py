"""PlanRulesPanel: the push rules as controls, each with how many pushes it removed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

# Rule keys of ml.plan.rules.RULES (not imported: ml.plan loads scikit-learn).
OPTED_OUT = "opted_out"
INACTIVE = "inactive_offering"
SERVICE = "service_line"
RECENT = "recent_purchase"
FEEDBACK = "negative_feedback"
MIN_PROBABILITY = "min_probability"
CAP = "per_customer_cap"


class PlanRulesPanel(QGroupBox):
    """Controls for PlanRules; rules_changed after any change by the user."""

    rules_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Push rules (and how many pushes each removed)", parent)
        self.recent_days = self._spin(0, 3650, 7, " days")
        self.recent_days.setToolTip(
            "Do not offer something the customer bought within this many days."
        )
        self.feedback_days = self._spin(0, 3650, 365, " days")
        self.feedback_days.setToolTip(
            "A low rating, a complaint or a return blocks the offering for this "
            "customer for this many days."
        )
        self.min_percent = self._spin(0, 100, 0, " %")
        self.min_percent.setToolTip(
            "Leave out pushes the model gives a lower chance of being taken up."
        )
        self.per_customer = self._spin(1, 50, 10, "")
        self.per_customer.setToolTip("Offer each customer at most this many offerings.")
        self.skip_inactive = QCheckBox("Leave out inactive offerings")
        self.skip_inactive.setChecked(True)
        self.skip_inactive.setToolTip(
            "Offerings your catalogue marks as no longer active are not offered."
        )
        self.skip_inactive.toggled.connect(self.rules_changed)
        self.removed: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Not again within", self._with_count(self.recent_days, RECENT))
        form.addRow(
            "Bad feedback blocks for", self._with_count(self.feedback_days, FEEDBACK)
        )
        form.addRow(
            "Minimum chance", self._with_count(self.min_percent, MIN_PROBABILITY)
        )
        form.addRow("Pushes per customer", self._with_count(self.per_customer, CAP))
        form.addRow(self._with_count(self.skip_inactive, INACTIVE))
        always = QLabel("Always left out:")
        always.setToolTip("Rules that always apply.")
        form.addRow(always)
        form.addRow("Opted out of contact", self._count_label(OPTED_OUT))
        form.addRow("Postage, fees and the like", self._count_label(SERVICE))

    def rules(self) -> Any:
        """The rules as set (an ml.plan.PlanRules)."""
        from ml.plan import PlanRules

        return PlanRules(
            recent_purchase_days=self.recent_days.value(),
            feedback_block_days=self.feedback_days.value(),
            min_probability=self.min_percent.value() / 100,
            max_per_customer=self.per_customer.value(),
            skip_inactive=self.skip_inactive.isChecked(),
        )

    def show_removed(self, removed: Mapping[str, int] | None) -> None:
        """Show how many pushes each rule removed (blank when unknown)."""
        for rule, label in self.removed.items():
            if removed is None or rule not in removed:
                label.setText("")
            else:
                count = int(removed[rule])
                label.setText(f"removed {count:,}")

    def _spin(self, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        metrics = spin.fontMetrics()
        spin.setMinimumWidth(metrics.horizontalAdvance(f"{high}{suffix}") + 40)
        spin.setKeyboardTracking(False)  # typed numbers count once complete
        spin.valueChanged.connect(self.rules_changed)
        return spin

    def _count_label(self, rule: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip("How many pushes this rule took out of the plan.")
        label.setMinimumWidth(
            label.fontMetrics().horizontalAdvance("removed 888,888") + 4
        )
        self.removed[rule] = label
        return label

    def _with_count(self, control: QWidget, rule: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(control)
        layout.addWidget(self._count_label(rule))
        layout.addStretch(1)
        return row
