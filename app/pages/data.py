"""DataPage: what the project holds — summary cards, weekly chart, tables, imports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import show_error
from app.export import query_export_fn, shown_frame, write_frame_csv
from app.jobs import Job
from app.pages.datacontent import (
    FORMATS,
    HIDDEN_AT_FIRST,
    LABELS,
    STORED_COLUMNS,
    TOOLTIPS,
    DataPageContent,
    read_content,
)
from app.pages.imports import ImportHistoryPanel
from app.querytable import QueryTableModel
from app.state import AppState
from app.tables import DataFrameTableModel, TableModelBase
from app.widgets.cards import SummaryCards
from app.widgets.table import TablePanel
from app.widgets.weekly_chart import WeeklyActivityChart
from ml.progress import ReportFn, StopFn
from ml.store.overview import DataOverview


class DataPage(QWidget):
    """Summary cards, weekly chart and tables of the open project."""

    content_loaded = Signal()  # the page shows the project's current numbers

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.content: DataPageContent | None = None
        self.load_job: Job | None = None
        self._steps: tuple[DataPageContent, list[Callable[[], object]]] | None = None
        self.summary = SummaryCards(
            {
                "customers": ("Customers", "Customers with at least one order."),
                "offerings": (
                    "Offerings",
                    "Different offerings (products) ordered at least once.",
                ),
                "orders": (
                    "Orders",
                    "Orders (invoices); an order can have several lines.",
                ),
                "revenue": (
                    "Revenue",
                    "Sum of the amounts of all order lines, returns not taken off.",
                ),
                "dates": (
                    "Period",
                    "How many weeks of orders, from the first to the last order.",
                ),
                "feedback": (
                    "Feedback",
                    "Reviews, survey answers and other feedback entries.",
                ),
                "returns": (
                    "Returns",
                    "Returned or cancelled lines, as a share of order lines.",
                ),
            }
        )
        self.cards = self.summary.cards
        self.chart = WeeklyActivityChart()
        self.tables: dict[str, TablePanel] = {}
        self.orders_model = QueryTableModel(state.jobs)
        self.feedback_model = QueryTableModel(state.jobs)
        self.offerings_model = DataFrameTableModel()
        self.customers_model = DataFrameTableModel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for key, model, noun, title in (
            ("orders", self.orders_model, "order lines", "Orders"),
            ("feedback", self.feedback_model, "feedback entries", "Feedback"),
            ("offerings", self.offerings_model, "offerings", "Offerings"),
            ("customers", self.customers_model, "customers", "Customers"),
        ):
            model.set_labels(LABELS, FORMATS, TOOLTIPS)
            panel = TablePanel(model, noun=noun)
            panel.setObjectName(f"{key}_table")
            panel.columns_changed.connect(
                lambda names, key=key: self._on_columns_changed(key, names)
            )
            self.tables[key] = panel
            self.tabs.addTab(panel, title)
        self.imports_panel = ImportHistoryPanel(
            start_job=lambda fn: state.start_job(fn, slot="import rejects")
        )
        self.tabs.addTab(self.imports_panel, "Imports")
        self.tabs.setTabToolTip(
            4, "Every file imported into this project, with its report."
        )
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.summary)
        top_layout.addWidget(self.chart, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        state.project_changed.connect(self._on_state_project_changed)
        state.data_changed.connect(self._on_state_data_changed)
        state.reader_changed.connect(self._on_state_reader_changed)
        self._on_state_project_changed()

    # -- loading -----------------------------------------------------------------

    def reload(self) -> None:
        """Read the project's numbers again (in the background)."""
        reader = self.state.reader
        self.content = None
        self._steps = None
        if reader is None:
            return
        cursor = reader.cursor()

        def load(report: ReportFn, stop_requested: StopFn) -> DataPageContent:
            try:
                return read_content(cursor)
            finally:
                cursor.close()

        job = self.state.start_job(load, slot="data page")
        job.succeeded.connect(self._on_load_job_succeeded)
        job.failed.connect(self._on_load_job_failed)
        self.load_job = job

    def _on_state_project_changed(self) -> None:
        reader = self.state.reader
        self.content = None
        self._clear()
        for key in ("orders", "feedback"):
            model = self.orders_model if key == "orders" else self.feedback_model
            model.set_source(reader, key, STORED_COLUMNS[key])
        self.reload()

    def _on_state_reader_changed(self) -> None:
        """A worker took the file (nothing to read) or gave it back (read again)."""
        reader = self.state.reader
        for key in ("orders", "feedback"):
            model = self.orders_model if key == "orders" else self.feedback_model
            model.set_source(reader, key, STORED_COLUMNS[key])
        self.imports_panel.set_connection(reader)
        if reader is not None:
            self.reload()
        elif self.state.has_project:  # a worker has the file: say so, not "0"
            for key in ("orders", "feedback"):
                self.tables[key].count_label.setText(
                    "Shown again when the current task has finished"
                )

    def _on_state_data_changed(self) -> None:
        self.orders_model.reload()
        self.feedback_model.reload()
        self.reload()

    def _on_load_job_succeeded(self, content: DataPageContent) -> None:
        # Shown a piece at a time, letting the window paint in between, so
        # that filling the page never holds the GUI thread for long.
        steps: list[Callable[[], object]] = [
            lambda: self._show_cards(content.overview),
            self.summary.arrange,
            lambda: self.chart.set_frame(content.weekly),
            lambda: self._show_derived("offerings", content.offerings),
            lambda: self._show_derived("customers", content.customers),
            lambda: self.imports_panel.set_records(
                self.state.reader, content.imports, content.rejects
            ),
            lambda: self._show_columns(content),
        ]
        self._steps = (content, steps)
        self._next_step(content)

    def _next_step(self, content: DataPageContent) -> None:
        if self._steps is None or self._steps[0] is not content:
            return  # a newer load took over
        steps = self._steps[1]
        steps.pop(0)()
        if steps:
            QTimer.singleShot(0, self, lambda: self._next_step(content))
            return
        self._steps = None
        self.content = content
        self.content_loaded.emit()

    def _show_derived(self, key: str, frame: pd.DataFrame) -> None:
        model = self.offerings_model if key == "offerings" else self.customers_model
        chosen = self._saved_columns(key)
        filled = [name for name in frame.columns if frame[name].notna().any()]
        model.set_frame(frame, visible=chosen or filled or list(frame.columns))

    def _show_columns(self, content: DataPageContent) -> None:
        for key, model in (
            ("orders", self.orders_model),
            ("feedback", self.feedback_model),
        ):
            chosen = self._saved_columns(key)
            if chosen:
                model.set_visible_columns(chosen)
            else:
                filled = content.filled[key] - HIDDEN_AT_FIRST
                model.set_visible_columns(
                    [name for name in STORED_COLUMNS[key] if name in filled]
                    or STORED_COLUMNS[key]
                )

    def _on_load_job_failed(self, error: BaseException) -> None:
        show_error(self, error, context="The project's data could not be read.")

    # -- showing -----------------------------------------------------------------

    def _clear(self) -> None:
        for card in self.cards.values():
            card.set("–")
        self.chart.set_frame(pd.DataFrame())
        self.offerings_model.set_frame(pd.DataFrame())
        self.customers_model.set_frame(pd.DataFrame())
        self.imports_panel.set_records(None, [])

    def _show_cards(self, o: DataOverview) -> None:
        self.cards["customers"].set(f"{o.customers:,}", "with orders")
        self.cards["offerings"].set(f"{o.offerings:,}", "ordered at least once")
        self.cards["orders"].set(f"{o.orders:,}", f"{o.order_lines:,} order lines")
        self.cards["revenue"].set(
            "–" if o.revenue is None else f"{o.revenue:,.0f}",
            "sum of order amounts" if o.revenue is not None else "no amounts imported",
        )
        if o.first_order is not None and o.last_order is not None:
            weeks = (o.last_order - o.first_order).days // 7 + 1
            self.cards["dates"].set(
                f"{weeks:,} weeks", f"{_day(o.first_order)} – {_day(o.last_order)}"
            )
        else:
            self.cards["dates"].set("–", "no orders yet")
        if o.feedback == 0:
            self.cards["feedback"].set("0", "none imported yet")
        elif o.average_rating_out_of_5 is None:
            self.cards["feedback"].set(f"{o.feedback:,}", "comments without ratings")
        else:
            self.cards["feedback"].set(
                f"{o.feedback:,}",
                f"average rating {o.average_rating_out_of_5:.1f} of 5 "
                f"({o.rated_feedback:,} rated)",
            )
        if o.returns_rate is None:
            self.cards["returns"].set("–", "no orders yet")
        else:
            self.cards["returns"].set(
                f"{100 * o.returns_rate:.1f}%", f"{o.returns:,} returned lines"
            )

    # -- export and preferences ---------------------------------------------------

    def current_table(self) -> TablePanel | None:
        """The table on the current tab, if a table tab is current."""
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, TablePanel) else None

    def export(self) -> None:
        """Save the current table's shown rows and columns as CSV."""
        panel = self.current_table()
        if panel is None or panel.model.rowCount() == 0:
            return
        title = self.tabs.tabText(self.tabs.currentIndex()).lower()
        name, _ = QFileDialog.getSaveFileName(
            self, f"Export {title}", f"{title}.csv", "CSV files (*.csv)"
        )
        if name:
            self.export_to(panel.model, Path(name))

    def export_to(self, model: TableModelBase, path: Path) -> Job | None:
        """Write the rows a table shows to path (in a job for stored tables)."""
        if isinstance(model, QueryTableModel):
            reader = self.state.reader
            if reader is None:
                return None
            job = self.state.start_job(query_export_fn(model, reader, path), "export")
            job.failed.connect(
                lambda error: show_error(self, error, context="The export failed.")
            )
            return job
        if isinstance(model, DataFrameTableModel):
            try:
                write_frame_csv(shown_frame(model), path)
            except OSError as error:
                show_error(self, error, context="The export failed.")
        return None

    def _saved_columns(self, key: str) -> list[str]:
        settings = getattr(self.window(), "settings", None)
        value: Any = settings.value(f"data/{key}/columns") if settings else None
        if isinstance(value, str):
            value = [value]
        return [str(name) for name in value or []]

    def _on_columns_changed(self, key: str, names: list[str]) -> None:
        settings = getattr(self.window(), "settings", None)
        if settings is not None:
            settings.set_value(f"data/{key}/columns", names)


def _day(moment: datetime) -> str:
    """A date as people write it: 1 Dec 2010."""
    return f"{moment.day} {moment:%b %Y}"
