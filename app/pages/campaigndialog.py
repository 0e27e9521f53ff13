"""CampaignDialog: the name and control group of a push plan saved as a campaign."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

DEFAULT_CONTROL_PERCENT = 10


class CampaignDialog(QDialog):
    """Ask for the campaign's name, its control group and which pushes."""

    def __init__(
        self,
        pushes: int,
        offering: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save as campaign")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Autumn push 2026")
        self.control_spin = QSpinBox()
        self.control_spin.setRange(0, 50)
        self.control_spin.setSuffix(" % of the customers")
        self.control_spin.setValue(DEFAULT_CONTROL_PERCENT)
        self.control_spin.setToolTip(
            "Customers held out at random (alike in predicted chance) and not "
            "contacted: what they buy anyway shows what the push added. 0 for none."
        )
        self.offering_check = QCheckBox(
            f"Only the list of {offering}" if offering else "Only one offering's list"
        )
        self.offering_check.setEnabled(offering is not None)
        self.offering_check.setChecked(offering is not None)
        self.offering = offering
        explain = QLabel(
            f"The plan's {pushes:,} pushes are saved as they are now: training "
            "again never changes a campaign. Send the list from the Campaigns "
            "page (Export lists…); import the orders that follow to see what "
            "the campaign did.",
            wordWrap=True,
        )
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Control group:", self.control_spin)
        form.addRow("", self.offering_check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._on_name_changed)
        self._on_name_changed("")
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    @property
    def name(self) -> str:
        """The campaign's name as typed, without surrounding spaces."""
        return self.name_edit.text().strip()

    @property
    def control_share(self) -> float:
        """The share of customers held out (0: none)."""
        return self.control_spin.value() / 100

    @property
    def offerings(self) -> list[str]:
        """The offerings pushed ([]: all of the plan's)."""
        chosen = self.offering_check.isChecked() and self.offering is not None
        return [self.offering] if chosen and self.offering else []

    def _on_name_changed(self, text: str) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(text.strip()))
