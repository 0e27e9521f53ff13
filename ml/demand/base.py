"""What every demand forecaster offers, so backtests can treat them alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, Self

import pandas as pd

from ml.demand.series import WEEK_START

PREDICTED_BUYERS = "predicted_buyers"
PREDICTED_UNITS = "predicted_units"
LOWER = "lower"
UPPER = "upper"
FALLBACK = "fallback"

FORECAST_COLUMNS = ("offering_id", PREDICTED_BUYERS, PREDICTED_UNITS, LOWER, UPPER)
WEEKLY_COLUMNS = (
    "offering_id",
    WEEK_START,
    PREDICTED_BUYERS,
    PREDICTED_UNITS,
    LOWER,
    UPPER,
)


class DemandForecaster(Protocol):
    """Forecasts distinct buyers (and their units) per offering over a horizon.

    ``fit`` uses only purchases strictly before ``as_of``. ``predict`` returns
    one row per requested offering, in the order given, with the columns of
    FORECAST_COLUMNS; lower and upper bound the distinct buyers.
    ``predict_weekly`` returns one row per offering and week (WEEKLY_COLUMNS):
    weeks start at as_of, as_of + 7 days, ... (ceil(horizon_days / 7) weeks,
    the last one cut at the horizon's end), offering by offering.
    """

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Learn from the purchases before ``as_of``."""
        ...

    def predict(self, offerings: Sequence[str], horizon_days: int = 28) -> pd.DataFrame:
        """Forecast uptake of each offering in [as_of, as_of + horizon_days)."""
        ...

    def predict_weekly(
        self, offerings: Sequence[str], horizon_days: int = 28
    ) -> pd.DataFrame:
        """Forecast uptake of each offering in each week of the horizon."""
        ...
