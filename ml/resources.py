"""Where the files that travel with Pushwise are: the bundled sample data,
icons and stylesheets (the `resources/` folder beside `ml/` and `app/`)."""

from __future__ import annotations

from pathlib import Path

from ml.errors import ProjectError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SAMPLE_ORDERS = ("sample", "online_retail_sample.csv.gz")


def resource(*parts: str) -> Path:
    """The path of a bundled resource; a plain error when it is missing."""
    path = RESOURCES.joinpath(*parts)
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
