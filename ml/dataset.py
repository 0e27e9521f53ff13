"""The project's data as the models see it: purchases, returns and feedback
as DataFrames, at the offering level the user plans at."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from ml.columns import Columns
from ml.errors import InputDataError, ProjectError
from ml.store.project import Project

C = Columns
RETURNED_AT = "returned_at"


def _frame(project: Project, sql: str) -> pd.DataFrame:
    """A query's rows through Arrow: no Python object per value, so the
    conversion is several times faster than DuckDB's .df() and a window
    waiting for this thread does not wait long."""
    project.con.complete()  # DuckDB runs no new query while a result is unread
    table = project.con.sql(sql).to_arrow_table()
    frame: pd.DataFrame = table.to_pandas(date_as_object=False)
    return frame


class OfferingLevel(StrEnum):
    """What counts as one offering: the product, or its category."""

    OFFERING = "offering"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class Interactions:
    """Everything the models learn from, one DataFrame per kind of event.

    purchases: customer_id (None for anonymous demand), offering_id, ordered_at,
        quantity, amount, order_id, country — one row per purchase line.
    returns: customer_id, offering_id, returned_at, quantity, amount, reason.
    feedback: customer_id, offering_id, submitted_at, rating (0..1 or NaN),
        comment, kind, title, rating_source ("given" where the file gave a
        rating, "from comment" where ml.features.comments.rate_comments read
        one from the words, else missing) — order-level feedback already
        spread to its offerings.
    """

    purchases: pd.DataFrame
    returns: pd.DataFrame
    feedback: pd.DataFrame

    @classmethod
    def from_purchases(cls, purchases: pd.DataFrame) -> Interactions:
        """Purchases alone: no returns and no feedback."""
        returns = pd.DataFrame(
            {
                C.CUSTOMER: pd.Series(dtype=object),
                C.OFFERING: pd.Series(dtype=object),
                RETURNED_AT: pd.Series(dtype="datetime64[us]"),
                C.QUANTITY: pd.Series(dtype="float64"),
                C.AMOUNT: pd.Series(dtype="float64"),
                "reason": pd.Series(dtype=object),
            }
        )
        feedback = pd.DataFrame(
            {
                C.CUSTOMER: pd.Series(dtype=object),
                C.OFFERING: pd.Series(dtype=object),
                C.SUBMITTED_AT: pd.Series(dtype="datetime64[us]"),
                C.RATING: pd.Series(dtype="float64"),
                C.COMMENT: pd.Series(dtype=object),
                "kind": pd.Series(dtype=object),
            }
        )
        return cls(purchases, returns, feedback)

    def before(self, as_of: pd.Timestamp) -> Interactions:
        """The purchases, returns and feedback strictly before as_of: all that
        a model, a rule or a report as of that date may see."""
        return Interactions(
            purchases=purchases_before(self.purchases, as_of),
            returns=_rows_before(self.returns, RETURNED_AT, as_of),
            feedback=_rows_before(self.feedback, C.SUBMITTED_AT, as_of),
        )

    def without_offerings(self, offerings: Collection[str]) -> Interactions:
        """The same data without any event about the given offerings (charges
        such as postage, which are no demand)."""
        if not offerings:
            return self
        ids = list(offerings)
        return Interactions(
            purchases=_without(self.purchases, ids),
            returns=_without(self.returns, ids),
            feedback=_without(self.feedback, ids),
        )

    def default_as_of(self) -> pd.Timestamp:
        """The day after the last order (DESIGN.md's default as-of date)."""
        if self.purchases.empty:
            raise InputDataError(
                "there are no purchases to learn from.",
                hint="Import order history first.",
            )
        last = pd.Timestamp(self.purchases[C.ORDERED_AT].max())
        return last.normalize() + pd.Timedelta(days=1)


def purchases_before(purchases: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The purchase rows strictly before as_of (all a model may learn from)."""
    return _rows_before(purchases, C.ORDERED_AT, as_of)


def _rows_before(frame: pd.DataFrame, column: str, as_of: pd.Timestamp) -> pd.DataFrame:
    if column not in frame.columns:
        raise ValueError(f"the rows lack the column {column!r}")
    before = frame[column] < pd.Timestamp(as_of)
    # The usual as-of is after the last event: then nothing is cut, and a copy
    # of a large history would only double its memory.
    return frame if before.all() else frame.loc[before]


def _without(frame: pd.DataFrame, offerings: list[str]) -> pd.DataFrame:
    return frame.loc[~frame[C.OFFERING].isin(offerings)].reset_index(drop=True)


def _offering(level: OfferingLevel) -> str:
    if level is OfferingLevel.CATEGORY:
        return f"coalesce({C.CATEGORY}, '(no category)')"
    return C.OFFERING


def load_interactions(
    project: Project, *, level: OfferingLevel = OfferingLevel.OFFERING
) -> Interactions:
    """Read purchases, returns and feedback from a project."""
    con = project.con
    offering = _offering(level)
    if level is OfferingLevel.CATEGORY:
        known = con.execute(
            "SELECT count(*) FROM orders WHERE category IS NOT NULL"
        ).fetchone()
        if not known or not known[0]:
            raise ProjectError(
                "the orders have no category, so offerings cannot be planned by "
                "category.",
                file=str(project.path),
                hint="Map a category column when importing, or plan by offering.",
            )
    purchases = _frame(
        project,
        f"""
        SELECT {C.CUSTOMER}, {offering} AS {C.OFFERING}, {C.ORDERED_AT},
               {C.QUANTITY}, {C.AMOUNT}, {C.ORDER}, {C.COUNTRY}
        FROM orders ORDER BY {C.ORDERED_AT}, import_id, line""",
    )
    returns = _frame(
        project,
        f"""
        SELECT {C.CUSTOMER}, {offering} AS {C.OFFERING}, returned_at,
               {C.QUANTITY}, {C.AMOUNT}, return_reason AS reason
        FROM returns ORDER BY returned_at, import_id, line""",
    )
    feedback_offering = (
        "coalesce(o.category, '(no category)')"
        if level is OfferingLevel.CATEGORY
        else f"f.{C.OFFERING}"
    )
    feedback = _frame(
        project,
        f"""
        SELECT f.{C.CUSTOMER}, {feedback_offering} AS {C.OFFERING},
               f.{C.SUBMITTED_AT}, f.{C.RATING}, f.{C.COMMENT}, f.kind,
               f.{C.TITLE},
               CASE WHEN f.{C.RATING} IS NOT NULL THEN 'given' END AS rating_source
        FROM offering_feedback f
        LEFT JOIN (SELECT offering_id, any_value(category) AS category
                   FROM orders GROUP BY offering_id) o
          ON f.offering_id = o.offering_id
        ORDER BY f.{C.SUBMITTED_AT}""",
    )
    return Interactions(purchases, returns, feedback)


def load_customers(project: Project) -> pd.DataFrame:
    """Read the imported customers: customer_id, segment, region, country,
    opted_out (empty when no customers file was imported)."""
    return _frame(
        project,
        f"""
        SELECT {C.CUSTOMER}, {C.SEGMENT}, {C.REGION}, {C.COUNTRY}, {C.OPTED_OUT}
        FROM customers ORDER BY {C.CUSTOMER}""",
    )


def load_catalogue(project: Project) -> pd.DataFrame:
    """Read every offering the project knows, sold or only listed: offering_id,
    category, price, active.

    The imported offerings table wins; otherwise the category most of the
    offering's order lines name (as ml.features.load_categories) and its
    median unit price on them. A listed offering without an active flag is
    active.
    """
    return _frame(
        project,
        f"""
        WITH counted AS (
            SELECT {C.OFFERING}, {C.CATEGORY}, count(*) AS lines FROM orders
            WHERE {C.CATEGORY} IS NOT NULL GROUP BY ALL),
        named AS (
            SELECT {C.OFFERING},
                   first({C.CATEGORY} ORDER BY lines DESC, {C.CATEGORY})
                       AS {C.CATEGORY}
            FROM counted GROUP BY ALL),
        priced AS (
            SELECT {C.OFFERING},
                   median(coalesce({C.UNIT_PRICE}, {C.AMOUNT} / {C.QUANTITY}))
                       FILTER (WHERE {C.QUANTITY} > 0) AS {C.PRICE}
            FROM orders GROUP BY ALL),
        sold AS (SELECT * FROM priced LEFT JOIN named USING ({C.OFFERING}))
        SELECT {C.OFFERING},
               coalesce(listed.{C.CATEGORY}, sold.{C.CATEGORY}) AS {C.CATEGORY},
               coalesce(listed.{C.PRICE}, sold.{C.PRICE}) AS {C.PRICE},
               coalesce(listed.{C.ACTIVE}, true) AS {C.ACTIVE}
        FROM offerings listed FULL OUTER JOIN sold USING ({C.OFFERING})
        ORDER BY {C.OFFERING}""",
    )
