"""Canonical table and column names: the one vocabulary every module shares."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a file holds; decides the canonical table it is imported into."""

    ORDERS = "orders"
    FEEDBACK = "feedback"
    OFFERINGS = "offerings"
    CUSTOMERS = "customers"
    CONTACTS = "contacts"  # who was contacted with what, when: campaigns


class Columns:
    """Canonical column names (the importer maps the user's headers onto these)."""

    CUSTOMER = "customer_id"
    OFFERING = "offering_id"
    ORDER = "order_id"
    ORDERED_AT = "ordered_at"
    QUANTITY = "quantity"
    AMOUNT = "amount"
    UNIT_PRICE = "unit_price"
    OFFERING_NAME = "offering_name"
    CATEGORY = "category"
    CHANNEL = "channel"
    COUNTRY = "country"
    STATUS = "status"

    SUBMITTED_AT = "submitted_at"
    RATING = "rating"
    COMMENT = "comment"
    TITLE = "title"
    FEEDBACK_KIND = "kind"

    NAME = "name"
    PRICE = "price"
    ACTIVE = "active"
    LAUNCHED_AT = "launched_at"
    MARGIN = "margin"

    SEGMENT = "segment"
    REGION = "region"
    OPTED_OUT = "opted_out"

    CONTACTED_AT = "contacted_at"
    CAMPAIGN = "campaign"
    CONTROL = "control"


# Columns a file of each kind may map, in the order the GUI shows them.
CANONICAL: dict[Kind, tuple[str, ...]] = {
    Kind.ORDERS: (
        Columns.CUSTOMER,
        Columns.OFFERING,
        Columns.ORDERED_AT,
        Columns.QUANTITY,
        Columns.AMOUNT,
        Columns.UNIT_PRICE,
        Columns.ORDER,
        Columns.OFFERING_NAME,
        Columns.CATEGORY,
        Columns.CHANNEL,
        Columns.COUNTRY,
        Columns.STATUS,
    ),
    Kind.FEEDBACK: (
        Columns.CUSTOMER,
        Columns.SUBMITTED_AT,
        Columns.RATING,
        Columns.COMMENT,
        Columns.TITLE,
        Columns.OFFERING,
        Columns.ORDER,
        Columns.FEEDBACK_KIND,
    ),
    Kind.OFFERINGS: (
        Columns.OFFERING,
        Columns.NAME,
        Columns.CATEGORY,
        Columns.PRICE,
        Columns.ACTIVE,
        Columns.LAUNCHED_AT,
        Columns.MARGIN,
    ),
    Kind.CUSTOMERS: (
        Columns.CUSTOMER,
        Columns.SEGMENT,
        Columns.REGION,
        Columns.COUNTRY,
        Columns.OPTED_OUT,
    ),
    Kind.CONTACTS: (
        Columns.CUSTOMER,
        Columns.CONTACTED_AT,
        Columns.OFFERING,
        Columns.CAMPAIGN,
        Columns.CHANNEL,
        Columns.CONTROL,
    ),
}

# Columns without which a file of that kind cannot be imported at all.
# (Orders without a quantity column default to 1; rows without a customer are
# anonymous demand; feedback needs a customer or an order to attach to.)
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.ORDERS: (Columns.OFFERING, Columns.ORDERED_AT),
    Kind.FEEDBACK: (Columns.SUBMITTED_AT,),
    Kind.OFFERINGS: (Columns.OFFERING,),
    Kind.CUSTOMERS: (Columns.CUSTOMER,),
    Kind.CONTACTS: (Columns.CUSTOMER, Columns.CONTACTED_AT),
}

# Canonical columns holding dates, money/numbers, and ratings.
DATE_COLUMNS = frozenset(
    {
        Columns.ORDERED_AT,
        Columns.SUBMITTED_AT,
        Columns.LAUNCHED_AT,
        Columns.CONTACTED_AT,
    }
)
NUMBER_COLUMNS = frozenset(
    {
        Columns.QUANTITY,
        Columns.AMOUNT,
        Columns.UNIT_PRICE,
        Columns.PRICE,
        Columns.MARGIN,
    }
)
