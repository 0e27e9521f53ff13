"""Errors shown in plain words; tracebacks go to a log file, never to the user.

``show_error`` opens a dialog saying what happened and what to do, with the
technical detail folded away. ``install_excepthook`` routes every uncaught
exception (GUI thread or other threads) to the log and the same dialog.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.settings import data_dir
from ml.errors import PushwiseError, disk_full
from ml.store.connection import COPY_HINT, DAMAGED_HINT, is_damage

log = logging.getLogger("pushwise")

GENERIC_WHAT = "Something went wrong inside Pushwise."
GENERIC_ADVICE = (
    "Your project was left as it was. Try again; if it happens again, send the "
    "log file named in the details to your Pushwise contact."
)


def log_file() -> Path:
    """The log file in the user's data folder (set up on first use)."""
    path = data_dir() / "logs" / "pushwise.log"
    handler = _handler()
    if handler is not None and Path(handler.baseFilename) != path.resolve():
        log.removeHandler(handler)
        handler.close()
        handler = None
    if handler is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handler._pushwise = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return path


def log_exception(error: BaseException, context: str = "") -> Path:
    """Write the error with its full traceback to the log file; return the file."""
    path = log_file()
    text = "".join(traceback.format_exception(error))
    log.error("%s\n%s", context or "Error", text.rstrip())
    for handler in log.handlers:
        handler.flush()
    return path


def describe(error: BaseException) -> tuple[str, str]:
    """Return (what happened, what to do) in plain words for an error."""
    if isinstance(error, PushwiseError):
        where = Path(error.file).name if error.file else ""
        parts = [where] if where else []
        if error.row is not None:
            parts.append(f"row {error.row}")
        if error.column:
            parts.append(f"column '{error.column}'")
        reason = error.reason[:1].upper() + error.reason[1:]
        what = f"{', '.join(parts)}: {error.reason}" if parts else reason
        return what, error.hint or ""
    full = disk_full(error)
    if full is not None:
        name = f" while writing {Path(full).name}" if full else ""
        return (
            f"The disk is full (or a file-size limit was reached){name}.",
            "What was being saved was not saved; the project was left as it was. "
            "Free some space, then try again.",
        )
    if is_damage(error):
        return "The project file is damaged and cannot be read.", DAMAGED_HINT
    if "read-only mode" in str(error).lower():
        return (
            "This project was opened read-only, so it cannot be changed.",
            COPY_HINT,
        )
    if isinstance(error, MemoryError):
        return (
            "The computer ran out of memory.",
            "Close other programs, or work on a smaller file, and try again.",
        )
    if isinstance(error, OSError) and error.strerror:
        name = Path(error.filename).name if error.filename else "a file"
        return (
            f"Pushwise could not use {name} ({error.strerror.lower()}).",
            "Check that the file exists and that you may read and write it.",
        )
    return GENERIC_WHAT, GENERIC_ADVICE


class ErrorDialog(QMessageBox):
    """A plain dialog: what happened, what to do, and folded-away details."""

    def __init__(
        self,
        error: BaseException,
        title: str = "Pushwise",
        context: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.error = error
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(title)
        what, todo = describe(error)
        self.setText(f"{context}\n\n{what}" if context else what)
        self.setInformativeText(todo)
        self.log_path = log_exception(error, context or title)
        detail = str(error) or type(error).__name__
        self.setDetailedText(
            f"{type(error).__name__}: {detail}\n\n"
            f"The full technical report was written to:\n{self.log_path}"
        )
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def show_error(
    parent: QWidget | None,
    error: BaseException,
    title: str = "Pushwise",
    context: str = "",
) -> ErrorDialog:
    """Log the error and show it in a window-modal dialog (returns at once)."""
    dialog = ErrorDialog(error, title=title, context=context, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        # Nothing else holds a dialog without a parent: keep it until it closes.
        _unparented.append(dialog)
        dialog.finished.connect(lambda _result: _unparented.remove(dialog))
    dialog.open()
    return dialog


_unparented: list[ErrorDialog] = []


class _HookRelay(QObject):
    """Carries exceptions from any thread to the GUI thread."""

    raised = Signal(object)


_relay: _HookRelay | None = None


def install_excepthook() -> None:
    """Send every uncaught exception to the log and a plain dialog."""
    global _relay
    _relay = _HookRelay()
    _relay.raised.connect(_show_uncaught, Qt.ConnectionType.QueuedConnection)

    def hook(
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        if error.__traceback__ is None and tb is not None:
            error = error.with_traceback(tb)
        if _relay is not None and QApplication.instance() is not None:
            _relay.raised.emit(error)
        else:
            log_exception(error, "Uncaught error")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook


def _show_uncaught(error: BaseException) -> None:
    parent = QApplication.activeWindow() or _main_window()
    if any(isinstance(w, ErrorDialog) and w.isVisible() for w in _top_levels()):
        log_exception(error, "Uncaught error (while another error was shown)")
        return
    show_error(parent, error)


def _main_window() -> QWidget | None:
    windows = [w for w in _top_levels() if w.isVisible() and w.parent() is None]
    return windows[0] if windows else None


def _top_levels() -> list[QWidget]:
    app = QApplication.instance()
    return list(app.topLevelWidgets()) if isinstance(app, QApplication) else []


def _handler() -> RotatingFileHandler | None:
    for handler in log.handlers:
        if isinstance(handler, RotatingFileHandler) and getattr(
            handler, "_pushwise", False
        ):
            return handler
    return None
