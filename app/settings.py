"""UI preferences in QSettings: window geometry, recent projects, UI choices.

Nothing about the data lives here; that belongs in the project file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANIZATION = "Pushwise"
APPLICATION = "Pushwise"
MAX_RECENT = 8
_RECENT_KEY = "recent_projects"


def data_dir() -> Path:
    """The user's data folder (sample project, logs); made if missing.

    PUSHWISE_DATA_DIR overrides it (tests point it at a temporary folder).
    """
    override = os.environ.get("PUSHWISE_DATA_DIR")
    if override:
        folder = Path(override)
    else:
        location = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation
        )
        folder = Path(location) if location else Path.home() / ".pushwise"
        if not location or folder.name != APPLICATION:
            # Without an application name Qt gives a generic folder.
            folder = folder / APPLICATION
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Settings:
    """Typed access to the app's QSettings (one instance per window)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings or QSettings(ORGANIZATION, APPLICATION)

    # -- recent projects ----------------------------------------------------

    def recent_projects(self) -> list[Path]:
        """Recently opened projects, newest first, only those that still exist."""
        value: Any = self.qsettings.value(_RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a lone string for 1 item
            value = [value]
        paths = [Path(str(item)) for item in value or [] if item]
        return [path for path in paths if path.exists()]

    def add_recent_project(self, path: Path) -> None:
        """Put path first in the recent projects."""
        path = Path(path).resolve()
        paths = [p for p in self.recent_projects() if p.resolve() != path]
        self._set_recent([path, *paths][:MAX_RECENT])

    def clear_recent_projects(self) -> None:
        """Forget every recent project."""
        self._set_recent([])

    def _set_recent(self, paths: list[Path]) -> None:
        self.qsettings.setValue(_RECENT_KEY, [str(p) for p in paths])

    # -- window -------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        """The main window's saved geometry, if any."""
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        """The main window's saved toolbar/dock state, if any."""
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember the main window's geometry and toolbar state."""
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    # -- other UI preferences -----------------------------------------------

    def value(self, key: str, default: Any = None) -> Any:
        """A UI preference (e.g. "data/orders/hidden_columns")."""
        return self.qsettings.value(f"ui/{key}", default)

    def set_value(self, key: str, value: Any) -> None:
        """Remember a UI preference."""
        self.qsettings.setValue(f"ui/{key}", value)
