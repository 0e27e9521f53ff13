"""Row checks: why a row is rejected, with a message naming file, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from ml.columns import Columns, Kind
from ml.importing.limits import (
    DATE_TEXT,
    MONEY_TEXT,
    QUANTITY_TEXT,
    date_outside_sql,
    money_outside_sql,
    quantity_outside_sql,
)
from ml.importing.staging import raw_name
from ml.importing.targets import LINE_AMOUNT, LINE_UNIT_PRICE
from ml.mapping.mapping import ColumnMapping
from ml.parsing.flags import lost_status_sql
from ml.sqltext import quote_literal

C = Columns


@dataclass(frozen=True, slots=True)
class RowCheck:
    """One reason a row cannot be imported, as a SQL condition over staged rows."""

    code: str
    condition: str  # TRUE when the row fails the check
    column: str  # canonical column the message points at
    problem: str  # what is wrong; "%s" stands for the cell's text
    hint: str  # what the user can do


def _missing(column: str, what: str, hint: str) -> RowCheck:
    return RowCheck(
        f"missing_{column}",
        f"{raw_name(column)} IS NULL",
        column,
        f"no {what} given.",
        hint,
    )


def _unreadable(code: str, column: str, what: str, hint: str) -> RowCheck:
    condition = f"{raw_name(column)} IS NOT NULL AND {column} IS NULL"
    return RowCheck(code, condition, column, f"'%s' is not {what}.", hint)


_DATE_HINT = "Check the date format in the column mapping."
_NUMBER_HINT = "Check that the column mapping points at a numeric column."
_LIMIT_HINT = "Check the column mapping or fix the line."


def _implausible(code: str, column: str, condition: str, what: str) -> RowCheck:
    """A value that parses but lies outside the limits in ml/importing/limits.py."""
    problem = f"'%s' is not a plausible {what}."
    return RowCheck(code, condition, column, problem, _LIMIT_HINT)


def _implausible_money(code: str, column: str, what: str) -> RowCheck:
    limit = f"{what} (more than {MONEY_TEXT} in absolute value)"
    return _implausible(code, column, money_outside_sql(column), limit)


def _implausible_date(column: str) -> RowCheck:
    what = f"date (dates run from {DATE_TEXT})"
    return _implausible("implausible_date", column, date_outside_sql(column), what)


# Quantity, amount and price each within limits can still give a line total
# (quantity x price) or a unit price (amount / quantity) beyond the money limit.
_IMPLAUSIBLE_LINE = RowCheck(
    "implausible_line",
    f"{money_outside_sql(LINE_AMOUNT)} OR {money_outside_sql(LINE_UNIT_PRICE)}",
    C.QUANTITY,
    f"quantity '%s' with this line's price or amount gives a line amount or "
    f"unit price of more than {MONEY_TEXT}: not a plausible order line.",
    _LIMIT_HINT,
)

CHECKS: dict[Kind, tuple[RowCheck, ...]] = {
    Kind.ORDERS: (
        _missing(
            C.OFFERING, "offering (product)", "Fill in the product in the export."
        ),
        _missing(C.ORDERED_AT, "order date", "Fill in the date in the export."),
        _unreadable("bad_date", C.ORDERED_AT, "a date", _DATE_HINT),
        _implausible_date(C.ORDERED_AT),
        _unreadable("bad_quantity", C.QUANTITY, "a number", _NUMBER_HINT),
        _missing(C.QUANTITY, "quantity", "Fill in the quantity in the export."),
        RowCheck(
            "zero_quantity",
            f"{C.QUANTITY} = 0",
            C.QUANTITY,
            "quantity '%s' is zero: neither a purchase nor a return.",
            "Remove the line or correct its quantity.",
        ),
        _implausible(
            "implausible_quantity",
            C.QUANTITY,
            quantity_outside_sql(C.QUANTITY),
            f"quantity (more than {QUANTITY_TEXT} on one line)",
        ),
        _unreadable("bad_amount", C.AMOUNT, "an amount of money", _NUMBER_HINT),
        _implausible_money("implausible_amount", C.AMOUNT, "amount"),
        _unreadable("bad_price", C.UNIT_PRICE, "a price", _NUMBER_HINT),
        _implausible_money("implausible_price", C.UNIT_PRICE, "unit price"),
        _IMPLAUSIBLE_LINE,
        RowCheck(
            "not_purchased",
            lost_status_sql(C.STATUS),
            C.STATUS,
            "status '%s' marks a lost deal, failed payment or abandoned order, "
            "not a purchase.",
            "Such lines are kept out of the order history.",
        ),
        RowCheck(
            "negative_amount",
            f"{C.QUANTITY} > 0 AND coalesce({C.AMOUNT}, {C.UNIT_PRICE}) < 0",
            C.UNIT_PRICE,
            "'%s' is negative while the quantity is positive: an adjustment "
            "or discount, not a purchase.",
            "Such lines are kept out of the order history.",
        ),
    ),
    Kind.FEEDBACK: (
        _missing(C.SUBMITTED_AT, "date", "Fill in when the feedback was given."),
        _unreadable("bad_date", C.SUBMITTED_AT, "a date", _DATE_HINT),
        _implausible_date(C.SUBMITTED_AT),
        RowCheck(
            "missing_reference",
            f"{C.CUSTOMER} IS NULL AND {C.ORDER} IS NULL AND {C.OFFERING} IS NULL",
            C.CUSTOMER,
            "no customer, order or offering given.",
            "Feedback must say who gave it or what it is about.",
        ),
        _unreadable(
            "bad_rating",
            C.RATING,
            "a rating on the file's scale",
            "Check the rating column in the mapping.",
        ),
        RowCheck(
            "empty_feedback",
            f"{raw_name(C.RATING)} IS NULL AND {C.COMMENT} IS NULL "
            f"AND {C.TITLE} IS NULL",
            C.RATING,
            "no rating and no comment given.",
            "Rows without any feedback are skipped.",
        ),
    ),
    Kind.OFFERINGS: (
        _missing(C.OFFERING, "offering id", "Fill in the offering's id."),
        _unreadable("bad_price", C.PRICE, "a price", _NUMBER_HINT),
        _implausible_money("implausible_price", C.PRICE, "price"),
        _unreadable("bad_margin", C.MARGIN, "a margin", _NUMBER_HINT),
        _implausible_money("implausible_margin", C.MARGIN, "margin"),
        _unreadable("bad_date", C.LAUNCHED_AT, "a date", _DATE_HINT),
        _implausible_date(C.LAUNCHED_AT),
        _unreadable("bad_flag", C.ACTIVE, "yes or no", "Use yes/no or 1/0."),
    ),
    Kind.CONTACTS: (
        _missing(C.CUSTOMER, "customer id", "Fill in who was contacted."),
        _missing(C.CONTACTED_AT, "contact date", "Fill in when they were contacted."),
        _unreadable("bad_date", C.CONTACTED_AT, "a date", _DATE_HINT),
        _implausible_date(C.CONTACTED_AT),
    ),
    Kind.CUSTOMERS: (
        _missing(C.CUSTOMER, "customer id", "Fill in the customer's id."),
        _unreadable("bad_flag", C.OPTED_OUT, "yes or no", "Use yes/no or 1/0."),
    ),
}


def applicable_checks(kind: Kind, mapping: ColumnMapping) -> tuple[RowCheck, ...]:
    """The checks of a kind whose column is in the file (others cannot fail)."""
    checks = CHECKS[kind]
    return tuple(c for c in checks if mapping.source_of(c.column) is not None)


def reason_sql(checks: tuple[RowCheck, ...]) -> str:
    """CASE expression giving the first failed check's code, NULL for a good row."""
    if not checks:
        return "NULL::VARCHAR"
    whens = " ".join(f"WHEN {c.condition} THEN {quote_literal(c.code)}" for c in checks)
    return f"CASE {whens} END"


def message_sql(
    checks: tuple[RowCheck, ...], mapping: ColumnMapping, file: str
) -> tuple[str, str, str]:
    """SQL expressions for a rejected row's source column, value and message."""
    column_cases, value_cases, message_cases = [], [], []
    for check in checks:
        source = mapping.source_of(check.column) or check.column
        when = f"WHEN reason = {quote_literal(check.code)}"
        text = (
            f"{_escape(file)}, row %d, column '{_escape(source)}': "
            f"{check.problem} {_escape(check.hint)}"
        )
        value = f"coalesce({raw_name(check.column)}, '')"
        args = f"line, {value}" if "%s" in check.problem else "line"
        column_cases.append(f"{when} THEN {quote_literal(source)}")
        value_cases.append(f"{when} THEN {raw_name(check.column)}")
        message_cases.append(f"{when} THEN printf({quote_literal(text)}, {args})")
    if not checks:
        return "NULL::VARCHAR", "NULL::VARCHAR", "NULL::VARCHAR"
    return (
        f"CASE {' '.join(column_cases)} END",
        f"CASE {' '.join(value_cases)} END",
        f"CASE {' '.join(message_cases)} END",
    )


def _escape(text: str) -> str:
    """Protect a literal from printf's % directives."""
    return text.replace("%", "%%")
