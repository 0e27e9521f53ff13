"""`pushwise-gui`: the desktop application's entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from app.errors import install_excepthook
from app.settings import APPLICATION, ORGANIZATION
from app.warmup import start_warm_up
from app.window import MainWindow
from ml.resources import resource


def make_application(argv: Sequence[str]) -> QApplication:
    """The QApplication with Pushwise's names, high-DPI and system palette."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    application = QApplication(list(argv))
    application.setOrganizationName(ORGANIZATION)
    application.setApplicationName(APPLICATION)
    application.setApplicationDisplayName(APPLICATION)
    # The desktop entry (pushwise.desktop) names the icon the shell shows.
    application.setDesktopFileName("pushwise")
    application.setWindowIcon(QIcon(str(resource("icons", "pushwise.svg"))))
    # Fusion draws with the palette, which Qt takes from the system's light or
    # dark colour scheme and updates when the user switches it.
    application.setStyle("Fusion")
    return application


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI; arguments name a project or files to open.

    ``--self-test OUT_DIR`` runs the workflow on the sample, saves a screenshot
    of each page into OUT_DIR and exits 0 only if everything worked.
    """
    argv = list(sys.argv if argv is None else argv)
    arguments = argv[1:]
    self_test_dir: Path | None = None
    if "--self-test" in arguments:
        at = arguments.index("--self-test")
        if at + 1 >= len(arguments):
            sys.stderr.write("pushwise-gui: --self-test needs a folder\n")
            return 2
        self_test_dir = Path(arguments[at + 1])
        del arguments[at : at + 2]
    application = make_application(argv)
    install_excepthook()
    if self_test_dir is not None:
        from app import selftest

        return selftest.main(self_test_dir)
    window = MainWindow()
    window.show()
    start_warm_up()
    paths = [Path(arg) for arg in arguments if not arg.startswith("-")]
    if paths:
        window.import_files(paths)
    return application.exec()


if __name__ == "__main__":
    sys.exit(main())
