"""PushPlanPage: the push plan with its rules, filters, views, Why not? and export.

When a model is set, a worker process scores every customer's candidates
once and keeps them (ml.workflows.plan.score_in_session; the window holds
only their summary); each rule change asks the same worker for the plan and
its table (plan_in_session) in another job
(debounced) and makes the new plan current through state.set_plan. The rules
are the project's: read when it opens, saved when the user changes them (so
`pushwise recommend` uses the same).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.jobs import Job
from app.pages.campaigndialog import CampaignDialog
from app.pages.placeholder import EmptyStatePage
from app.pages.planviews import (
    CustomerPlanView,
    OfferingPlanView,
    WhyNotPanel,
    plan_model,
)
from app.pages.upliftview import ExtraUptakeView
from app.planexport import write_push_list
from app.state import AppState
from app.widgets.plan_filters import ALL as ALL_CHOICES
from app.widgets.plan_filters import PlanFiltersPanel
from app.widgets.plan_rules import PlanRulesPanel
from app.widgets.progress import JobProgressPanel
from app.widgets.table import TablePanel
from ml.columns import Columns
from ml.errors import InputDataError, PushwiseError
from ml.plan.rules import PlanRules
from ml.plan.rulesfile import RULES_SETTING, rules_to_json, saved_rules
from ml.progress import ReportFn, StopFn
from ml.store.settings import read_setting, write_setting
from ml.workerprocess import WorkerSession
from ml.workflows.plantable import TABLE_COLUMNS, crm_frame

if TYPE_CHECKING:
    from ml.campaigns.campaign import Campaign
    from ml.plan import PushPlan
    from ml.store.project import Project
    from ml.workflows.results import CandidatesSummary
    from ml.workflows.uplift import UpliftPlan

C = Columns
REPLAN_DELAY_MS = 300  # wait for a pause in rule changes before re-planning
ALL_COLUMNS = [C.CUSTOMER, "offering_name", "probability", "reason", "expected_revenue"]


class PushPlanPage(QWidget):
    """Which offering to push to which customer, with the rules applied live."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.inputs: CandidatesSummary | None = None  # scored, in the worker
        self.worker = WorkerSession()  # keeps the scored candidates
        self._planned: tuple[Any, pd.DataFrame] | None = None  # plan, its table
        self.table = pd.DataFrame()  # the plan's rows with their facts
        self.shown = pd.DataFrame()  # the rows that pass the filters
        self.prepare_job: Job | None = None
        self.plan_job: Job | None = None
        self.export_job: Job | None = None
        self.rank_job: Job | None = None
        self._ranked_plan: PushPlan | None = None  # the plan the ranking is of
        self._pending_model = False
        self._saved_rules: Any = None  # the rules as the project holds them
        self.empty = EmptyStatePage(
            "Train a model first",
            "The push plan lists, for each customer, the offerings to offer next. "
            "It appears here once a model is trained on the Model page.",
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.replan_timer = QTimer(self)
        self.replan_timer.setSingleShot(True)
        self.replan_timer.setInterval(REPLAN_DELAY_MS)
        self.replan_timer.timeout.connect(self.replan)
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(REPLAN_DELAY_MS)
        self.save_timer.timeout.connect(self.save_rules)
        self.rules.rules_changed.connect(self._on_rules_changed)
        self.filters.filters_changed.connect(self._refilter)
        state.model_changed.connect(self._on_model_changed)
        state.data_changed.connect(self._on_data_changed)
        state.project_changed.connect(self._on_state_project_changed)
        state.plan_changed.connect(self._on_plan_changed)
        state.busy_changed.connect(self._on_busy_changed)
        # Rules changed while a worker had the file are saved once it is back.
        state.reader_changed.connect(self.save_rules)
        self._on_state_project_changed()

    def _build_content(self) -> QWidget:
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setSizePolicy(
            QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred
        )
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = JobProgressPanel()
        self.export_button = QPushButton("Export plan…")
        self.export_button.setToolTip(
            "Save the pushes shown (or the chosen offering's list on the By "
            "offering tab, or the budget's list on the By extra uptake tab) as "
            "CSV or Excel, ready to import into your CRM."
        )
        self.export_button.clicked.connect(self.export)
        metrics = self.export_button.fontMetrics()
        self.export_button.setMinimumWidth(
            metrics.horizontalAdvance("Export this list…") + 32
        )
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.status, 1)
        top.addWidget(self.progress)
        top.addWidget(self.export_button)
        self.campaign_button = QPushButton("Save as campaign…")
        self.campaign_button.setToolTip(
            "Freeze the plan (or the chosen offering's list, or the budget's "
            "list by extra uptake) as a campaign, with a control group held out, "
            "to measure what the pushes did."
        )
        self.campaign_button.clicked.connect(self.save_campaign)
        top.addWidget(self.campaign_button)
        self.rules = PlanRulesPanel()
        self.filters = PlanFiltersPanel()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.rules)
        side_layout.addWidget(self.filters)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(side.sizeHint().width() + 20)
        self.all_model = plan_model()
        self.all_panel = TablePanel(self.all_model, noun="pushes")
        self.all_panel.view.doubleClicked.connect(self._on_row_double_clicked)
        self.by_customer = CustomerPlanView()
        self.by_offering = OfferingPlanView()
        self.by_offering.list_changed.connect(self._update_export_text)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.all_panel, "All pushes")
        self.tabs.addTab(self.by_customer, "By customer")
        self.tabs.addTab(self.by_offering, "By offering")
        self.by_uplift = ExtraUptakeView()
        self.by_uplift.rank_requested.connect(self.rank_by_extra_uptake)
        self.by_uplift.list_changed.connect(self._update_export_text)
        self.tabs.addTab(self.by_uplift, "By extra uptake")
        self.tabs.setTabToolTip(
            0, "Every push of the plan; double-click a row to ask why."
        )
        self.tabs.setTabToolTip(1, "What to offer one customer.")
        self.tabs.setTabToolTip(2, "Who to offer one offering to, and how many.")
        self.tabs.setTabToolTip(
            3,
            "The pushes that add the most purchases, within the number you can "
            "send (learnt from your campaigns with a control group).",
        )
        self.tabs.currentChanged.connect(self._update_export_text)
        self.why_not = WhyNotPanel()
        # Asking "why not?" starts from the customer or offering being looked at.
        self.by_customer.customer.currentIndexChanged.connect(
            lambda: self._ask_about(customer=self.by_customer.customer.currentData())
        )
        self.by_offering.offering.currentIndexChanged.connect(
            lambda: self._ask_about(offering=self.by_offering.chosen())
        )
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.why_not)
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([scroll.minimumWidth(), 4 * scroll.minimumWidth()])
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        return content

    # -- the project's rules ------------------------------------------------------

    def _on_state_project_changed(self) -> None:
        self.save_timer.stop()
        self._saved_rules = None
        self.worker.close()  # the previous project's candidates go with it
        self._reset_filters()
        if self.state.has_project and self.state.reader is not None:
            try:
                rules = _load_rules(self.state.reader, self.state.project_path)
            except PushwiseError as error:
                self._set_status(f"{error.message} The default rules are used.")
            else:
                self._saved_rules = rules
                self.rules.set_rules(rules)
        self._on_model_changed()

    def _reset_filters(self) -> None:
        """Show every push of the newly opened project (no filter carried over)."""
        filters = self.filters
        filters.blockSignals(True)
        for combo in (filters.segment, filters.country, filters.category):
            combo.clear()
            combo.addItem(ALL_CHOICES)
        filters.offering.clear()
        filters.min_percent.setValue(0)
        filters.new_only.setChecked(False)
        filters.blockSignals(False)

    def save_rules(self) -> None:
        """Save the rules as set in the project (when they changed)."""
        self.save_timer.stop()
        reader = self.state.reader
        rules = self.rules.rules()
        if reader is None or rules == self._saved_rules:
            return
        read_only = self.state.read_only_reason
        if read_only is not None:
            self._set_status(
                f"These rules make this plan but are not saved: {read_only}."
            )
            return
        try:
            _save_rules(reader, rules)
        except duckdb.Error as error:
            self._set_status(f"The push rules could not be saved ({error}).")
            return
        self._saved_rules = rules

    # -- model -> inputs -> plan -------------------------------------------------

    def _on_model_changed(self) -> None:
        self.inputs = None
        self._planned = None
        self.replan_timer.stop()
        if self.prepare_job is not None and not self.prepare_job.done:
            self.prepare_job.cancel()
        # Results of jobs started for the old model are ignored from now on.
        self.prepare_job = self.plan_job = None
        if self.state.model is None or not self.state.has_project:
            self._pending_model = False
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentIndex(1)
        self._pending_model = True
        self._start_prepare()

    def _on_data_changed(self) -> None:
        """An import changed the data: drop the plan and make it again from the
        data as it is now (feedback, opt-outs, exclusions), with the same model."""
        if self.state.plan is not None:
            self.state.set_plan(None)  # not exported while the new one is made
        self._on_model_changed()

    def _on_busy_changed(self, busy: bool) -> None:
        if not busy and self._pending_model:
            self._start_prepare()

    def _start_prepare(self) -> None:
        if self.state.busy:  # another job has the project: start when it ends
            self._set_status("Waiting for the current task to finish…")
            return
        model = self.state.model
        self._pending_model = False
        self._set_status("Scoring every customer's offerings…")
        job = self.state.start_worker_job(
            "ml.workflows.plan:score_in_session",
            model,
            task="scoring every customer's offerings",
            name="plan-inputs",
            changes_data=False,
            session=self.worker,
        )
        self.prepare_job = job
        self.progress.bind(job, "Scoring every customer's offerings…")
        job.succeeded.connect(lambda inputs: self._on_prepared(job, inputs))
        job.failed.connect(lambda error: self._on_failed(error))
        job.cancelled.connect(lambda: self._on_prepare_cancelled(job))

    def _on_prepare_cancelled(self, job: Job) -> None:
        if job is self.prepare_job:  # the user stopped it (not a newer model)
            self._set_status(
                "Stopped before the plan was made. Change a rule to make it."
            )

    def _on_prepared(self, job: Job, inputs: CandidatesSummary) -> None:
        if job is not self.prepare_job or self._pending_model:
            return  # a newer model is on its way
        self.inputs = inputs
        self.replan()

    def _on_rules_changed(self) -> None:
        self.save_timer.start()
        if self.inputs is not None:
            self._set_status("Updating…")
            self.replan_timer.start()
        elif self.state.model is not None and (
            self.prepare_job is None or self.prepare_job.done
        ):
            self._pending_model = True  # scoring was stopped: start it again
            self._start_prepare()

    def replan(self) -> Job | None:
        """Apply the rules as set to the scored pairs (in a job); None if not ready."""
        self.replan_timer.stop()
        if self.inputs is None:
            return None
        if not self.worker.alive:  # it ended (out of memory, crashed): score again
            self.inputs = None
            self._pending_model = True
            self._start_prepare()
            return None
        rules, worker = self.rules.rules(), self.worker
        self._set_status("Updating…")

        def plan(report: ReportFn, stop: StopFn) -> tuple[PushPlan, pd.DataFrame]:
            # Not cancelled midway: a newer rule change waits the seconds it
            # takes, and the worker keeps the scored candidates.
            return worker.call(  # type: ignore[no-any-return]
                "ml.workflows.plan:plan_in_session",
                rules,
                task="the push plan",
                report=report,
            )

        job = self.state.start_job(plan, "plan")
        self.plan_job = job
        job.succeeded.connect(lambda plan: self._on_planned(job, plan))
        job.failed.connect(lambda error: self._on_plan_failed(job, error))
        return job

    def _on_plan_failed(self, job: Job, error: BaseException) -> None:
        if job is self.plan_job and not self.worker.alive:
            self.inputs = None  # the worker and its candidates are gone
        self._on_failed(error)

    def _on_planned(self, job: Job, planned: tuple[Any, pd.DataFrame]) -> None:
        if job is self.plan_job and self.inputs is not None:
            self._planned = planned
            self.state.set_plan(planned[0])

    def _on_failed(self, error: BaseException) -> None:
        self._set_status("")
        show_error(self, error, context="The push plan could not be made.")

    # -- showing the plan -------------------------------------------------------

    def _on_plan_changed(self) -> None:
        plan = self.state.plan
        if self.by_uplift.ranked is not None and plan is not self._ranked_plan:
            self.by_uplift.clear(
                "The plan changed since it was ranked: rank it again to see the "
                "new plan by extra uptake."
                if plan is not None
                else ""
            )
        planned = self._planned
        if (
            plan is None
            or self.inputs is None
            or planned is None
            or planned[0] is not plan
        ):
            self._clear_plan()
            return
        self.table = planned[1]
        self.rules.show_removed(
            plan.removed_by_rule, returns_block=plan.returns_blocked
        )
        self.rules.show_hold_back(_hold_back_note(plan))
        self.rules.show_returns(_returns_note(plan))
        self.filters.set_choices(self.table)
        self.campaign_button.setEnabled(True)
        self._set_status("")
        customers = self.table[C.CUSTOMER].nunique()
        self.heading.setText(
            f"{len(self.table):,} pushes to {customers:,} customers, "
            f"as of {plan.as_of:%d %b %Y}"
        )
        names = self.inputs.names
        labelled = [
            (f"{names.get(o, o)} ({o})" if names is not None else o, o)
            for o in self.inputs.offerings
        ]
        self.why_not.set_plan(plan, self.inputs.customers, labelled)
        self._refilter()

    def _clear_plan(self) -> None:
        """Show no plan: empty views, nothing to ask Why not? about or export."""
        self.table = pd.DataFrame()
        self.campaign_button.setEnabled(False)
        self.rules.show_removed(None)
        self.heading.setText("")
        empty = pd.DataFrame(columns=TABLE_COLUMNS)
        self.shown = empty
        self.all_model.set_frame(empty, visible=ALL_COLUMNS)
        self.by_customer.set_table(empty)
        self.by_offering.set_plan(None, empty)
        self.why_not.set_plan(None, [], [])
        self._update_export_text()

    def _refilter(self) -> None:
        if self.table.empty and self.state.plan is None:
            return
        self.shown = self.filters.apply(self.table) if len(self.table) else self.table
        self.all_model.set_frame(self.shown, visible=ALL_COLUMNS)
        self.by_customer.set_table(self.shown)
        self.by_offering.set_plan(self.state.plan, self.shown)
        self._update_export_text()

    def _on_row_double_clicked(self, index: Any) -> None:
        row = self.all_model.row_values(index.row())
        self._ask_about(str(row[C.CUSTOMER]), str(row[C.OFFERING]))
        self.why_not.ask()

    def _ask_about(
        self, customer: str | None = None, offering: str | None = None
    ) -> None:
        """Put a customer and/or an offering into the Why not? pickers."""
        for combo, key in (
            (self.why_not.customer, customer),
            (self.why_not.offering, offering),
        ):
            found = -1 if key is None else combo.findData(str(key))
            if found >= 0:
                combo.setCurrentIndex(found)

    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    # -- export -----------------------------------------------------------------

    def _offering_tab(self) -> bool:
        return self.tabs.currentWidget() is self.by_offering and (
            self.by_offering.chosen() is not None
        )

    def _uplift_tab(self) -> bool:
        return self.tabs.currentWidget() is self.by_uplift and (
            self.by_uplift.ranked is not None
        )

    def _update_export_text(self, *_args: object) -> None:
        one_list = self._offering_tab() or self._uplift_tab()
        self.export_button.setText("Export this list…" if one_list else "Export plan…")

    def export_frame(self, offering_list: bool | None = None) -> pd.DataFrame:
        """The rows to export: the shown plan, the chosen offering's list, or
        the list by extra uptake within the budget."""
        ids = {} if self.inputs is None else self.inputs.id_columns
        if offering_list is None and self._uplift_tab():
            return self._uplift_frame(ids)
        if offering_list is None:
            offering_list = self._offering_tab()
        frame = self.by_offering.shown_list() if offering_list else self.shown
        return crm_frame(frame, ids)

    def _uplift_frame(self, ids: dict[str, str]) -> pd.DataFrame:
        """The list by extra uptake as a CRM re-imports it, best first, with
        each push's extra uptake and the customer's type."""
        chosen = self.by_uplift.chosen_list()
        plan = self.state.plan
        revenue = (
            plan.rows[[C.CUSTOMER, C.OFFERING, "expected_revenue"]]
            if plan is not None
            else pd.DataFrame(columns=[C.CUSTOMER, C.OFFERING, "expected_revenue"])
        )
        frame = chosen.merge(revenue, on=[C.CUSTOMER, C.OFFERING], how="left")
        out = crm_frame(frame, ids)
        out["extra_uptake"] = frame["extra_uptake"].round(4)
        out["extra_revenue"] = frame["extra_revenue"].round(2)
        out["customer_type"] = frame["customer_type"]
        return out

    def export(self) -> None:
        """Ask where to save the plan (or the chosen offering's list) and save it."""
        if self.state.plan is None or self.shown.empty:
            return
        offering = self.by_offering.chosen() if self._offering_tab() else None
        name = f"push list {offering}" if offering else "push plan"
        kinds = ["CSV files (*.csv)", "Excel workbooks (*.xlsx)"]
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export the push list", f"{name}.csv", ";;".join(kinds)
        )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".xlsx" if "xlsx" in chosen else ".csv")
        self.export_to(target)

    def save_campaign(self) -> None:
        """Ask for the campaign's name and control group, then save it."""
        plan = self.state.plan
        if plan is None or self.state.busy:
            return
        offering = self.by_offering.chosen() if self._offering_tab() else None
        ranked = self._uplift_tab()
        pushes = len(self.by_uplift.chosen_list()) if ranked else len(plan.rows)
        dialog = CampaignDialog(pushes, offering, self)
        if dialog.exec() == CampaignDialog.DialogCode.Accepted:
            self.start_campaign(
                dialog.name,
                dialog.control_share,
                dialog.offerings,
                by_extra_uptake=ranked,
            )

    def start_campaign(
        self,
        name: str,
        control_share: float,
        offerings: list[str],
        *,
        by_extra_uptake: bool = False,
    ) -> Job | None:
        """Save the plan shown as a campaign (in a job on the project); with
        by_extra_uptake, only the pushes of the list within the budget."""
        plan, meta = self.state.plan, self.state.model
        if plan is None or meta is None or self.state.busy:
            return None
        if by_extra_uptake:
            from ml.workflows.uplift import only_listed

            plan = only_listed(plan, self.by_uplift.chosen_list())
        check = self.state.backtest  # what the check on past weeks promised

        def save(project: Project, report: ReportFn, stop: StopFn) -> Campaign:
            from ml.campaigns.create import backtest_promise, create_campaign

            return create_campaign(
                project,
                name,
                plan,
                horizon_days=meta.horizon_days,
                model_id=meta.model_id,
                control_share=control_share,
                offerings=offerings,
                promised=None if check is None else backtest_promise(check),
            )

        # The orders are unchanged: the plan stays as it is.
        job = self.state.start_project_job(save, name="campaign", changes_data=False)
        job.succeeded.connect(self._on_campaign_saved)
        job.failed.connect(
            lambda error: show_error(
                self, error, context="The campaign could not be saved."
            )
        )
        return job

    def _on_campaign_saved(self, campaign: Campaign) -> None:
        self._set_status(
            f"Saved as campaign '{campaign.name}': export its lists on the "
            "Campaigns page."
        )
        self.state.campaigns_changed.emit()

    # -- by extra uptake -------------------------------------------------------

    def rank_by_extra_uptake(self) -> Job | None:
        """Rank the plan by extra uptake (learnt from the project's campaigns,
        in a job on the project); None if there is no plan or it is busy."""
        plan = self.state.plan
        if plan is None:
            return None
        if self.state.busy:
            self.by_uplift.clear(
                "Another task is using the project: try again when it ends."
            )
            return None

        by_revenue = self.by_uplift.by_revenue

        def rank(project: Project, report: ReportFn, stop: StopFn) -> UpliftPlan:
            from ml.workflows.uplift import plan_by_uplift

            return plan_by_uplift(
                project.con,
                plan,
                by_revenue=by_revenue,
                report=report,
                stop_requested=stop,
            )

        # Nothing is saved: the plan and the orders stay as they are.
        job = self.state.start_project_job(rank, name="uplift", changes_data=False)
        self.rank_job = job
        self.by_uplift.bind(job)
        job.succeeded.connect(lambda ranked: self._on_ranked(job, plan, ranked))
        job.failed.connect(lambda error: self._on_rank_failed(job, error))
        job.cancelled.connect(
            lambda: self.by_uplift.clear("Stopped before the ranking was made.")
        )
        return job

    def _on_ranked(self, job: Job, plan: PushPlan, ranked: UpliftPlan) -> None:
        if job is not self.rank_job:
            return
        if self.state.plan is not plan:
            self.by_uplift.clear(
                "The plan changed while it was being ranked: rank it again."
            )
            return
        self._ranked_plan = plan
        names = (
            {}
            if self.inputs is None or self.inputs.names is None
            else dict(self.inputs.names)
        )
        self.by_uplift.set_ranked(ranked, names)

    def _on_rank_failed(self, job: Job, error: BaseException) -> None:
        if job is not self.rank_job:
            return
        if isinstance(error, InputDataError):  # nothing to learn from yet: say so
            reason = error.reason[:1].upper() + error.reason[1:]
            self.by_uplift.clear(f"{reason} {error.hint or ''}".strip())
            return
        self.by_uplift.clear()
        show_error(self, error, context="The plan could not be ranked by extra uptake.")

    def export_to(self, path: Path, offering_list: bool | None = None) -> Job | None:
        """Write the rows to export to path (.csv or .xlsx) in a job."""
        frame = self.export_frame(offering_list)
        job = self.state.start_job(
            lambda report, stop: write_push_list(frame, path, report, stop), "export"
        )
        self.export_job = job
        job.succeeded.connect(
            lambda saved: self._set_status(
                f"Saved {len(frame):,} rows to {saved.name}."
            )
        )
        job.failed.connect(
            lambda error: show_error(self, error, context="The export failed.")
        )
        return job


def _load_rules(reader: duckdb.DuckDBPyConnection, path: Path | None) -> PlanRules:
    """The push rules saved in the project (the defaults if none are saved),
    read through the window's own cursor (it works while a job holds the
    project); ProjectError if they cannot be used."""
    return saved_rules(read_setting(reader, RULES_SETTING), source=str(path))


def _save_rules(reader: duckdb.DuckDBPyConnection, rules: PlanRules) -> None:
    """Save the push rules in the project, for the CLI and the next session."""
    write_setting(reader, RULES_SETTING, rules_to_json(rules))


def _hold_back_note(plan: PushPlan) -> str:
    """What the plan's hold-back learnt from the data, in plain words."""
    intervals = plan.intervals
    if plan.rules.recent_purchase_days is not None or intervals is None:
        days = plan.rules.recent_purchase_days
        return (
            f"What a customer bought is not offered to them again for {days} days."
            if days
            else "Nothing is held back after a purchase."
        )
    return str(intervals.sentence)


def _returns_note(plan: PushPlan) -> str:
    """Whether a return blocks an offering in this plan, and why, in plain words."""
    block = plan.rules.block_returns
    if block is None and plan.returns is not None:
        return str(plan.returns.sentence)
    if block:
        return "A return blocks the offering for that customer."
    return "A return does not block the offering."
