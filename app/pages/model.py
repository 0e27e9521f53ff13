"""ModelPage: train a model with plain settings, read its card and what drives it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.jobs import Job
from app.pages.modelcard import card_html
from app.state import AppState
from app.widgets.chart import ChartView
from app.widgets.progress import JobProgressPanel
from ml.store.connection import cannot_change
from ml.workflows.settings import CHECK_STARTS, CheckSettings, TrainSettings

if TYPE_CHECKING:
    from ml.workflows.results import ModelResult

# The AppState property the Push plan page reads: whether plans may include
# offerings the customer already buys (False: new offerings only).
INCLUDE_BOUGHT = "include_bought"


def include_bought(state: AppState) -> bool:
    """Whether the user wants offerings customers already buy in the plan."""
    value = state.property(INCLUDE_BOUGHT)
    return True if value is None else bool(value)


class ModelPage(QWidget):
    """Settings and Train on the left; the model card and its drivers on the right."""

    # The workflows the worker process runs (named: the window loads none).
    TRAIN = "ml.workflows.train:train_and_check"
    CHECK_AGAIN = "ml.workflows.train:check_again"

    model_shown = Signal()  # the card shows state.model (or says there is none)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.result: ModelResult | None = None
        self.job: Job | None = None
        self.ranker_options: dict[str, Any] = {}  # extra TwoStageRanker settings
        self._load_pending = False
        self._build_settings()
        # What every project starts with (none keeps the previous one's).
        self._default_spins = {
            spin: spin.value()
            for spin in (
                self.horizon_spin,
                self.folds_spin,
                self.k_spin,
                self.windows_spin,
            )
        }
        self.progress = JobProgressPanel()
        self.card = QLabel()
        self.card.setObjectName("model_card")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.card.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # What the push plan's hold-back learnt from the data (once planned).
        self.repurchase_label = QLabel()
        self.repurchase_label.setObjectName("repurchase_note")
        self.repurchase_label.setWordWrap(True)
        self.repurchase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.repurchase_label.hide()
        self.drivers_chart = ChartView()
        self.drivers_chart.setMinimumHeight(320)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.card)
        right_layout.addWidget(self.repurchase_label)
        right_layout.addWidget(self.drivers_chart, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(right)
        body = QHBoxLayout()
        body.addWidget(self.settings_box)
        body.addWidget(scroll, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.progress)
        state.project_changed.connect(self._on_state_project_changed)
        state.data_changed.connect(self._reset_as_of)
        state.busy_changed.connect(self._on_state_busy_changed)
        state.model_changed.connect(self._on_state_model_changed)
        state.plan_changed.connect(self._on_state_plan_changed)
        self._on_state_project_changed()

    # -- settings -----------------------------------------------------------------

    def _build_settings(self) -> None:
        self.as_of_edit = QDateEdit()
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("d MMM yyyy")
        self.as_of_edit.setToolTip(
            "The model learns from the orders before this date and predicts what "
            "customers take up from it on. Normally the day after the last order."
        )
        self.horizon_spin = QSpinBox()
        self.horizon_spin.setRange(1, 365)
        self.horizon_spin.setValue(4)
        self.horizon_unit = QComboBox()
        self.horizon_unit.addItems(["weeks", "days"])
        self.horizon_unit.currentTextChanged.connect(self._on_horizon_unit_changed)
        horizon_tip = "How far ahead to predict: the length of the campaign."
        self.horizon_spin.setToolTip(horizon_tip)
        self.horizon_unit.setToolTip(horizon_tip)
        horizon = QHBoxLayout()
        horizon.setContentsMargins(0, 0, 0, 0)
        horizon.addWidget(self.horizon_spin)
        horizon.addWidget(self.horizon_unit)
        self.include_bought_check = QCheckBox("Include offerings they already buy")
        self.include_bought_check.setChecked(True)
        self.include_bought_check.setToolTip(
            "Checked: the push plan may remind customers of offerings they bought "
            "before. Unchecked: it only suggests offerings new to each customer."
        )
        self.include_bought_check.toggled.connect(self._on_include_bought_toggled)
        self.folds_spin = QSpinBox()
        self.folds_spin.setRange(1, 8)
        self.folds_spin.setValue(3)
        self.folds_spin.setToolTip(
            "How many earlier dates the check on past weeks goes back to: at "
            "each, the model learns only from the orders before that date and "
            "its predictions are compared with what customers then bought "
            "(more dates: a surer check, but slower)."
        )
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 50)
        self.k_spin.setValue(10)
        self.k_spin.setToolTip("How many offerings per customer the check assumes.")
        self.windows_spin = QSpinBox()
        self.windows_spin.setRange(2, 12)
        self.windows_spin.setValue(6)
        self.windows_spin.setToolTip(
            "How many past periods the model learns from (more: more history, slower)."
        )
        self.advanced_button = QToolButton()
        self.advanced_button.setText("Advanced options")
        self.advanced_button.setCheckable(True)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        self.advanced_button.setAutoRaise(True)
        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        self.advanced = QWidget()
        advanced = QFormLayout(self.advanced)
        advanced.setContentsMargins(0, 0, 0, 0)
        advanced.addRow("Earlier dates to check at", self.folds_spin)
        advanced.addRow("Push list size", self.k_spin)
        advanced.addRow("Periods to learn from", self.windows_spin)
        self.advanced.hide()
        self.train_button = QPushButton("Train")
        self.train_button.setDefault(True)
        self.train_button.setToolTip(
            "Learn from the project's orders, check the predictions on past weeks "
            "and save the model in the project."
        )
        self.train_button.clicked.connect(self.train)
        self.check_button = QPushButton("Check on past weeks")
        self.check_button.setToolTip(
            "Check how good the current model's predictions were on past weeks."
        )
        self.check_button.clicked.connect(self.backtest_again)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Predict from", self.as_of_edit)
        form.addRow("For the next", horizon)
        box = QGroupBox("Train a model")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.include_bought_check)
        box_layout.addWidget(self.advanced_button)
        box_layout.addWidget(self.advanced)
        box_layout.addWidget(self.train_button)
        box_layout.addWidget(self.check_button)
        box_layout.addWidget(self.status_label)
        box_layout.addStretch(1)
        box.setMaximumWidth(340)
        self.settings_box = box

    def settings(self) -> TrainSettings:
        """The settings as chosen on the page."""
        as_of = self.as_of_edit.date().toPython()
        assert isinstance(as_of, date)
        options = {**self.ranker_options, "training_windows": self.windows_spin.value()}
        return TrainSettings(
            as_of=None if as_of == self._default_as_of() else as_of,
            horizon_days=self.horizon_days(),
            ranker_options=options,
        )

    def check_settings(self) -> CheckSettings:
        """How the model is checked at earlier dates, as chosen on the page."""
        return CheckSettings(folds=self.folds_spin.value(), k=self.k_spin.value())

    def horizon_days(self) -> int:
        """The horizon in days, whatever unit is shown."""
        factor = 7 if self.horizon_unit.currentText() == "weeks" else 1
        return self.horizon_spin.value() * factor

    def _default_as_of(self) -> date | None:
        info = self.state.info
        if info is None or info.last_order is None:
            return None
        return info.last_order.date() + timedelta(days=1)

    def _reset_as_of(self) -> None:
        """The day after the project's last order (today when it has none)."""
        default = self._default_as_of()
        if default is None:
            self.as_of_edit.setDate(QDate.currentDate())
        else:
            self.as_of_edit.setDate(QDate(default.year, default.month, default.day))

    def _on_horizon_unit_changed(self, unit: str) -> None:
        value = self.horizon_spin.value()
        self.horizon_spin.setValue(
            max(1, round(value / 7)) if unit == "weeks" else value * 7
        )

    def _on_advanced_button_toggled(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    def _on_include_bought_toggled(self, checked: bool) -> None:
        self.state.setProperty(INCLUDE_BOUGHT, checked)

    # -- jobs ---------------------------------------------------------------------

    def train(self) -> None:
        """Train, check on past weeks and save (in a job with progress)."""
        self.state.setProperty(INCLUDE_BOUGHT, self.include_bought_check.isChecked())
        path, read_only = self.state.project_path, self.state.read_only_reason
        if path is not None and read_only is not None:  # said before the minutes
            show_error(self, cannot_change(path, read_only), context="Training a model")
            return
        settings, check = self.settings(), self.check_settings()
        self._start_in_worker(
            self.TRAIN,
            (settings, check),
            task="the training",
            name="train",
            message="Training the model…",
        )

    def backtest_again(self) -> None:
        """Check the current model on past weeks (nothing is saved)."""
        if self.result is None:
            return
        self._start_in_worker(
            self.CHECK_AGAIN,
            (self.result, self.check_settings()),
            task="the check on past weeks",
            name="check",
            message="Checking the model on past weeks…",
        )

    def load_newest(self) -> None:
        """Show the newest model saved in the project (loaded in a job)."""
        if self.state.busy:
            self._load_pending = True
            return
        self._load_pending = False

        from ml.workflows.saved import newest_model

        # Light (descriptions only): a short job in this process, so the
        # Data page keeps its connection while a project opens.
        try:
            job = self.state.start_project_job(
                newest_model, name="model", changes_data=False
            )
        except RuntimeError:
            self._say_busy()
            return
        self._follow(job, "Loading the saved model…")

    def _start_in_worker(
        self, fn: str, args: tuple[Any, ...], *, task: str, name: str, message: str
    ) -> None:
        """Run a heavy workflow in a worker process (the window stays free)."""
        try:
            job = self.state.start_worker_job(
                fn, *args, task=task, name=name, changes_data=False
            )
        except RuntimeError:
            self._say_busy()
            return
        self._follow(job, message)

    def _say_busy(self) -> None:
        self.status_label.setText(
            "Another task is using the project; try again when it has finished."
        )

    def _follow(self, job: Job, message: str) -> None:
        self.job = job
        self.status_label.setText("")
        job.succeeded.connect(self._on_job_succeeded)
        job.failed.connect(self._on_job_failed)
        job.cancelled.connect(self._on_job_cancelled)
        self.progress.bind(job, message)
        self._update_buttons()

    def _on_job_succeeded(self, outcome: ModelResult | str | None) -> None:
        self.job = None
        if outcome is not None and not isinstance(outcome, str):
            self.result = outcome
            self.state.set_model(outcome.meta)
            if outcome.backtest is not None:
                self.state.set_backtest(outcome.backtest)
            if outcome.check_stopped:
                self.status_label.setText(
                    "Stopped during the check on past weeks. The model is trained "
                    "and saved: click Check on past weeks to check it."
                )
        elif outcome:
            self.status_label.setText(f"{outcome} Train a new model.")
        self._show()

    def _on_job_failed(self, error: BaseException) -> None:
        self.job = None
        self._update_buttons()
        show_error(self, error, context="Training a model")

    def _on_job_cancelled(self) -> None:
        job, self.job = self.job, None
        if job is not None and job.name == "train" and job.fraction > CHECK_STARTS:
            # Saved before the check started: show it, unchecked.
            self.load_newest()
            self.status_label.setText(
                "Stopped during the check on past weeks. The model is trained "
                "and saved: click Check on past weeks to check it."
            )
        else:
            self.status_label.setText("Stopped. The project is as it was.")
        self._update_buttons()

    # -- state --------------------------------------------------------------------

    def _on_state_project_changed(self) -> None:
        self.result = None
        self._reset_as_of()
        # Not the previous project's settings; its saved model shows its own.
        self.include_bought_check.setChecked(True)
        self.horizon_unit.blockSignals(True)
        self.horizon_unit.setCurrentText("weeks")
        self.horizon_unit.blockSignals(False)
        for spin, value in self._default_spins.items():
            spin.setValue(value)
        self._show()
        if self.state.has_project:
            self.load_newest()

    def _on_state_busy_changed(self, busy: bool) -> None:
        if not busy and self._load_pending and self.state.has_project:
            self.load_newest()
        self._update_buttons()

    def _on_state_model_changed(self) -> None:
        if self.result is not None and self.result.meta is not self.state.model:
            self.result = None
            self._show()

    def _on_state_plan_changed(self) -> None:
        """Say what the push plan learnt about repeat purchases from the data."""
        plan = self.state.plan
        intervals = None if plan is None else plan.intervals
        if intervals is None:
            self.repurchase_label.hide()
            return
        self.repurchase_label.setText(
            f"Repeat purchases: {intervals.sentence} The push plan holds "
            "offerings back accordingly (Push plan page, \u201cAfter a "
            "purchase\u201d)."
        )
        self.repurchase_label.show()

    def _show(self) -> None:
        result = self.result
        if result is None:
            self.card.setText(
                "<h2>No model yet</h2><p>Choose the date to predict from and how "
                "far ahead, then click <b>Train</b>. Pushwise learns which "
                "offerings each customer is likely to take up next, and checks "
                "how good its predictions were on past weeks.</p>"
                if self.state.has_project
                else "<h2>No project open</h2><p>Open or create a project first.</p>"
            )
            self.drivers_chart.set_chart(None)
            self.drivers_chart.hide()
        else:
            self._show_settings_of(result)
            self.card.setText(card_html(result))
            self.drivers_chart.set_chart(result.drivers)
            self.drivers_chart.setVisible(result.drivers is not None)
        self._update_buttons()
        self.model_shown.emit()

    def _show_settings_of(self, result: ModelResult) -> None:
        """Show the horizon the shown model was trained for."""
        days = result.meta.horizon_days
        weeks = days % 7 == 0
        self.horizon_unit.blockSignals(True)
        self.horizon_unit.setCurrentText("weeks" if weeks else "days")
        self.horizon_unit.blockSignals(False)
        self.horizon_spin.setValue(days // 7 if weeks else days)
        windows = result.meta.parameters.get("training_windows")
        if isinstance(windows, int):
            self.windows_spin.setValue(windows)

    def _update_buttons(self) -> None:
        free = self.state.has_project and not self.state.busy
        self.train_button.setEnabled(free)
        self.check_button.setEnabled(free and self.result is not None)
        # A model with a note is a simple rule (a history too thin for
        # Pushwise's model): the check compares the model with such rules.
        self.check_button.setVisible(
            self.result is not None
            and self.result.backtest is None
            and not self.result.meta.note
        )
