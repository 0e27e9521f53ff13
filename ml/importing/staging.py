"""SQL that turns the raw text columns of a file into typed canonical columns."""

from __future__ import annotations

from ml.columns import CANONICAL, DATE_COLUMNS, NUMBER_COLUMNS, Columns, Kind
from ml.importing.formats import ColumnFormats
from ml.mapping.mapping import ColumnMapping
from ml.parsing.control import control_sql
from ml.parsing.dates import date_sql
from ml.parsing.flags import flag_sql, opted_out_sql
from ml.parsing.numbers import number_sql
from ml.parsing.ratings import rating_sql
from ml.reading.model import LINE_COLUMN
from ml.sqltext import quote_ident

# Exports that write order-level fields (customer, status, country) only on the
# first line of each order; the other lines of the order inherit them.
FIRST_LINE_ONLY_LAYOUTS = frozenset({"Shopify orders"})
# The text of the file's unmapped columns, part of a line's identity only.
OTHER_COLUMNS = "unmapped__text"
ORDER_LEVEL_COLUMNS = (
    Columns.CUSTOMER,
    Columns.STATUS,
    Columns.COUNTRY,
    Columns.CHANNEL,
)
FLAG_COLUMNS = frozenset({Columns.ACTIVE, Columns.OPTED_OUT, Columns.CONTROL})


def raw_name(canonical: str) -> str:
    """Name of the staging column holding a canonical column's original text."""
    return f"{canonical}__raw"


def text_expression(source: str, unpadded: frozenset[str] = frozenset()) -> str:
    """A source column's text without surrounding spaces, NULL when empty;
    `unpadded`: columns known to have no value to trim (trim is costly)."""
    column = quote_ident(source)
    return (
        f"nullif({column}, '')" if source in unpadded else f"nullif(trim({column}), '')"
    )


def text_sources(mapping: ColumnMapping) -> frozenset[str]:
    """Source columns whose every mapped use is their trimmed text (never parsed
    as a date, number, rating or flag, which look at the untrimmed value)."""
    parsed = DATE_COLUMNS | NUMBER_COLUMNS | FLAG_COLUMNS | {Columns.RATING}
    sources = {m.source for m in mapping.matches if m.source}
    return frozenset(
        source
        for source in sources
        if not any(
            m.source == source and m.canonical in parsed for m in mapping.matches
        )
    )


def typed_expression(
    canonical: str,
    source: str,
    formats: ColumnFormats,
    unpadded: frozenset[str] = frozenset(),
) -> str:
    """DuckDB expression converting one source column to its canonical type."""
    column = quote_ident(source)
    text = text_expression(source, unpadded)
    # The parsers' SQL handles padding and empty cells itself (cheaper).
    if canonical in DATE_COLUMNS:
        date_format = formats.dates.get(canonical)
        return date_sql(column, date_format) if date_format else "NULL::TIMESTAMP"
    if canonical in NUMBER_COLUMNS:
        return number_sql(column, formats.numbers[canonical])
    if canonical == Columns.RATING:
        return rating_sql(column, formats.rating) if formats.rating else "NULL::DOUBLE"
    if canonical == Columns.OPTED_OUT:
        return opted_out_sql(column, header=source)
    if canonical == Columns.ACTIVE:
        return flag_sql(column)
    if canonical == Columns.CONTROL:
        return control_sql(column)
    if canonical in formats.integral_float_ids:
        return f"regexp_replace({text}, '\\.0+$', '')"
    return text


def staging_select(
    kind: Kind,
    mapping: ColumnMapping,
    formats: ColumnFormats,
    source: str,
    unpadded: frozenset[str] = frozenset(),
) -> str:
    """SELECT giving, for every canonical column of the kind, its typed value and
    its original text (NULL when the column is not in the file). `unpadded`:
    source columns known to hold no value with spaces around it."""
    parts = [f"{LINE_COLUMN} AS line"]
    for canonical in CANONICAL[kind]:
        column = mapping.source_of(canonical)
        if column is None:
            parts.append(f"NULL AS {raw_name(canonical)}")
            parts.append(f"{_missing_value(canonical)} AS {canonical}")
            continue
        parts.append(f"{text_expression(column, unpadded)} AS {raw_name(canonical)}")
        typed = typed_expression(canonical, column, formats, unpadded)
        parts.append(f"{typed} AS {canonical}")
    others = [f"coalesce({quote_ident(name)}, '')" for name in mapping.unmapped_sources]
    other_text = f"concat_ws(chr(31), {', '.join(others)})" if others else "''"
    parts.append(f"{other_text} AS {OTHER_COLUMNS}")
    select = f"SELECT {', '.join(parts)} FROM {source}"
    if mapping.layout in FIRST_LINE_ONLY_LAYOUTS and mapping.source_of(Columns.ORDER):
        select = _fill_order_level(select)
    return select


def _fill_order_level(select: str) -> str:
    """Give every line of an order the order-level values of its first line."""
    fills = []
    for name in ORDER_LEVEL_COLUMNS:
        for column in (name, raw_name(name)):
            fills.append(
                f"coalesce({column}, first_value({column} IGNORE NULLS) OVER ("
                f"PARTITION BY {Columns.ORDER} ORDER BY line ROWS BETWEEN UNBOUNDED "
                f"PRECEDING AND UNBOUNDED FOLLOWING)) AS {column}"
            )
    return f"SELECT * REPLACE ({', '.join(fills)}) FROM ({select})"


def _missing_value(canonical: str) -> str:
    # An export without a quantity column sells one unit per line.
    if canonical == Columns.QUANTITY:
        return "1.0::DOUBLE"
    if canonical in DATE_COLUMNS:
        return "NULL::TIMESTAMP"
    if canonical in NUMBER_COLUMNS or canonical == Columns.RATING:
        return "NULL::DOUBLE"
    if canonical in FLAG_COLUMNS:
        return "NULL::BOOLEAN"
    return "NULL::VARCHAR"
