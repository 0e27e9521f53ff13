"""PlanRulesPanel: the push rules as controls, each with how many pushes it removed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from ml.plan.rules import (  # light: no pandas or scikit-learn
    CAP,
    FEEDBACK,
    INACTIVE,
    MIN_PROBABILITY,
    OPTED_OUT,
    RECENT,
    SERVICE,
    PlanRules,
)

# The feedback row's label; when returns block, its count includes them.
FEEDBACK_WORDS = "Bad feedback blocks for"
FEEDBACK_OR_RETURN_WORDS = "Bad feedback or a return blocks for"
# The hold-back choices of the "After a purchase" box.
UNTIL_DUE = "due"
FIXED_DAYS = "fixed"
# The choices of the "After a return" box: PlanRules.block_returns.
RETURN_CHOICES = (
    ("decide from my data", None),
    ("block the offering", True),
    ("do not block it", False),
)


class PlanRulesPanel(QGroupBox):
    """Controls for PlanRules; rules_changed after any change by the user."""

    rules_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Push rules (and how many pushes each removed)", parent)
        # The rules last set (keeps the fields not shown here).
        self._base: PlanRules | None = None
        self.hold_mode = QComboBox()
        self.hold_mode.addItem("hold back until due", UNTIL_DUE)
        self.hold_mode.addItem("hold back a fixed time", FIXED_DAYS)
        self.hold_mode.setToolTip(
            "Until due: an offering a customer bought waits until they are "
            "likely to need it again, learnt from your data. Fixed: it waits "
            "the same number of days for everyone."
        )
        self.hold_mode.currentIndexChanged.connect(self._on_hold_mode_changed)
        self.due_percent = self._spin(0, 100, 0, " %")
        self.due_percent.setToolTip(
            "Hold back what a customer bought until this share of their usual "
            "time between purchases of it has passed (after a first purchase: "
            "the time its buyers usually take). 0 %: only what nobody rebuys is "
            "held back."
        )
        self.recent_days = self._spin(0, 3650, 7, " days")
        self.recent_days.setToolTip(
            "Do not offer something the customer bought within this many days."
        )
        self.hold_amount = QStackedWidget()
        self.hold_amount.addWidget(
            self._with_words(self.due_percent, "of the customer's usual interval")
        )
        self.hold_amount.addWidget(
            self._with_words(self.recent_days, "after a purchase")
        )
        self.hold_note = self._note(
            "What Pushwise learnt from your customers' repeat purchases."
        )
        self.feedback_days = self._spin(0, 3650, 365, " days")
        self.feedback_days.setToolTip(
            "A low rating or a complaint (and a return, when returns block) "
            "blocks the offering for this customer for this many days."
        )
        self.return_mode = QComboBox()
        for label, value in RETURN_CHOICES:
            self.return_mode.addItem(label, value)
        self.return_mode.setToolTip(
            "Whether a customer's return of an offering blocks it like bad "
            "feedback. From your data: only if your customers rarely buy again "
            "what they returned."
        )
        self.return_mode.currentIndexChanged.connect(self.rules_changed)
        self.return_note = self._note(
            "What Pushwise learnt from what your customers did after a return."
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
        form.addRow("After a purchase", self._with_count(self.hold_mode, RECENT))
        form.addRow("", self.hold_amount)
        form.addRow(self.hold_note)
        self.feedback_label = QLabel(FEEDBACK_WORDS)
        form.addRow(self.feedback_label, self._with_count(self.feedback_days, FEEDBACK))
        form.addRow("After a return", self.return_mode)
        form.addRow(self.return_note)
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

    def rules(self) -> PlanRules:
        """The rules as set."""
        fixed = self.hold_mode.currentData() == FIXED_DAYS
        return replace(
            PlanRules() if self._base is None else self._base,
            due_share=self.due_percent.value() / 100,
            recent_purchase_days=self.recent_days.value() if fixed else None,
            feedback_block_days=self.feedback_days.value(),
            block_returns=self.return_mode.currentData(),
            min_probability=self.min_percent.value() / 100,
            max_per_customer=self.per_customer.value(),
            skip_inactive=self.skip_inactive.isChecked(),
        )

    def set_rules(self, rules: PlanRules) -> None:
        """Show these rules without emitting rules_changed; fields without a
        control here are kept for rules()."""
        self._base = rules
        days = rules.recent_purchase_days
        fixed = days is not None
        controls = (
            self.hold_mode,
            self.due_percent,
            self.recent_days,
            self.feedback_days,
            self.return_mode,
            self.min_percent,
            self.per_customer,
            self.skip_inactive,
        )
        for control in controls:
            control.blockSignals(True)
        try:
            self.hold_mode.setCurrentIndex(1 if fixed else 0)
            self.hold_amount.setCurrentIndex(1 if fixed else 0)
            self.due_percent.setValue(round(rules.due_share * 100))
            if days is not None:
                self.recent_days.setValue(int(days))
            self.feedback_days.setValue(int(rules.feedback_block_days))
            choices = [value for _, value in RETURN_CHOICES]
            self.return_mode.setCurrentIndex(choices.index(rules.block_returns))
            self.min_percent.setValue(round(rules.min_probability * 100))
            self.per_customer.setValue(int(rules.max_per_customer))
            self.skip_inactive.setChecked(bool(rules.skip_inactive))
        finally:
            for control in controls:
                control.blockSignals(False)

    def show_hold_back(self, text: str) -> None:
        """Say in plain words what the hold-back learnt from the data."""
        self.hold_note.setText(text)

    def show_returns(self, text: str) -> None:
        """Say in plain words whether returns block, and what that was learnt from."""
        self.return_note.setText(text)

    def show_removed(
        self, removed: Mapping[str, int] | None, *, returns_block: bool = False
    ) -> None:
        """Show how many pushes each rule removed (blank when unknown); with
        returns_block, the feedback row says its count includes returns."""
        self.feedback_label.setText(
            FEEDBACK_OR_RETURN_WORDS if returns_block else FEEDBACK_WORDS
        )
        self.removed[FEEDBACK].setToolTip(
            "How many pushes a low rating, a complaint or a return took out of "
            "the plan."
            if returns_block
            else "How many pushes a low rating or a complaint took out of the plan."
        )
        for rule, label in self.removed.items():
            if removed is None or rule not in removed:
                label.setText("")
            else:
                count = int(removed[rule])
                label.setText(f"removed {count:,}")

    def _note(self, tooltip: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setToolTip(tooltip)
        return label

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

    def _on_hold_mode_changed(self, index: int) -> None:
        self.hold_amount.setCurrentIndex(index)
        self.rules_changed.emit()

    def _with_words(self, control: QWidget, words: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(control)
        layout.addWidget(QLabel(words))
        layout.addStretch(1)
        return row

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
