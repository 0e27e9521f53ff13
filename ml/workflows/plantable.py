"""The push plan as the GUI's table and as a CRM re-imports it: light to
import (pandas only), so the window can show a plan without the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ml.columns import Columns

if TYPE_CHECKING:
    from ml.plan import PushPlan
    from ml.workflows.plan import ScoredCandidates

C = Columns
TABLE_COLUMNS = [
    C.CUSTOMER,
    "offering_name",
    "probability",
    "expected_revenue",
    "reason",
    "rank",
    C.OFFERING,
    C.SEGMENT,
    C.COUNTRY,
    C.CATEGORY,
    "bought_before",
]


def plan_table(plan: PushPlan, scored: ScoredCandidates) -> pd.DataFrame:
    """The plan's rows with offering name, segment, country, category and
    whether the customer bought the offering before (TABLE_COLUMNS)."""
    rows = plan.rows
    out = rows[[C.CUSTOMER, C.OFFERING, "rank", "probability"]].copy()
    out["expected_revenue"] = rows["expected_revenue"]
    out["reason"] = rows["reason"]
    offering = out[C.OFFERING]
    names = scored.names
    named = (
        offering.map(names) if names is not None else pd.Series(pd.NA, index=out.index)
    )
    out["offering_name"] = named.astype(object).where(named.notna(), offering)
    facts = scored.customers
    for column in (C.SEGMENT, C.COUNTRY):
        out[column] = out[C.CUSTOMER].map(facts[column]) if len(facts) else None
    categories = scored.categories
    out[C.CATEGORY] = offering.map(categories) if categories is not None else None
    seen = scored.features.set_index([C.CUSTOMER, C.OFFERING])["days_since_last"]
    since = seen.reindex(pd.MultiIndex.from_frame(out[[C.CUSTOMER, C.OFFERING]]))
    out["bought_before"] = since.notna().to_numpy()
    table: pd.DataFrame = out[TABLE_COLUMNS]
    return table


def crm_frame(table: pd.DataFrame, id_columns: dict[str, str]) -> pd.DataFrame:
    """Rows of plan_table as a CRM re-imports them: the user's own id column
    names (ScoredCandidates.id_columns)."""
    frame = table[
        [
            C.CUSTOMER,
            C.OFFERING,
            "offering_name",
            "rank",
            "probability",
            "expected_revenue",
            "reason",
        ]
    ].copy()
    frame["probability"] = frame["probability"].round(4)
    frame["expected_revenue"] = frame["expected_revenue"].round(2)
    return frame.rename(
        columns={
            C.CUSTOMER: id_columns.get(C.CUSTOMER, C.CUSTOMER),
            C.OFFERING: id_columns.get(C.OFFERING, C.OFFERING),
        }
    )
