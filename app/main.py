"""`pushwise-gui`: opens a project and shows what it holds.

The full workflow window (Data, Model, Push plan, Backtest) is built on top of
this entry point; for now it shows a project's summary and import history.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
)

from ml.errors import PushwiseError
from ml.store.project import Project


class ProjectSummaryWindow(QMainWindow):
    """A window showing one project's summary and the report of each import."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Pushwise")
        self.resize(900, 600)
        self.summary_view = QPlainTextEdit(readOnly=True)
        self.summary_view.setPlainText(
            "Open a project (File > Open…) to see what it holds.\n"
            "Create one from your exports with:\n"
            "    pushwise import FILE --project P.pushwise"
        )
        self.setCentralWidget(self.summary_view)
        open_action = QAction("&Open…", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._on_open_action_triggered)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(open_action)
        file_menu.addAction(quit_action)

    def open_project(self, path: Path) -> None:
        """Show the summary of the project at `path`, or explain why it cannot."""
        try:
            with Project.open(path) as project:
                info = project.info()
        except PushwiseError as error:
            QMessageBox.warning(self, "Cannot open the project", error.message)
            return
        self.setWindowTitle(f"Pushwise — {path.name}")
        self.statusBar().showMessage(info.summary())
        self.summary_view.setPlainText(info.to_text())

    def _on_open_action_triggered(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "Pushwise projects (*.pushwise)"
        )
        if name:
            self.open_project(Path(name))


def main() -> int:
    """Start the GUI; an optional argument names a project to open."""
    application = QApplication(sys.argv)
    window = ProjectSummaryWindow()
    if len(sys.argv) > 1:
        window.open_project(Path(sys.argv[1]))
    window.show()
    return application.exec()


if __name__ == "__main__":
    sys.exit(main())
