"""What a project holds, in numbers: for the status bar, the Data panel and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from ml.store.importlog import ImportRecord

# The revenue as an exact decimal sum, so that rounding to cents is half-up on
# the written amounts and does not depend on the order of the rows. Amounts
# that no decimal holds (infinity, 1e308: imported by versions before the
# plausibility limits) make it unknown instead of failing every summary.
REVENUE_SQL = """CASE WHEN bool_or(NOT isfinite(amount) OR abs(amount) >= 1e20)
                      THEN NULL
                      ELSE round(sum(TRY_CAST(amount AS DECIMAL(38, 6))), 2) END"""


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """Row counts, customers, offerings, date range and revenue of a project."""

    path: str
    schema_version: int
    orders_rows: int  # purchase lines (returns are counted separately)
    customers: int  # distinct non-empty customer_id in orders
    offerings: int  # distinct offering_id in orders
    first_order: datetime | None  # None when there are no orders
    last_order: datetime | None
    revenue: float | None  # sum of orders.amount; None: no amounts, or one no
    # decimal holds (imported by a version before the plausibility limits)
    anonymous_rows: int  # order lines without a customer
    returns_rows: int
    feedback_rows: int
    offerings_table_rows: int
    customers_table_rows: int
    imports: tuple[ImportRecord, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready shape the CLI prints with --json."""
        return {
            "path": self.path,
            "schema_version": self.schema_version,
            "orders": {
                "rows": self.orders_rows,
                "customers": self.customers,
                "offerings": self.offerings,
                "first": _iso(self.first_order),
                "last": _iso(self.last_order),
                "revenue": self.revenue,
            },
            "anonymous_rows": self.anonymous_rows,
            "returns": {"rows": self.returns_rows},
            "feedback": {"rows": self.feedback_rows},
            "offerings_table": {"rows": self.offerings_table_rows},
            "customers_table": {"rows": self.customers_table_rows},
            "imports": [
                {
                    "import_id": record.import_id,
                    "file": record.file_name,
                    "kind": record.kind,
                    "imported_at": record.imported_at.isoformat(),
                    "rows_read": record.rows_read,
                    "rows_imported": record.rows_imported,
                    "rows_returns": record.rows_returns,
                    "rows_rejected": record.rows_rejected,
                    "reasons": dict(record.reasons),
                }
                for record in self.imports
            ],
        }

    def summary(self) -> str:
        """Return one line for a status bar: customers, offerings, lines, dates."""
        if self.orders_rows == 0:
            parts = ["No orders yet"]
            if self.feedback_rows:
                parts.append(
                    _count(self.feedback_rows, "feedback entry", "feedback entries")
                )
            return " · ".join(parts)
        parts = [
            _count(self.customers, "customer"),
            _count(self.offerings, "offering"),
            _count(self.orders_rows, "order line"),
        ]
        if self.first_order is not None and self.last_order is not None:
            parts.append(
                f"{self.first_order.date().isoformat()} to "
                f"{self.last_order.date().isoformat()}"
            )
        return " · ".join(parts)

    def to_text(self) -> str:
        """Return the readable description printed by `pushwise info`."""
        lines = [f"Project {self.path}", f"  {self.summary()}"]
        if self.orders_rows:
            revenue = "unknown" if self.revenue is None else f"{self.revenue:,.2f}"
            lines.append(
                f"  Revenue {revenue}; {self.anonymous_rows:,} order lines "
                "without a customer (anonymous demand)"
            )
        lines.append(
            f"  Returns {self.returns_rows:,} · feedback {self.feedback_rows:,} · "
            f"offerings table {self.offerings_table_rows:,} · "
            f"customers table {self.customers_table_rows:,}"
        )
        if self.imports:
            lines.append("  Imports:")
        for record in self.imports:
            lines.append(
                f"    #{record.import_id} {record.file_name} ({record.kind}, "
                f"{record.imported_at:%Y-%m-%d %H:%M}): read {record.rows_read:,}, "
                f"imported {record.rows_imported:,}, returns {record.rows_returns:,}, "
                f"rejected {record.rows_rejected:,}"
            )
        return "\n".join(lines)


def collect_info(
    con: duckdb.DuckDBPyConnection,
    *,
    path: str,
    schema_version: int,
    imports: tuple[ImportRecord, ...],
) -> ProjectInfo:
    """Count what the project's tables hold (one scan of orders)."""
    orders = con.execute(
        f"""
        SELECT count(*),
               count(DISTINCT customer_id),
               count(DISTINCT offering_id),
               min(ordered_at),
               max(ordered_at),
               {REVENUE_SQL},
               count(*) FILTER (WHERE customer_id IS NULL)
        FROM orders"""
    ).fetchone()
    counts = con.execute(
        """
        SELECT (SELECT count(*) FROM returns),
               (SELECT count(*) FROM feedback),
               (SELECT count(*) FROM offerings),
               (SELECT count(*) FROM customers)"""
    ).fetchone()
    assert orders is not None and counts is not None  # aggregates yield one row
    rows, customers, offerings, first, last, revenue, anonymous = orders
    return ProjectInfo(
        path=path,
        schema_version=schema_version,
        orders_rows=int(rows),
        customers=int(customers),
        offerings=int(offerings),
        first_order=first,
        last_order=last,
        revenue=None if revenue is None else float(revenue),
        anonymous_rows=int(anonymous),
        returns_rows=int(counts[0]),
        feedback_rows=int(counts[1]),
        offerings_table_rows=int(counts[2]),
        customers_table_rows=int(counts[3]),
        imports=imports,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _count(number: int, singular: str, plural: str | None = None) -> str:
    noun = singular if number == 1 else (plural or f"{singular}s")
    return f"{number:,} {noun}"
