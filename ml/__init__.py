"""Pushwise engine: import, store, models and push plans. Never imports Qt."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "pushwise"
_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version() -> str:
    """The version in pyproject.toml, the one place it is written.

    A source checkout reads the file itself, so an editable install whose
    metadata predates a version bump still tells the truth; a wheel or the
    desktop bundle read the installed distribution's metadata.
    """
    try:
        project = tomllib.loads(_PYPROJECT.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        project = {}
    if project.get("name") == DISTRIBUTION:
        return str(project["version"])
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
