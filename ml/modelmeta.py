"""What a trained model records about itself, readable without unpickling it:
what it was trained on and with, and how well it did on held-out data."""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

import ml

Parameter = bool | int | float | str | None
# Bumped when the fields below change; an unknown format is not read.
META_FORMAT = 1


def library_versions() -> dict[str, str]:
    """The versions a pickled model depends on (Python as major.minor)."""
    # Imported here: a window that only shows a model's description (this
    # module) does not load scikit-learn.
    import joblib
    import numpy as np
    import scipy
    import sklearn

    return {
        "pushwise": ml.__version__,
        "python": ".".join(platform.python_version_tuple()[:2]),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def version_mismatch(saved: Mapping[str, str]) -> str | None:
    """The first library whose version differs from this installation's, in
    words, or None when every version matches."""
    for library, version in library_versions().items():
        theirs = saved.get(library)
        if theirs != version:
            made = f"{library} {theirs}" if theirs else f"no record of {library}"
            return f"{made}, and this Pushwise uses {library} {version}"
    return None


@dataclass(frozen=True, slots=True)
class ModelMeta:
    """A trained model's description, stored as JSON beside its signed bytes.

    level is an OfferingLevel value; parameters are the ranker's; versions map
    library to version at training; fingerprint identifies the project's
    imports; customers, offerings and purchases count the training data before
    as_of; validation holds figures on the held-out window [as_of - horizon,
    as_of) (e.g. "calibration_gap"); components names what the model holds
    ("ranker", "demand"); seconds is the training time; drivers are what
    drives the predictions, (plain-named driver, share of what the model
    learned), largest first (empty for a model saved before they were kept);
    note is a plain sentence on what the model is when it is not Pushwise's
    own (a simple rule for a history too thin for it; empty otherwise).
    """

    model_id: str
    created_at: datetime
    as_of: pd.Timestamp
    horizon_days: int
    level: str
    parameters: Mapping[str, Parameter]
    versions: Mapping[str, str]
    fingerprint: str
    customers: int
    offerings: int
    purchases: int
    validation: Mapping[str, float]
    components: tuple[str, ...]
    seconds: float
    drivers: tuple[tuple[str, float], ...] = ()
    note: str = ""

    def to_json(self) -> str:
        """The description as JSON text (the form that is stored and signed)."""
        return json.dumps(
            {
                "format": META_FORMAT,
                "model_id": self.model_id,
                "created_at": self.created_at.isoformat(),
                "as_of": self.as_of.isoformat(),
                "horizon_days": self.horizon_days,
                "level": self.level,
                "parameters": dict(self.parameters),
                "versions": dict(self.versions),
                "fingerprint": self.fingerprint,
                "customers": self.customers,
                "offerings": self.offerings,
                "purchases": self.purchases,
                "validation": dict(self.validation),
                "components": list(self.components),
                "seconds": self.seconds,
                "drivers": [list(pair) for pair in self.drivers],
                "note": self.note,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ModelMeta:
        """Read a description back; ValueError if it is not one this code wrote."""
        try:
            raw = json.loads(text)
            if raw["format"] != META_FORMAT:
                raise ValueError(f"unknown description format {raw['format']!r}")
            return cls(
                model_id=str(raw["model_id"]),
                created_at=datetime.fromisoformat(raw["created_at"]),
                as_of=pd.Timestamp(raw["as_of"]),
                horizon_days=int(raw["horizon_days"]),
                level=str(raw["level"]),
                parameters=_mapping(raw["parameters"], _parameter),
                versions=_mapping(raw["versions"], str),
                fingerprint=str(raw["fingerprint"]),
                customers=int(raw["customers"]),
                offerings=int(raw["offerings"]),
                purchases=int(raw["purchases"]),
                validation=_mapping(raw["validation"], float),
                components=tuple(str(name) for name in raw["components"]),
                seconds=float(raw["seconds"]),
                drivers=tuple(
                    (str(name), float(share)) for name, share in raw.get("drivers", ())
                ),
                note=str(raw.get("note", "")),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a model description ({exc!r})") from exc


def _mapping(value: Any, convert: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, found {value!r}")
    return {str(key): convert(item) for key, item in value.items()}


def _parameter(value: Any) -> Parameter:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise ValueError(f"not a plain parameter value: {value!r}")
