"""CampaignsPage: what each saved campaign did, predicted against actual
uptake and against its control group, and its lists for the CRM."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.pages.placeholder import EmptyStatePage
from app.state import AppState
from app.tables import DataFrameTableModel
from app.widgets.chart import ChartView
from app.widgets.table import TablePanel
from ml.progress import ReportFn, StopFn

if TYPE_CHECKING:
    from app.jobs import Job
    from ml.campaigns.campaign import Campaign
    from ml.campaigns.results import CampaignResults

_OFFERING_LABELS = {
    "offering_id": "Offering",
    "pushes": "Pushes sent",
    "predicted": "Predicted to be taken up",
    "actual": "Taken up",
    "revenue": "Revenue",
}


class CampaignsPage(QWidget):
    """Choose a campaign; see what it did and export its lists or report."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.campaigns: list[Campaign] = []
        self.results: CampaignResults | None = None
        self.load_job: Job | None = None
        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(24)
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.chooser.setToolTip("The campaign to look at")
        self.chooser.activated.connect(self._on_chooser_activated)
        self.about = QLabel()
        self.lists_button = QPushButton("Export lists…")
        self.lists_button.setToolTip(
            "Save the pushes to send (without the control group) and, apart, "
            "the control group's customers, who must not be contacted."
        )
        self.lists_button.clicked.connect(self.export_lists)
        self.report_button = QPushButton("Save report…")
        self.report_button.setToolTip(
            "Save the results as an HTML report and CSV tables in a folder."
        )
        self.report_button.clicked.connect(self.save_report)
        self.words = QLabel(wordWrap=True)
        self.words.setObjectName("campaign_words")
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.weekly_chart = ChartView()
        self.decile_chart = ChartView()
        self.offerings_model = DataFrameTableModel()
        self.offerings_model.set_labels(_OFFERING_LABELS)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.weekly_chart, "Week by week")
        self.tabs.addTab(self.decile_chart, "By predicted chance")
        self.tabs.addTab(
            TablePanel(self.offerings_model, noun="offerings"), "Per offering"
        )
        self.waiting = QLabel(wordWrap=True)
        self.waiting.setObjectName("campaign_waiting")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.waiting)
        self.results_stack.addWidget(self.tabs)
        top = QHBoxLayout()
        top.addWidget(QLabel("Campaign"))
        top.addWidget(self.chooser)
        top.addWidget(self.about, 1)
        top.addWidget(self.lists_button)
        top.addWidget(self.report_button)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.words)
        layout.addWidget(self.results_stack, 1)
        self.empty = EmptyStatePage(
            "No campaigns yet",
            "Save a push plan as a campaign on the Push plan page (Save as "
            "campaign…). Pushwise holds a control group out of it; once the "
            "orders since the campaign started are imported, this page shows "
            "how many took the pushes up, against the prediction and against "
            "the control group.",
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        state.project_changed.connect(self.reload)
        state.data_changed.connect(self.reload)
        state.reader_changed.connect(self.reload)
        state.campaigns_changed.connect(self.reload)
        self.reload()

    def reload(self, name: str | None = None) -> Job | None:
        """Read the campaigns and the chosen one's results (in the background)."""
        reader = self.state.reader
        if reader is None:
            return None
        chosen = name or self.chooser.currentText() or None
        cursor = reader.cursor()

        def load(
            report: ReportFn, stop: StopFn
        ) -> tuple[list[Campaign], CampaignResults | None]:
            from ml.campaigns.results import campaign_results
            from ml.campaigns.store import campaigns

            try:
                found = campaigns(cursor)
                names = [c.name for c in found]
                pick = chosen if chosen in names else (names[-1] if names else None)
                return found, None if pick is None else campaign_results(cursor, pick)
            finally:
                cursor.close()

        job = self.state.start_job(load, slot="campaigns page")
        job.succeeded.connect(self._show)
        job.failed.connect(
            lambda error: show_error(
                self, error, "Campaigns", "The campaigns could not be read."
            )
        )
        self.load_job = job
        return job

    def _show(self, loaded: tuple[list[Campaign], CampaignResults | None]) -> None:
        from ml.campaigns.charts import (
            calibration_of_campaign_chart,
            uptake_by_week_chart,
        )
        from ml.campaigns.results import results_in_words

        self.campaigns, self.results = loaded
        results = self.results
        self.stack.setCurrentIndex(0 if results is None else 1)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItems([c.name for c in self.campaigns])
        self.chooser.blockSignals(False)
        if results is None:
            return
        campaign = results.campaign
        self.chooser.setCurrentText(campaign.name)
        control = (
            f"control group {campaign.control_share:.0%}"
            if campaign.control_share
            else "no control group"
        )
        start = f"{campaign.starts_at:%d %b %Y}"
        self.about.setText(f"From {start}, {campaign.horizon_days} days, {control}")
        self.words.setText("\n".join(results_in_words(results)))
        if results.days_observed == 0:
            self.waiting.setText(_next_steps(results))
            self.results_stack.setCurrentWidget(self.waiting)
            return
        self.results_stack.setCurrentWidget(self.tabs)
        self.weekly_chart.set_chart(uptake_by_week_chart(results))
        self.decile_chart.set_chart(calibration_of_campaign_chart(results))
        self.offerings_model.set_frame(results.per_offering())

    def _on_chooser_activated(self, index: int) -> None:
        self.reload(self.chooser.itemText(index))

    def export_lists(self, folder: Path | None = None) -> Job | None:
        """Write the chosen campaign's lists into a folder (asked when None)."""
        results, reader = self.results, self.state.reader
        if results is None or reader is None:
            return None
        folder = folder or self._ask_folder("Where to save the lists to send")
        if folder is None:
            return None
        cursor = reader.cursor()
        campaign = results.campaign

        def write(report: ReportFn, stop: StopFn) -> tuple[Path, Path]:
            from ml.campaigns.create import write_campaign_lists

            try:
                return write_campaign_lists(cursor, campaign, folder)
            finally:
                cursor.close()

        job = self.state.start_job(write, slot="campaign export")
        job.succeeded.connect(
            lambda paths: self.about.setText(
                f"Saved {paths[0].name} (to send) and {paths[1].name} (not to "
                f"contact) in {folder}."
            )
        )
        job.failed.connect(
            lambda error: show_error(
                self, error, "Campaigns", "The lists were not saved."
            )
        )
        return job

    def save_report(self, folder: Path | None = None) -> Job | None:
        """Write the chosen campaign's report and tables into a folder."""
        results = self.results
        if results is None:
            return None
        folder = folder or self._ask_folder("Where to save the campaign's report")
        if folder is None:
            return None

        def write(report: ReportFn, stop: StopFn) -> list[Path]:
            from ml.campaigns.report import write_campaign_report

            return write_campaign_report(results, folder)

        job = self.state.start_job(write, slot="campaign export")
        job.succeeded.connect(
            lambda paths: self.about.setText(f"Saved {paths[-1].name} in {folder}.")
        )
        job.failed.connect(
            lambda error: show_error(
                self, error, "Campaigns", "The report was not saved."
            )
        )
        return job

    def _ask_folder(self, title: str) -> Path | None:
        start = str(self.state.project_path.parent) if self.state.project_path else ""
        chosen = QFileDialog.getExistingDirectory(self, title, start)
        return Path(chosen) if chosen else None


def _next_steps(results: CampaignResults) -> str:
    """What the campaign holds and what to do until its orders come in."""
    campaign, pushes = results.campaign, results.pushes
    sent = pushes[~pushes["control"]]
    held = pushes.loc[pushes["control"], "customer_id"].nunique()
    control = (
        f" {held:,} customers are held out as the control group: do not "
        "contact them for this campaign; what they buy anyway shows what the "
        "pushes added."
        if held
        else ""
    )
    end = campaign.ends_at - pd.Timedelta(days=1)
    return (
        f"The campaign holds {len(sent):,} pushes to "
        f"{sent['customer_id'].nunique():,} customers.{control}\n\n"
        "1. Export lists… saves the list to send, for your CRM, and the "
        "control group apart.\n"
        f"2. Once the campaign has run (until {end:%d %b %Y}), import the "
        f"orders since {campaign.starts_at:%d %b %Y}. This page then shows how "
        "many customers took the pushes up, against what Pushwise predicted "
        "and against the control group."
    )
