"""What the Data page shows: column labels and formats, and reading it all."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from app.tables import money, percent
from ml.store.importlog import ImportRecord, imports, rejects
from ml.store.overview import (
    DataOverview,
    collect_overview,
    filled_columns,
    table_view,
    weekly_activity,
)

LABELS = {
    "order_id": "Order",
    "ordered_at": "Ordered on",
    "customer_id": "Customer",
    "offering_id": "Offering",
    "offering_name": "Offering name",
    "name": "Name",
    "category": "Category",
    "quantity": "Quantity",
    "unit_price": "Unit price",
    "amount": "Amount",
    "country": "Country",
    "channel": "Channel",
    "status": "Status",
    "import_id": "Import",
    "line": "File line",
    "submitted_at": "Given on",
    "rating_original": "Rating",
    "rating": "Rating (0–1)",
    "rating_scale": "Rating scale",
    "kind": "Kind",
    "title": "Title",
    "comment": "Comment",
    "price": "Price",
    "active": "Active",
    "margin": "Margin",
    "order_lines": "Order lines",
    "customers": "Customers",
    "units": "Units",
    "revenue": "Revenue",
    "returns": "Returns",
    "first_sold": "First sold",
    "last_sold": "Last sold",
    "segment": "Segment",
    "region": "Region",
    "opted_out": "Opted out",
    "orders": "Orders",
    "offerings": "Offerings",
    "first_order": "First order",
    "last_order": "Last order",
    "feedback": "Feedback",
    "average_rating": "Average rating",
}
FORMATS = {
    "amount": money,
    "unit_price": money,
    "price": money,
    "revenue": money,
    "rating": percent,
    "average_rating": percent,
    "margin": percent,
}
TOOLTIPS = {
    "rating": "The rating on a common scale: 0% is the worst, 100% the best.",
    "average_rating": "Average rating on a common scale: 0% worst, 100% best.",
    "import_id": "Which import the row came from (see the Imports tab).",
    "line": "The row's line number in the imported file.",
    "returns": "Order lines of this offering that were returned or cancelled.",
}
# Columns shown in the stored tables (hidden at first: bookkeeping columns).
STORED_COLUMNS = {
    "orders": [
        "order_id",
        "ordered_at",
        "customer_id",
        "offering_id",
        "offering_name",
        "category",
        "quantity",
        "unit_price",
        "amount",
        "country",
        "channel",
        "status",
        "import_id",
        "line",
    ],
    "feedback": [
        "submitted_at",
        "customer_id",
        "order_id",
        "offering_id",
        "rating_original",
        "rating",
        "rating_scale",
        "kind",
        "title",
        "comment",
        "import_id",
        "line",
    ],
}
HIDDEN_AT_FIRST = {"import_id", "line", "rating_scale"}


@dataclass(frozen=True, slots=True)
class DataPageContent:
    """Everything the page shows, read in one background job."""

    overview: DataOverview
    weekly: pd.DataFrame
    offerings: pd.DataFrame
    customers: pd.DataFrame
    imports: list[ImportRecord]
    rejects: dict[int, pd.DataFrame]  # the latest import's rejected rows
    filled: dict[str, set[str]]  # per stored table: columns with any value


def read_content(con: duckdb.DuckDBPyConnection) -> DataPageContent:
    """Read what the Data page shows from a project connection (any thread)."""
    records = imports(con)
    latest = max((record.import_id for record in records), default=None)
    return DataPageContent(
        overview=collect_overview(con),
        weekly=weekly_activity(con),
        offerings=table_view(con, "offerings"),
        customers=table_view(con, "customers"),
        imports=records,
        rejects={} if latest is None else {latest: rejects(con, latest)},
        filled={
            table: filled_columns(con, table, columns)
            for table, columns in STORED_COLUMNS.items()
        },
    )
