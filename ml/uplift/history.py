"""What an uplift model knows of a customer at a date: their history of
purchases before it (how recent, how often, how much, how varied) and their
segment and country, from the project."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from ml.columns import Columns

C = Columns
_IDS = "uplift_customer_ids"


def customer_features(
    con: duckdb.DuckDBPyConnection, as_of: pd.Timestamp, customers: Sequence[str]
) -> pd.DataFrame:
    """One row per customer (index customer_id, in the order given): days
    since the last and the first purchase, purchase days, lines, offerings,
    spend before `as_of`, and segment and country (empty when unknown)."""
    ids = pd.DataFrame({C.CUSTOMER: pd.Series(list(customers), dtype=object)})
    cursor = con.cursor()
    try:
        cursor.register(_IDS, ids)
        when = as_of.to_pydatetime()
        frame = cursor.execute(
            f"""WITH history AS (
                    SELECT customer_id,
                           date_diff('day', max(ordered_at), ?) AS days_since_last,
                           date_diff('day', min(ordered_at), ?) AS days_since_first,
                           count(DISTINCT ordered_at::DATE) AS purchase_days,
                           count(*) AS lines,
                           count(DISTINCT offering_id) AS offerings,
                           coalesce(sum(amount), 0) AS spend
                    FROM orders
                    WHERE ordered_at < ? AND customer_id IN (
                        SELECT {C.CUSTOMER} FROM {_IDS})
                    GROUP BY customer_id)
                SELECT i.{C.CUSTOMER}, h.days_since_last, h.days_since_first,
                       coalesce(h.purchase_days, 0) AS purchase_days,
                       coalesce(h.lines, 0) AS lines,
                       coalesce(h.offerings, 0) AS offerings,
                       coalesce(h.spend, 0) AS spend,
                       coalesce(c.segment, '') AS segment,
                       coalesce(c.country, '') AS country
                FROM {_IDS} i
                LEFT JOIN history h USING ({C.CUSTOMER})
                LEFT JOIN customers c USING ({C.CUSTOMER})""",
            [when, when, when],
        ).df()
    finally:
        cursor.close()
    frame = frame.set_index(C.CUSTOMER).reindex(ids[C.CUSTOMER])
    numbers = ["days_since_last", "days_since_first", "spend"]
    frame[numbers] = frame[numbers].astype(float)
    return frame
