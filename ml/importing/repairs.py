"""Order lines the export got half right: repaired or kept, counted and explained.

A sale line with quantity 0 but a positive amount is a purchase whose export
lost the quantity: it is imported with the quantity worked out from amount and
unit price (a whole number of units), else 1. A purchase line without a
customer is kept as anonymous demand. Both are counted, and the import report
says so in a sentence naming the first rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from ml.columns import Columns, Kind

C = Columns

QUANTITY_FROM_AMOUNT = "quantity_from_amount"
ANONYMOUS_DEMAND = "anonymous_demand"
EXAMPLE_ROWS = 3
# amount / unit price within this of a whole number is that number of units
# (2.97 / 0.99 is 3.0000000000000004 in floating point).
_WHOLE = 1e-6
_RATIO = f"{C.AMOUNT} / nullif({C.UNIT_PRICE}, 0)"
LOST_QUANTITY_SQL = f"({C.QUANTITY} = 0 AND {C.AMOUNT} > 0)"
_DERIVED_QUANTITY = (
    f"CASE WHEN {C.UNIT_PRICE} > 0 AND {_RATIO} >= 1 "
    f"AND abs({_RATIO} - round({_RATIO})) <= {_WHOLE} "
    f"THEN round({_RATIO}) ELSE 1.0 END"
)


def repaired_select(kind: Kind, staged: str) -> str:
    """`staged` with a lost quantity restored and the repair marked per line."""
    if kind is not Kind.ORDERS:
        return f"SELECT *, NULL::VARCHAR AS repair FROM ({staged})"
    return f"""
        SELECT * REPLACE (CASE WHEN {LOST_QUANTITY_SQL} THEN {_DERIVED_QUANTITY}
                          ELSE {C.QUANTITY} END AS {C.QUANTITY}),
               CASE WHEN {LOST_QUANTITY_SQL} THEN '{QUANTITY_FROM_AMOUNT}' END
                 AS repair
        FROM ({staged})"""


def count_repairs(
    con: duckdb.DuckDBPyConnection, kind: Kind, good: str
) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Imported lines by repair: how many, and the first few rows of each."""
    if kind is not Kind.ORDERS:
        return {}
    outcomes = {
        QUANTITY_FROM_AMOUNT: f"repair = '{QUANTITY_FROM_AMOUNT}'",
        ANONYMOUS_DEMAND: f"{C.CUSTOMER} IS NULL AND return_reason IS NULL",
    }
    found = {}
    for code, condition in outcomes.items():
        row = con.execute(f"""
            SELECT count(*), list(line ORDER BY line)[1:{EXAMPLE_ROWS}]
            FROM {good} WHERE {condition}""").fetchone()
        if row and row[0]:
            found[code] = (int(row[0]), tuple(int(line) for line in row[1]))
    return found


def repair_sentences(repairs: Mapping[str, tuple[int, tuple[int, ...]]]) -> list[str]:
    """One plain sentence per kind of repair, naming the count and first rows."""
    sentences = []
    for code, (count, rows) in repairs.items():
        where = _rows_text(count, rows)
        if code == QUANTITY_FROM_AMOUNT:
            sentences.append(
                f"{count:,} {_lines(count)} had quantity 0 but a positive amount "
                f"{where}: imported as purchases whose export lost the "
                "quantity, with the quantity worked out as amount ÷ unit price "
                "where that is a whole number, else 1. Correct the quantity in "
                "the export if these lines are something else."
            )
        elif code == ANONYMOUS_DEMAND:
            sentences.append(
                f"{count:,} purchase {_lines(count)} "
                f"{'has' if count == 1 else 'have'} no customer {where}: imported "
                "as anonymous demand. They count towards what sells, but no "
                "customer's history; fill in the customer in the export to use "
                "them fully."
            )
    return sentences


def _lines(count: int) -> str:
    return "line" if count == 1 else "lines"


def _rows_text(count: int, rows: tuple[int, ...]) -> str:
    listed = ", ".join(str(row) for row in rows)
    more = ", …" if count > len(rows) else ""
    return f"({'row' if count == 1 else 'rows'} {listed}{more})"
