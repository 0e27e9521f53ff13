"""Plain words for what the import wizard shows: kinds, columns, read settings."""

from __future__ import annotations

from ml.columns import Columns, Kind
from ml.reading.model import ENCODING_NAMES

C = Columns

KIND_LABELS: dict[Kind, str] = {
    Kind.ORDERS: "Orders (what customers bought)",
    Kind.FEEDBACK: "Customer feedback (ratings, reviews, surveys)",
    Kind.OFFERINGS: "Offerings (your product or service list)",
    Kind.CUSTOMERS: "Customers (segments, regions, opt-outs)",
    Kind.CONTACTS: "Contacts (who your CRM contacted with what, and when)",
}

COLUMN_LABELS: dict[str, str] = {
    C.CUSTOMER: "Customer",
    C.OFFERING: "Offering (product)",
    C.ORDER: "Order number",
    C.ORDERED_AT: "Order date",
    C.QUANTITY: "Quantity",
    C.AMOUNT: "Amount (revenue)",
    C.UNIT_PRICE: "Unit price",
    C.OFFERING_NAME: "Offering name",
    C.CATEGORY: "Category",
    C.CHANNEL: "Sales channel",
    C.COUNTRY: "Country",
    C.STATUS: "Order status",
    C.SUBMITTED_AT: "Feedback date",
    C.RATING: "Rating",
    C.COMMENT: "Comment",
    C.TITLE: "Title",
    C.FEEDBACK_KIND: "Feedback type",
    C.NAME: "Name",
    C.PRICE: "Price",
    C.ACTIVE: "Still offered",
    C.LAUNCHED_AT: "Launch date",
    C.MARGIN: "Margin",
    C.SEGMENT: "Segment",
    C.REGION: "Region",
    C.OPTED_OUT: "Opted out of contact",
    C.CONTACTED_AT: "Contact date",
    C.CAMPAIGN: "Campaign",
    C.CONTROL: "Control group",
}

COLUMN_TIPS: dict[str, str] = {
    C.CUSTOMER: "The customer's number or id, the same in every export.",
    C.OFFERING: "What was bought: product code, SKU or service plan.",
    C.ORDER: "The invoice or order number (cancellations often start with 'C').",
    C.ORDERED_AT: "When the order was placed.",
    C.QUANTITY: "How many units; a negative number is a return.",
    C.AMOUNT: "The revenue of the line; left empty, quantity × unit price is used.",
    C.UNIT_PRICE: "The price of one unit.",
    C.STATUS: "A status such as 'returned' or 'cancelled' marks a return.",
    C.SUBMITTED_AT: "When the feedback was given.",
    C.RATING: "Stars, 0-10 scores, thumbs or words like 'satisfied'.",
    C.ACTIVE: "Whether the offering can still be pushed (yes/no).",
    C.OPTED_OUT: "Customers who opted out are never put in a push list.",
    C.CONTACTED_AT: "When the customer was contacted (sent the e-mail, letter…).",
    C.CAMPAIGN: "The campaign's name: each becomes a campaign on the Campaigns page.",
    C.CONTROL: "Marks the customers held out as a control group: yes/no, or "
    "the group's name (Control, Holdout…).",
}

METHOD_LABELS: dict[str, str] = {
    "layout": "recognised export layout",
    "synonym": "from the column name",
    "values": "from the values",
    "saved": "remembered from last time",
    "user": "your choice",
    "none": "",
}

DELIMITER_LABELS: dict[str, str] = {
    ",": "Comma ( , )",
    ";": "Semicolon ( ; )",
    "\t": "Tab",
    "|": "Pipe ( | )",
}

# Character sets in the words Windows and Excel use for them, by the reader's codec.
ENCODING_LABELS: dict[str, str] = {
    "utf-8": "Unicode (UTF-8)",
    "utf-8-sig": "Unicode (UTF-8)",
    "utf-16": "Unicode (UTF-16)",
    "utf-16-le": "Unicode (UTF-16)",
    "utf-16-be": "Unicode (UTF-16)",
    "cp1252": "Western European (Windows)",
    "latin-1": "Western European (ISO)",
}

DATE_ORDER_LABELS: dict[str, str] = {
    "iso": "year first (2024-12-31)",
    "day_first": "day first (31/12/2024)",
    "month_first": "month first (12/31/2024)",
    "excel_serial": "Excel date numbers",
    "unix_seconds": "Unix time stamps",
    "unix_millis": "Unix time stamps (milliseconds)",
}

NOT_IN_FILE = "(not in the file)"
NO_CUSTOMERS = "Import all lines as demand without customers"


def column_label(canonical: str) -> str:
    """The plain name of a canonical column."""
    return COLUMN_LABELS.get(canonical, canonical.replace("_", " ").capitalize())


def text_kind(encoding: str) -> str:
    """'Western European text (Windows)' for 'cp1252': how the letters were read."""
    label = ENCODING_LABELS.get(encoding.lower().replace("_", "-"))
    if label is None:
        return "text in a less common character set"
    name, _, detail = label.partition(" (")
    return f"{name} text ({detail}" if detail else f"{name} text"


def plain_note(note: str) -> str:
    """A reader's note with its character set named as in ENCODING_LABELS.

    Also words the notes of imports stored by earlier versions.
    """
    for codec, name in ENCODING_NAMES.items():
        note = note.replace(name, ENCODING_LABELS[codec])
    return note


_BY_VALUES = "chosen from its values"


def confidence_text(confidence: float, method: str, evidence: str = "") -> str:
    """'92% sure, from the column name' for a mapping's match; with the values
    that decided: '75% sure, chosen from its values: one per order, ...'."""
    if method == "none":
        return ""
    how = METHOD_LABELS.get(method, method)
    if method in ("user", "saved"):
        return how[:1].upper() + how[1:]
    if evidence and method == "values":
        return f"{confidence:.0%} sure, {evidence}"
    if evidence:  # the values confirmed what the name said
        return f"{confidence:.0%} sure, {how}; " + evidence.replace(
            _BY_VALUES, "its values agree", 1
        )
    return f"{confidence:.0%} sure, {how}"
