"""The push plan's table as the window shows it (TABLE_COLUMNS, made by
ml.workflows.plan.plan_table) and as a CRM re-imports it: light to import
(pandas only), so the window can show a plan without the engine."""

from __future__ import annotations

import pandas as pd

from ml.columns import Columns

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
