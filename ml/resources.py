"""Where the files that travel with Pushwise are: the bundled sample data and
the icons.

One lookup serves the three ways Pushwise runs: from a source checkout (the
`resources/` folder beside `ml/` and `app/`), from an installed wheel (the
same files packaged inside `ml/` as `ml/_resources/`, see setup.py) and from
the desktop bundle PyInstaller builds (`resources/` in its data folder,
``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ml.errors import ProjectError

PACKAGE = Path(__file__).resolve().parent
SAMPLE_ORDERS = ("sample", "online_retail_sample.csv.gz")


def resources_dir() -> Path:
    """The folder holding the bundled resources in this installation."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    installed = PACKAGE / "_resources"
    if installed.is_dir():
        return installed
    return PACKAGE.parent / "resources"


def resource(*parts: str) -> Path:
    """The path of a bundled resource; a plain error when it is missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise ProjectError(
            "is missing from this installation of Pushwise.",
            file=str(path),
            hint="Reinstall Pushwise.",
        )
    return path


def sample_orders() -> Path:
    """The bundled sample of order history (UCI Online Retail, CC BY 4.0)."""
    return resource(*SAMPLE_ORDERS)
