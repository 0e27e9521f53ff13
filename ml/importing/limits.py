"""Plausibility limits: values no real order, offering or feedback line reaches.

A value that parses but lies far outside these limits (a quantity of 1e308, an
order in the year 9999) comes from a wrong column mapping or a broken export.
Imported, it would poison every sum and calendar built from the project (the
revenue no longer fits an exact decimal; a forecast calendar spans millennia),
so such a line is rejected with its reason like any other bad value.

The limits are deliberately generous:

* Quantity: at most ten million units on one line. The largest line in the UCI
  Online Retail export (a wholesaler) is 80,995 units; a bulk B2B line of
  screws or labels stays well below 10,000,000. A non-zero quantity is at
  least a millionth of a unit (0.5 g of saffron sold by the kilogram is
  0.0005), which also keeps ``amount / quantity`` finite.
* Money (amount, unit price, offering price, margin): at most
  1,000,000,000,000 in the file's currency. That is some 40 million US dollars
  even in Vietnamese dong or Indonesian rupiah, whose prices run to many
  digits; no retail line costs more. A line total derived from quantity times
  unit price (or a unit price derived from amount over quantity) is held to
  the same limit. Summed over a billion lines the revenue stays below 1e21,
  far inside the exact DECIMAL(38, 6) the summaries use.
* Dates: from 1900-01-01 to one year after the day of the import. Orders,
  feedback and launches older than 1900 do not exist in any shop system;
  future dates up to a year cover pre-orders and planned launches.

NaN and infinity are never plausible (``1e400`` parses as infinity).
"""

from __future__ import annotations

MAX_QUANTITY = 10_000_000.0
MIN_QUANTITY = 0.000_001  # smallest non-zero quantity, in absolute value
MAX_MONEY = 1_000_000_000_000.0
FIRST_DATE = "1900-01-01"
# One year after today; DuckDB evaluates current_date once per statement.
LAST_DATE_SQL = "(current_date + INTERVAL 1 YEAR + INTERVAL 1 DAY)"

QUANTITY_TEXT = "10,000,000 units or less than 0.000001 of a unit"
MONEY_TEXT = "1,000,000,000,000"
DATE_TEXT = "1900 to one year from today"


def _not_finite(expr: str) -> str:
    return f"NOT isfinite({expr})"


def quantity_outside_sql(expr: str) -> str:
    """TRUE when a (non-NULL, non-zero) quantity is NaN, infinite or beyond limits."""
    return (
        f"({_not_finite(expr)} OR abs({expr}) > {MAX_QUANTITY!r} "
        f"OR (abs({expr}) < {MIN_QUANTITY!r} AND {expr} <> 0))"
    )


def money_outside_sql(expr: str) -> str:
    """TRUE when an amount of money is NaN, infinite or beyond the money limit."""
    return f"({_not_finite(expr)} OR abs({expr}) > {MAX_MONEY!r})"


def date_outside_sql(expr: str) -> str:
    """TRUE when a timestamp lies before 1900 or more than a year after today."""
    return f"({expr} < TIMESTAMP '{FIRST_DATE}' OR {expr} >= {LAST_DATE_SQL})"
