"""How staged rows of each kind are written into the project's tables."""

from __future__ import annotations

from ml.columns import Columns, Kind
from ml.importing.staging import OTHER_COLUMNS
from ml.parsing.flags import return_status_sql
from ml.sqltext import quote_literal

C = Columns

# Canonical values that identify a line: the same values arriving again in a
# later, overlapping export are the same line.
IDENTITY: dict[Kind, tuple[str, ...]] = {
    Kind.ORDERS: (
        C.ORDER,
        C.CUSTOMER,
        C.OFFERING,
        C.ORDERED_AT,
        C.QUANTITY,
        C.UNIT_PRICE,
        C.AMOUNT,
        C.OFFERING_NAME,
        C.CATEGORY,
        C.CHANNEL,
        C.COUNTRY,
        C.STATUS,
    ),
    Kind.FEEDBACK: (
        C.CUSTOMER,
        C.ORDER,
        C.OFFERING,
        C.SUBMITTED_AT,
        C.RATING + "__raw",
        C.TITLE,
        C.COMMENT,
        C.FEEDBACK_KIND,
    ),
    Kind.CONTACTS: (
        C.CUSTOMER,
        C.CONTACTED_AT,
        C.OFFERING,
        C.CAMPAIGN,
        C.CHANNEL,
        C.CONTROL,
    ),
}


def line_hash_sql(kind: Kind) -> str:
    """md5 (stable across DuckDB versions) of a line's canonical values and the
    text of its unmapped columns: lines that differ only in a column Pushwise
    does not use (Olist's order_item_id: the same product twice in one order)
    are different lines, not duplicates."""
    columns = (*IDENTITY[kind], OTHER_COLUMNS)
    parts = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in columns)
    return f"md5_number(concat_ws(chr(31), {parts}))"


def return_reason_sql(cancellation_prefix: str | None, has_status: bool) -> str:
    """Why an order line is a return, NULL for a purchase."""
    whens = []
    if cancellation_prefix:
        pattern = quote_literal(cancellation_prefix + "%")
        whens.append(f"WHEN {C.ORDER} LIKE {pattern} THEN 'cancelled_invoice'")
    if has_status:
        whens.append(f"WHEN {return_status_sql(C.STATUS)} THEN 'returned_status'")
    whens.append(f"WHEN {C.QUANTITY} < 0 THEN 'negative_quantity'")
    return f"CASE {' '.join(whens)} END"


# A line's stored amount and unit price: each derived from the other when the
# file gives only one (rules.py holds the derived values to the money limit).
LINE_AMOUNT = f"coalesce({C.AMOUNT}, {C.QUANTITY} * {C.UNIT_PRICE})"
LINE_UNIT_PRICE = f"coalesce({C.UNIT_PRICE}, {C.AMOUNT} / nullif({C.QUANTITY}, 0))"
_ORDER_DETAIL = (
    f"{C.OFFERING_NAME}, {C.CATEGORY}, {{date}}, {{quantity}}, {{unit_price}}, "
    f"{{amount}}, {C.CHANNEL}, {C.COUNTRY}, {C.STATUS}"
)


def insert_purchases_sql(source: str) -> str:
    """Insert the purchase lines of `source` into orders."""
    detail = _ORDER_DETAIL.format(
        date=C.ORDERED_AT,
        quantity=C.QUANTITY,
        unit_price=LINE_UNIT_PRICE,
        amount=LINE_AMOUNT,
    )
    return f"""
        INSERT INTO orders BY POSITION
        SELECT import_id, line, line_hash, {C.ORDER}, {C.CUSTOMER}, {C.OFFERING},
               {detail}
        FROM {source} WHERE return_reason IS NULL"""


def insert_returns_sql(source: str) -> str:
    """Insert the return lines of `source`, each linked to the latest earlier
    purchase of the same offering by the same customer.

    Of several purchase lines at the same moment (one invoice listing a product
    twice) the last one, by import and line, is the link: an ASOF join picks
    any of equal timestamps, so they are reduced to one first, or two imports
    of the same file would link some returns differently.
    """
    detail = _ORDER_DETAIL.format(
        date=f"r.{C.ORDERED_AT}",
        quantity=f"abs(r.{C.QUANTITY})",
        unit_price=f"abs({LINE_UNIT_PRICE})",
        amount=f"abs({LINE_AMOUNT})",
    )
    return f"""
        INSERT INTO returns BY POSITION
        SELECT r.import_id, r.line, r.line_hash, r.{C.ORDER}, r.{C.CUSTOMER},
               r.{C.OFFERING}, {detail}, r.return_reason,
               p.import_id, p.line
        FROM (SELECT * FROM {source} WHERE return_reason IS NOT NULL) r
        ASOF LEFT JOIN (SELECT import_id, line, customer_id, offering_id, ordered_at
                        FROM orders WHERE customer_id IN (
                            SELECT {C.CUSTOMER} FROM {source}
                            WHERE return_reason IS NOT NULL)
                        QUALIFY row_number() OVER (
                            PARTITION BY customer_id, offering_id, ordered_at
                            ORDER BY import_id DESC, line DESC) = 1) p
          ON r.{C.CUSTOMER} = p.customer_id AND r.{C.OFFERING} = p.offering_id
         AND r.{C.ORDERED_AT} >= p.ordered_at
        ORDER BY r.line"""


def insert_feedback_sql(source: str, scale: str | None) -> str:
    """Insert feedback rows of `source`."""
    scale_text = quote_literal(scale) if scale else "NULL"
    return f"""
        INSERT INTO feedback BY POSITION
        SELECT import_id, line, line_hash, {C.CUSTOMER}, {C.ORDER}, {C.OFFERING},
               {C.SUBMITTED_AT}, {C.RATING}, {C.RATING}__raw,
               CASE WHEN {C.RATING} IS NULL THEN NULL ELSE {scale_text} END,
               {C.TITLE}, {C.COMMENT}, {C.FEEDBACK_KIND}
        FROM {source}"""


# Offerings and customers are reference tables: a later import updates the
# values it has and keeps those it lacks.
ENTITY_KEYS: dict[Kind, tuple[str, str, tuple[str, ...]]] = {
    Kind.OFFERINGS: (
        "offerings",
        C.OFFERING,
        (C.NAME, C.CATEGORY, C.PRICE, C.ACTIVE, C.LAUNCHED_AT, C.MARGIN),
    ),
    Kind.CUSTOMERS: (
        "customers",
        C.CUSTOMER,
        (C.SEGMENT, C.REGION, C.COUNTRY, C.OPTED_OUT),
    ),
}


def upsert_entities_sql(kind: Kind, source: str) -> str:
    """Insert or update offerings/customers from `source` (one row per id)."""
    table, key, columns = ENTITY_KEYS[kind]
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = coalesce(excluded.{c}, {table}.{c})" for c in columns)
    return f"""
        INSERT INTO {table} ({key}, import_id, line, {names})
        SELECT {key}, import_id, line, {names} FROM {source} ORDER BY line
        ON CONFLICT ({key}) DO UPDATE SET import_id = excluded.import_id,
            line = excluded.line, {updates}"""
