"""MainWindow: start screen, workflow pages, menus, toolbar, status bar, drops."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.errors import show_error
from app.jobs import Job
from app.pages import PageSpec, workflow_pages
from app.sample import SAMPLE_PROJECT_NAME, create_sample_project
from app.settings import Settings, data_dir
from app.state import AppState
from app.widgets.progress import JobProgressPanel
from app.widgets.start import StartScreen
from app.windowactions import import_icon, make_actions, make_menus
from ml.errors import PushwiseError
from ml.resources import sample_orders
from ml.store.project import EXTENSION, Project, ProjectInfo

PROJECT_FILTER = f"Pushwise projects (*{EXTENSION})"
IMPORT_FILTER = (
    "Data files (*.csv *.tsv *.txt *.gz *.zip *.xlsx *.xls *.parquet);;All files (*)"
)


class MainWindow(QMainWindow):
    """The Pushwise window: a start screen, or the workflow pages of a project."""

    def __init__(
        self,
        state: AppState | None = None,
        settings: Settings | None = None,
        pages: list[PageSpec] | None = None,
    ) -> None:
        super().__init__()
        self.state = state or AppState(self)
        self.settings = settings or Settings()
        self.pages: dict[str, QWidget] = {}
        self.setWindowTitle("Pushwise")
        self.setAcceptDrops(True)
        self.resize(1200, 800)

        self.start_screen = StartScreen()
        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setIconSize(QSize(1, 1))
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        self.page_stack = QStackedWidget()
        self.workspace = QWidget()
        workspace_layout = QHBoxLayout(self.workspace)
        workspace_layout.setContentsMargins(0, 0, 0, 0)
        workspace_layout.addWidget(self.sidebar)
        workspace_layout.addWidget(self.page_stack, 1)
        self.central = QStackedWidget()
        self.central.addWidget(self.start_screen)
        self.central.addWidget(self.workspace)
        self.setCentralWidget(self.central)

        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setToolTip("What the open project holds")
        self.progress = JobProgressPanel()
        self.statusBar().addWidget(self.summary_label, 1)
        self.statusBar().addPermanentWidget(self.progress)

        self.window_actions = make_actions(self, self, self.state)
        self.go_menu = make_menus(
            self, self.window_actions, self.settings, self.open_project
        )
        # Pages are built just after the window first shows (or when a project
        # opens, if sooner): the start screen appears without waiting for them.
        self._page_specs = list(pages if pages is not None else workflow_pages())
        QTimer.singleShot(0, self, self.build_pages)

        self.start_screen.new_requested.connect(self.new_project)
        self.start_screen.open_requested.connect(self.open_project)
        self.start_screen.sample_requested.connect(self.open_sample_project)
        self.start_screen.recent_chosen.connect(self.open_project)
        self.state.project_changed.connect(self._on_state_project_changed)
        self.state.data_changed.connect(self._update_summary)
        self.state.busy_changed.connect(self._update_actions)
        self._restore_window()
        self._on_state_project_changed()

    # -- pages ---------------------------------------------------------------------

    def build_pages(self) -> None:
        """Build the workflow pages not built yet (see app/pages/__init__.py)."""
        specs, self._page_specs = self._page_specs, []
        for spec in specs:
            self.add_page(spec.key, spec.title, spec.factory(self.state), spec.tooltip)

    def add_page(
        self, key: str, title: str, widget: QWidget, tooltip: str = ""
    ) -> None:
        """Add a workflow page to the sidebar (Ctrl+1, Ctrl+2… go to it)."""
        self.pages[key] = widget
        widget.setObjectName(f"{key}_page")
        self.page_stack.addWidget(widget)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(tooltip)
        item.setSizeHint(QSize(0, self.fontMetrics().height() * 2 + 8))
        self.sidebar.addItem(item)
        number = len(self.pages)
        action = QAction(title, self)
        action.setToolTip(tooltip)
        if number <= 9:
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda: self.show_page(key))
        self.go_menu.addAction(action)
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)
        self._fit_sidebar()

    def show_page(self, key: str) -> None:
        """Show a workflow page (if a project is open)."""
        self.build_pages()
        keys = list(self.pages)
        if key in keys:
            self.sidebar.setCurrentRow(keys.index(key))

    @property
    def current_page_key(self) -> str | None:
        """The key of the page shown in the workspace."""
        row = self.sidebar.currentRow()
        return list(self.pages)[row] if 0 <= row < len(self.pages) else None

    # -- projects ------------------------------------------------------------------

    def open_project(self, path: str | Path | None = None) -> bool:
        """Open a project (asking for the file if path is None); False if not."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, "Open project", str(self._folder()), PROJECT_FILTER
            )
            if not name:
                return False
            path = name
        path = Path(path)
        try:
            self.state.open_project(path)
        except PushwiseError as error:
            show_error(
                self,
                error,
                "Cannot open the project",
                "The project could not be opened.",
            )
            return False
        self.settings.add_recent_project(path)
        return True

    def new_project(self, path: str | Path | None = None) -> bool:
        """Create a project (asking where if path is None); False if not."""
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                "New project",
                str(self._folder() / f"My project{EXTENSION}"),
                PROJECT_FILTER,
            )
            if not name:
                return False
            path = name
        path = Path(path)
        if path.suffix != EXTENSION:
            path = path.with_name(path.name + EXTENSION)
        try:
            self.state.new_project(path)
        except PushwiseError as error:
            show_error(
                self,
                error,
                "Cannot create the project",
                "The project could not be created.",
            )
            return False
        self.settings.add_recent_project(path)
        return True

    def open_sample_project(self) -> Job | None:
        """Open the sample project, importing the sample first if needed.

        Returns the job that creates it, or None when it was there already.
        """
        path = data_dir() / SAMPLE_PROJECT_NAME
        if path.exists():
            if not self.open_project(path):
                return None
            info = self.state.info
            self.show_page("data")
            if info is not None and info.orders_rows > 0:
                return None
            return self.start_import([sample_orders()], "Importing the sample orders…")
        job = self.state.start_job(
            lambda report, stop: create_sample_project(path, report, stop),
            slot="sample",
        )
        self.progress.bind(job, "Creating the sample project…")
        self.window_actions.sample_action.setEnabled(False)
        self.start_screen.sample_button.setEnabled(False)
        job.succeeded.connect(self._on_sample_job_succeeded)
        job.failed.connect(
            lambda error: show_error(
                self, error, "Sample project", "The sample project could not be made."
            )
        )
        job.finished.connect(self._update_actions)
        return job

    def import_files(self, paths: list[str] | list[Path] | None = None) -> None:
        """Import files into the open project (a new one is made if none is open)."""
        files = [Path(p) for p in paths or []]
        projects = [p for p in files if p.suffix == EXTENSION]
        files = [p for p in files if p.suffix != EXTENSION]
        if projects and not self.open_project(projects[0]):
            return
        if projects and not files:
            return
        if not self.state.has_project and not self.new_project():
            return
        if self.state.busy:
            QMessageBox.information(
                self,
                "Please wait",
                "Another task is using the project. Wait for it to finish, or "
                "cancel it, then import again.",
            )
            return
        if _wizard_available():
            from app.importwizard import ImportWizard

            wizard = ImportWizard(self.state, files=files, parent=self)
            wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            wizard.open()
            return
        if not files:
            names, _ = QFileDialog.getOpenFileNames(
                self, "Import files", str(Path.home()), IMPORT_FILTER
            )
            files = [Path(name) for name in names]
        if files:
            self.start_import(files)

    def start_import(
        self, files: list[Path], message: str = "Importing…"
    ) -> Job | None:
        """Import files with the engine's automatic mapping, in a worker process."""
        job = self.state.start_worker_job(
            "ml.workflows.imports:import_files",
            list(files),
            task="the import",
            name="import",
        )
        self.progress.bind(job, message)
        job.succeeded.connect(self._on_import_job_succeeded)
        job.failed.connect(
            lambda error: show_error(
                self, error, "Import failed", "Nothing was imported."
            )
        )
        job.cancelled.connect(
            lambda: self.statusBar().showMessage(
                "Import cancelled; the project is unchanged.", 8000
            )
        )
        return job

    def export(self) -> None:
        """Export from the page shown (its export(), e.g. the Data page's table)."""
        page = self.pages.get(self.current_page_key or "")
        exporter = getattr(page, "export", None)
        if callable(exporter):
            exporter()

    # -- Qt events -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(
            url.isLocalFile() for url in event.mimeData().urls()
        ):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls()]
        event.acceptProposedAction()
        self.import_files(paths)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
        ) and hasattr(self, "window_actions"):
            self.window_actions.import_action.setIcon(import_icon(self))
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.state.shutdown()
        super().closeEvent(event)

    # -- building ------------------------------------------------------------------

    def _fit_sidebar(self) -> None:
        width = max(
            (
                self.fontMetrics().horizontalAdvance(self.sidebar.item(i).text())
                for i in range(self.sidebar.count())
            ),
            default=80,
        )
        self.sidebar.setFixedWidth(
            width + self.fontMetrics().horizontalAdvance("M") * 4
        )

    def _restore_window(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def _folder(self) -> Path:
        recent = self.settings.recent_projects()
        return recent[0].parent if recent else Path.home()

    # -- reacting to the state -----------------------------------------------------

    def _on_state_project_changed(self) -> None:
        path = self.state.project_path
        if path is None:
            self.setWindowTitle("Pushwise")
            self.start_screen.set_recent(self.settings.recent_projects())
            self.central.setCurrentWidget(self.start_screen)
        else:
            self.build_pages()
            self.setWindowTitle(f"Pushwise — {path.name}")
            self.central.setCurrentWidget(self.workspace)
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        info = self.state.info
        self.summary_label.setText("" if info is None else info.summary())

    def _update_actions(self, *_args: object) -> None:
        has_project = self.state.has_project
        busy = self.state.busy
        actions = self.window_actions
        actions.import_action.setEnabled(not busy)
        actions.export_action.setEnabled(has_project)
        actions.settings_action.setEnabled(has_project)
        actions.close_action.setEnabled(has_project)
        sample_free = self.state.jobs.job("sample") is None
        actions.sample_action.setEnabled(not busy and sample_free)
        self.start_screen.sample_button.setEnabled(not busy and sample_free)

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if 0 <= row < self.page_stack.count():
            self.page_stack.setCurrentIndex(row)

    def _on_sample_job_succeeded(self, result: tuple[Project, ProjectInfo]) -> None:
        project, info = result
        self.state.adopt_project(project, info)
        self.settings.add_recent_project(project.path)
        self.show_page("data")

    def _on_import_job_succeeded(self, reports: list[Any]) -> None:
        added = sum(report.rows_imported for report in reports)
        self.statusBar().showMessage(f"Imported {added:,} rows.", 8000)


def _wizard_available() -> bool:
    return importlib.util.find_spec("app.importwizard") is not None
