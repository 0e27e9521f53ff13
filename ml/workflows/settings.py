"""What a user chooses for training and checking a model: plain data, light
to import (the window builds them before any engine module is loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ml.dataset import Interactions, OfferingLevel

# Train's progress (train_and_check) once the model is saved and the check on
# past weeks starts: a Cancel from then on keeps the saved model.
CHECK_STARTS = 0.32
# What a forecast is given per (pushwise forecast --period).
PERIODS = ("horizon", "week")
# Earlier dates the demo checks its model at.
DEMO_FOLDS = 3


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """What to train: as of `as_of` (None: the day after the last order), for
    `horizon_days`, by offering or category; `ranker_options` are the
    TwoStageRanker parameters that differ from its defaults."""

    as_of: pd.Timestamp | date | None = None
    horizon_days: int = 28
    level: OfferingLevel = OfferingLevel.OFFERING
    ranker_options: Mapping[str, Any] = field(default_factory=dict)

    def as_of_for(self, data: Interactions) -> pd.Timestamp:
        """The as-of date these settings mean for this data."""
        if self.as_of is None:
            return data.default_as_of()
        return pd.Timestamp(self.as_of)


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """How a model is checked: at `folds` earlier dates, on lists of `k`."""

    folds: int = 3
    k: int = 10
