"""The Qt binding the app runs on must not crash a long session.

PySide6 6.12 on Python 3.11 gives away a reference to None or True on every
signal emit and void call, so the interpreter aborts after a few thousand of
them; pyproject.toml keeps that version out. This guards the pin.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    pinged = Signal()


def test_signals_and_void_calls_keep_none_and_true_alive() -> None:
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        emitter.setObjectName("ping")
        emitter.pinged.emit()
    # Other objects may take references meanwhile; a binding that leaks loses
    # at least one per call (400 here).
    assert sys.getrefcount(None) > none_before - 50
    assert sys.getrefcount(True) > true_before - 50
