"""The numbers behind the Data page: summary cards, weekly activity, table views.

Everything here reads a project's connection (any cursor of it) and returns
plain values or tidy frames; the GUI only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from ml.sqltext import quote_ident
from ml.store.info import REVENUE_SQL

__all__ = [
    "TABLE_VIEWS",
    "DataOverview",
    "collect_overview",
    "filled_columns",
    "table_view",
    "weekly_activity",
]


@dataclass(frozen=True, slots=True)
class DataOverview:
    """What the Data page's summary cards show."""

    customers: int  # distinct customers with at least one order line
    offerings: int  # distinct offerings ordered
    orders: int  # distinct order ids; order lines when the file had no order ids
    order_lines: int
    revenue: float | None  # None when no order line has an amount
    first_order: datetime | None
    last_order: datetime | None
    feedback: int  # feedback entries
    rated_feedback: int  # entries with a rating
    average_rating: float | None  # mean normalised rating in [0, 1]
    returns: int  # returned lines
    returns_rate: float | None  # returned lines per purchase line

    @property
    def average_rating_out_of_5(self) -> float | None:
        """The average rating shown on a 1-5 star scale (0 -> 1 star, 1 -> 5)."""
        if self.average_rating is None:
            return None
        return 1.0 + 4.0 * self.average_rating


def collect_overview(con: duckdb.DuckDBPyConnection) -> DataOverview:
    """Count what the Data page's cards show (one scan of each table)."""
    orders = con.execute(
        f"""
        SELECT count(DISTINCT customer_id),
               count(DISTINCT offering_id),
               count(DISTINCT order_id),
               count(*) FILTER (WHERE order_id IS NULL),
               count(*),
               {REVENUE_SQL},
               min(ordered_at),
               max(ordered_at)
        FROM orders"""
    ).fetchone()
    others = con.execute(
        """
        SELECT (SELECT count(*) FROM feedback),
               (SELECT count(rating) FROM feedback),
               (SELECT avg(rating) FROM feedback),
               (SELECT count(*) FROM returns)"""
    ).fetchone()
    assert orders is not None and others is not None  # aggregates yield one row
    customers, offerings, order_ids, lines_without_id, lines = orders[:5]
    revenue, first, last = orders[5:]
    feedback, rated, average, returns = others
    return DataOverview(
        customers=int(customers),
        offerings=int(offerings),
        orders=int(order_ids) + int(lines_without_id),
        order_lines=int(lines),
        revenue=None if revenue is None else float(revenue),
        first_order=first,
        last_order=last,
        feedback=int(feedback),
        rated_feedback=int(rated),
        average_rating=None if average is None else float(average),
        returns=int(returns),
        returns_rate=int(returns) / int(lines) if lines else None,
    )


def weekly_activity(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Orders, revenue and customers per week (Monday start), gaps filled with 0.

    Columns: week_start (datetime64), orders, order_lines, revenue, customers.
    An order without an order id counts as one order per line.
    """
    frame = con.execute(
        """
        WITH weekly AS (
            SELECT date_trunc('week', ordered_at) AS week_start,
                   count(DISTINCT order_id) + count(*) FILTER (WHERE order_id IS NULL)
                       AS orders,
                   count(*) AS order_lines,
                   coalesce(sum(amount), 0) AS revenue,
                   count(DISTINCT customer_id) AS customers
            FROM orders
            GROUP BY 1
        ),
        weeks AS (
            SELECT unnest(generate_series(min(week_start), max(week_start),
                                          INTERVAL 7 DAY)) AS week_start
            FROM weekly
        )
        SELECT CAST(weeks.week_start AS TIMESTAMP) AS week_start,
               coalesce(orders, 0) AS orders,
               coalesce(order_lines, 0) AS order_lines,
               coalesce(revenue, 0.0) AS revenue,
               coalesce(customers, 0) AS customers
        FROM weeks LEFT JOIN weekly USING (week_start)
        ORDER BY week_start"""
    ).df()
    for column in ("orders", "order_lines", "customers"):
        frame[column] = frame[column].astype("int64")
    frame["revenue"] = frame["revenue"].astype("float64")
    return frame


# Per table shown on the Data page: the SQL of its rows. The orders and feedback
# tables are shown as stored; offerings and customers are derived from the
# orders and completed by the imported offerings/customers tables when present.
TABLE_VIEWS: dict[str, str] = {
    "orders": """
        SELECT order_id, ordered_at, customer_id, offering_id, offering_name,
               category, quantity, unit_price, amount, country, channel, status,
               import_id, line
        FROM orders""",
    "feedback": """
        SELECT submitted_at, customer_id, order_id, offering_id, rating_original,
               rating, rating_scale, kind, title, comment, import_id, line
        FROM feedback""",
    "offerings": """
        WITH sold AS (
            SELECT offering_id,
                   mode(offering_name) AS name,
                   mode(category) AS category,
                   count(*) AS order_lines,
                   count(DISTINCT customer_id) AS customers,
                   sum(quantity) AS units,
                   sum(amount) AS revenue,
                   min(ordered_at) AS first_sold,
                   max(ordered_at) AS last_sold
            FROM orders GROUP BY offering_id
        ),
        returned AS (
            SELECT offering_id, count(*) AS returns FROM returns GROUP BY offering_id
        )
        SELECT coalesce(s.offering_id, o.offering_id) AS offering_id,
               coalesce(o.name, s.name) AS name,
               coalesce(o.category, s.category) AS category,
               o.price, o.active, o.margin,
               coalesce(s.order_lines, 0) AS order_lines,
               coalesce(s.customers, 0) AS customers,
               s.units, s.revenue,
               coalesce(r.returns, 0) AS returns,
               s.first_sold, s.last_sold
        FROM sold s
        FULL JOIN offerings o USING (offering_id)
        LEFT JOIN returned r ON r.offering_id = coalesce(s.offering_id, o.offering_id)
        ORDER BY revenue DESC NULLS LAST, offering_id""",
    "customers": """
        WITH bought AS (
            SELECT customer_id,
                   mode(country) AS country,
                   count(DISTINCT order_id) + count(*) FILTER (WHERE order_id IS NULL)
                       AS orders,
                   count(*) AS order_lines,
                   count(DISTINCT offering_id) AS offerings,
                   sum(amount) AS revenue,
                   min(ordered_at) AS first_order,
                   max(ordered_at) AS last_order
            FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id
        ),
        rated AS (
            SELECT customer_id, count(*) AS feedback, avg(rating) AS average_rating
            FROM feedback WHERE customer_id IS NOT NULL GROUP BY customer_id
        )
        SELECT coalesce(b.customer_id, c.customer_id) AS customer_id,
               coalesce(c.country, b.country) AS country,
               c.segment, c.region, c.opted_out,
               coalesce(b.orders, 0) AS orders,
               coalesce(b.order_lines, 0) AS order_lines,
               coalesce(b.offerings, 0) AS offerings,
               b.revenue, b.first_order, b.last_order,
               coalesce(f.feedback, 0) AS feedback, f.average_rating
        FROM bought b
        FULL JOIN customers c USING (customer_id)
        LEFT JOIN rated f ON f.customer_id = coalesce(b.customer_id, c.customer_id)
        ORDER BY revenue DESC NULLS LAST, customer_id""",
}


def table_view(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """All rows of one of the Data page's tables (a key of TABLE_VIEWS)."""
    return con.execute(TABLE_VIEWS[name]).df()


def filled_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str]
) -> set[str]:
    """Which of a stored table's columns hold a value in any row (one scan)."""
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count({quote_ident(name)})" for name in columns)
        + f" FROM {quote_ident(table)}"
    ).fetchone()
    return {name for name, count in zip(columns, counts or (), strict=False) if count}
