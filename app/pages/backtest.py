"""BacktestPage: predicted against actual on past weeks, for the total, any
offering or category, with the scatter, calibration, gains and metrics."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.state import AppState
from app.tables import DataFrameTableModel, percent
from app.widgets.chart import ChartView

if TYPE_CHECKING:
    import pandas as pd

    from ml.backtest.report import BacktestReport

TOTAL = "total:"
_MODES = {"all": "All offerings", "repeat": "Bought before", "new": "New to them"}
_METRIC_LABELS = {
    "method": "Method",
    "mode": "Offerings",
    "k": "List size",
    "folds": "Periods",
    "customers": "Customers per period",
    "recall": "Share of purchases caught",
    "precision": "Share of pushes taken up",
    "hit_rate": "Customers with a hit",
    "ndcg": "Ranking quality (NDCG)",
    "map": "Ranking quality (MAP)",
    "coverage": "Catalogue covered",
}
_METRIC_TIPS = {
    "recall": "Of what each customer bought in the test weeks, the share that "
    "was on their push list (recall).",
    "precision": "Of the offerings pushed, the share the customer took up.",
    "hit_rate": "Customers whose push list held at least one offering they bought.",
    "coverage": "Share of all offerings that appeared on some push list.",
}


NO_MODEL = (
    "<h2>Train a model first</h2><p>The backtest compares what the model "
    "predicted with what customers actually bought in past weeks. It "
    "appears here once a model is trained on the Model page.</p>"
)
NOT_CHECKED = (
    "<h2>Not checked yet</h2><p>The model has not been checked on past weeks "
    "yet: it was loaded from the project (for example after <i>pushwise "
    "train</i>), and a saved model is kept without its check. To see how good "
    "its predictions were, click <b>Check on past weeks</b> on the Model page "
    "(it takes a few minutes on a large project).</p>"
)


class BacktestPage(QWidget):
    """The backtest of the current model, as charts and a metrics table."""

    charts_shown = Signal()  # the charts show state.backtest (or it is empty)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.report: BacktestReport | None = None
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        # Shown when the project's data changed after this check was made.
        self.older_note = QLabel(
            "This check was made before the latest import, on the older data. "
            "To check the model on the data as it is now, train it again on "
            "the Model page."
        )
        self.older_note.setObjectName("backtest_older_note")
        self.older_note.setWordWrap(True)
        self.older_note.hide()
        self.chooser = QComboBox()
        self.chooser.setEditable(True)
        self.chooser.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.chooser.setMinimumContentsLength(30)
        self.chooser.setToolTip(
            "Type to search: the total of all offerings, a category or one offering."
        )
        completer = QCompleter(self.chooser.model(), self.chooser)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.chooser.setCompleter(completer)
        self.chooser.currentIndexChanged.connect(self._on_chooser_index_changed)
        self.weekly_chart = ChartView()
        self.weekly_chart.setObjectName("weekly_chart")
        self.scatter_chart = ChartView()
        self.calibration_chart = ChartView()
        self.gains_chart = ChartView()
        self.metrics_chart = ChartView()
        self.metrics_model = DataFrameTableModel()
        self.metrics_model.set_labels(
            _METRIC_LABELS,
            {name: percent for name in ("recall", "precision", "hit_rate", "coverage")},
            _METRIC_TIPS,
        )
        self.metrics_table = QTableView()
        self.metrics_table.setModel(self.metrics_model)
        self.metrics_table.setSortingEnabled(True)
        self.metrics_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        weekly = QWidget()
        weekly_layout = QVBoxLayout(weekly)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show"))
        row.addWidget(self.chooser, 1)
        weekly_layout.addLayout(row)
        weekly_layout.addWidget(self.weekly_chart, 1)
        metrics = QSplitter(Qt.Orientation.Vertical)
        metrics.addWidget(self.metrics_chart)
        metrics.addWidget(self.metrics_table)
        metrics.setChildrenCollapsible(False)
        metrics.setSizes([500, 300])
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for widget, title, tip in (
            (weekly, "Weekly uptake", "Predicted against actual buyers, week by week"),
            (
                self.scatter_chart,
                "Per offering",
                "Predicted against actual buyers of each offering",
            ),
            (
                self.calibration_chart,
                "Probabilities",
                "Whether the predicted probabilities came true as often as said",
            ),
            (self.gains_chart, "Push list gains", "Uptake caught against list size"),
            (metrics, "Push list quality", "Pushwise against simple rules"),
        ):
            index = self.tabs.addTab(widget, title)
            self.tabs.setTabToolTip(index, tip)
        self.empty_label = QLabel(NO_MODEL)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.older_note)
        content_layout.addWidget(self.headline)
        content_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._stale = True  # state.backtest changed since the charts were drawn
        state.backtest_changed.connect(self._on_state_backtest_changed)
        state.data_changed.connect(self._on_state_data_changed)
        state.model_changed.connect(self._on_state_backtest_changed)
        self._on_state_backtest_changed()

    def choose(self, level: str, offering_id: str = "") -> None:
        """Show the weekly chart of the total ("total"), an offering or a category."""
        index = self.chooser.findData(f"{level}:{offering_id}")
        if index < 0:
            raise ValueError(f"the backtest has no {level} {offering_id!r}")
        self.chooser.setCurrentIndex(index)

    def showEvent(self, event: QShowEvent) -> None:
        """Draw a backtest that arrived while the page was hidden."""
        super().showEvent(event)
        if self._stale:
            self._draw()

    def _on_state_data_changed(self) -> None:
        """An import changed the data: the check shown was made on older data."""
        self.older_note.setVisible(self.state.backtest is not None)

    def _on_state_backtest_changed(self) -> None:
        # Drawing takes the GUI thread a moment: only for a page that is seen.
        self.older_note.hide()
        self._stale = True
        if self.isVisible():
            self._draw()

    def _draw(self) -> None:
        self._stale = False
        self.report = self.state.backtest
        report = self.report
        if report is None:
            trained = self.state.model is not None
            self.empty_label.setText(NOT_CHECKED if trained else NO_MODEL)
            self.stack.setCurrentIndex(0)
            self.charts_shown.emit()
            return
        from ml.backtest import charts

        self.headline.setText(report.headline())
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItem("All offerings (total)", TOTAL)
        weekly = report.demand_weekly
        for level, prefix in (("category", "Category: "), ("offering", "")):
            ids = sorted(set(weekly.loc[weekly["level"] == level, "offering_id"]))
            for one in ids:
                self.chooser.addItem(f"{prefix}{one}", f"{level}:{one}")
        self.chooser.setCurrentIndex(0)
        self.chooser.blockSignals(False)
        self._draw_weekly(TOTAL)
        self.scatter_chart.set_chart(charts.scatter_chart(report))
        self.calibration_chart.set_chart(charts.calibration_chart(report))
        self.gains_chart.set_chart(charts.gains_chart(report))
        metrics_chart = charts.metrics_chart(report)
        self.metrics_chart.set_chart(
            replace(metrics_chart, y_label="Share of purchases caught (recall)")
        )
        self.metrics_model.set_frame(_metrics_frame(report))
        self.stack.setCurrentIndex(1)
        self.charts_shown.emit()

    def _on_chooser_index_changed(self, index: int) -> None:
        choice = self.chooser.itemData(index)
        if choice is not None:
            self._draw_weekly(str(choice))

    def _draw_weekly(self, choice: str) -> None:
        report = self.report
        if report is None:
            return
        from ml.backtest import charts

        level, offering_id = choice.split(":", 1)
        if level == "total":
            chart = charts.weekly_chart(report)
        else:
            chart = charts.weekly_chart(report, offering_id, level=level)
        self.weekly_chart.set_chart(chart)


def _metrics_frame(report: BacktestReport) -> pd.DataFrame:
    from ml.backtest.report import plain_name

    summary = report.summary()
    frame = summary.assign(
        method=summary["method"].map(plain_name),
        mode=summary["mode"].map(_MODES),
    )
    return frame.drop(columns=["ndcg", "map"])
