"""A campaign as the project stores it: what was pushed, from when, for how long."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

FROM_PLAN = "plan"  # frozen from a push plan made by Pushwise
FROM_CONTACTS = "contacts"  # a CRM's contact history, imported
PUSH_COLUMNS = (
    "customer_id",
    "offering_id",
    "rank",
    "probability",
    "expected_revenue",
    "reason",
    "control",
)


@dataclass(frozen=True, slots=True)
class Campaign:
    """One campaign; its pushes are in the project (`campaign_pushes`)."""

    campaign_id: int
    name: str
    created_at: datetime
    starts_at: pd.Timestamp  # the plan's as-of date: uptake counts from here
    horizon_days: int
    source: str  # FROM_PLAN, or contacts imported from a CRM
    model_id: str | None
    control_share: float | None  # share of customers held out; None: no control
    seed: int | None  # of the control group's draw
    # The push rules and the offerings chosen ([]: all of the plan's).
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ends_at(self) -> pd.Timestamp:
        """The end of the horizon (exclusive): purchases before it count."""
        return self.starts_at + pd.Timedelta(days=self.horizon_days)
