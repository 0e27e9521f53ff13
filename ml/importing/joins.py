"""Several related tables read as one: order lines joined with the tables that
hold one row per key (order headers, customers) by the columns they share.

Many systems export an order's lines, its header (customer, date, status) and
the customers as separate files, e.g. Olist: items -> orders by `order_id`,
orders -> customers by `customer_id`. The joined table keeps the lines' file
name and line numbers, so every line is still accounted for: a line whose key
a related table does not hold becomes a rejected line saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.compute as pc

from ml.errors import InputDataError
from ml.mapping.normalize import normalize_header
from ml.reading.model import LINE_COLUMN, BadLine, RawTable, shorten

MISSING_KEY = "missing_join_key"
KEY_NOT_FOUND = "not_in_joined_file"
_MATCHED = "__joined__"


@dataclass(frozen=True, slots=True)
class Join:
    """One related table joined to the lines, and what it gave."""

    file: str  # the related table's file name
    key: str  # the column it shares with the lines
    columns: tuple[str, ...]  # the columns it adds to each line
    rows: int  # its rows
    unmatched: int  # lines whose key it does not hold (rejected)
    unused: int  # its rows no line refers to

    def sentence(self) -> str:
        """The join in plain words, for the wizard and the import report."""
        text = (
            f"Joined with {self.file} by {self.key} ({self.rows:,} rows): each "
            f"line gets its {', '.join(self.columns)}."
        )
        if self.unmatched:
            text += (
                f" {self.unmatched:,} lines whose {self.key} is not in "
                f"{self.file} are rejected, saying so."
            )
        if self.unused:
            text += (
                f" {self.unused:,} rows of {self.file} belong to no line "
                "(nothing to import for them)."
            )
        return text


@dataclass(frozen=True, slots=True)
class JoinedTable:
    """The lines with their related tables' columns, and the joins made."""

    raw: RawTable
    lines: int  # which of the tables given holds the lines
    joins: tuple[Join, ...]


def join_tables(tables: Sequence[RawTable]) -> JoinedTable:
    """Join related tables into one table of lines.

    The lines are the table the others can be joined to, each by a column of
    the same name whose values name one row of that other table; the first
    table given is tried first. Fails, naming the file, when a table shares no
    such column with the rest.
    """
    base, order = _plan(tables)
    lines = tables[base]
    table, bad = lines.table, list(lines.bad_lines)
    joins = []
    for index, key in order:
        table, unmatched, join = _join_one(table, lines, tables[index], key)
        bad.extend(unmatched)
        joins.append(join)
    bad.sort(key=lambda line: line.line)
    notes = (*lines.info.notes, *(join.sentence() for join in joins))
    raw = replace(
        lines,
        info=replace(lines.info, notes=notes),
        table=table,
        bad_lines=tuple(bad),
    )
    return JoinedTable(raw, base, tuple(joins))


def _plan(tables: Sequence[RawTable]) -> tuple[int, list[tuple[int, str]]]:
    """The lines table and, in order, each other table with its key."""
    failed = ""
    for base in range(len(tables)):
        headers = list(tables[base].headers)
        order: list[tuple[int, str]] = []
        remaining = [i for i in range(len(tables)) if i != base]
        while remaining:
            found = next(
                (
                    (i, key)
                    for i in remaining
                    if (key := _key(headers, tables[i])) is not None
                ),
                None,
            )
            if found is None:
                break
            order.append(found)
            remaining.remove(found[0])
            headers.extend(h for h in tables[found[0]].headers if h not in headers)
        if not remaining:
            return base, order
        if base == 0:
            failed = tables[remaining[0]].info.file
    names = ", ".join(t.info.file for t in tables)
    raise InputDataError(
        f"this file cannot be joined with the others ({names}): they share "
        "no column whose values name one row of it, such as an order id in a "
        "file of order headers or a customer id in a list of customers.",
        file=failed,
        hint="Join only the order lines with their order headers and customers, "
        "and check that the shared column has the same name in each file.",
    )


def _key(headers: Sequence[str], related: RawTable) -> str | None:
    """The column `related` shares with `headers` (same name, compared without
    case and punctuation) whose values each name one of its rows."""
    wanted = {normalize_header(h): h for h in headers}
    for column in related.headers:
        if normalize_header(column) in wanted and _names_one_row(related, column):
            return column
    return None


def _names_one_row(related: RawTable, column: str) -> bool:
    values = pc.utf8_trim_whitespace(related.table.column(column))
    present = pc.drop_null(values)
    return len(present) > 0 and pc.count_distinct(present).as_py() == len(present)


def _join_one(
    table: pa.Table, lines: RawTable, related: RawTable, key: str
) -> tuple[pa.Table, list[BadLine], Join]:
    """Left-join `related` to the lines by `key`; lines it does not match are
    taken out as bad lines."""
    line_key = next(
        h
        for h in table.column_names
        if normalize_header(h) == normalize_header(key) and h != LINE_COLUMN
    )
    right = related.table.drop_columns([LINE_COLUMN])
    right = right.set_column(
        right.column_names.index(key),
        key,
        pc.utf8_trim_whitespace(right.column(key)),
    )
    right = right.filter(pc.is_valid(right.column(key)))
    added = [c for c in right.column_names if c != key]
    renamed = [
        f"{c} ({related.info.file})" if c in table.column_names else c for c in added
    ]
    right = right.rename_columns([key, *renamed])
    right = right.append_column(_MATCHED, pa.repeat(True, right.num_rows))
    keyed = table.append_column("__key__", pc.utf8_trim_whitespace(table[line_key]))
    joined = keyed.join(
        right, keys="__key__", right_keys=key, join_type="left outer"
    ).sort_by(LINE_COLUMN)
    matched = pc.fill_null(joined.column(_MATCHED), False)
    unmatched = joined.filter(pc.invert(matched))
    good = joined.filter(matched).drop_columns(["__key__", _MATCHED])
    bad = _unmatched_lines(unmatched, lines, related.info.file, line_key, renamed)
    used = pc.count_distinct(good.column(line_key)).as_py() if good.num_rows else 0
    join = Join(
        file=related.info.file,
        key=key,
        columns=tuple(renamed),
        rows=related.table.num_rows,
        unmatched=len(bad),
        unused=right.num_rows - used,
    )
    return good, bad, join


def _unmatched_lines(
    unmatched: pa.Table,
    lines: RawTable,
    related_file: str,
    key: str,
    brought: Sequence[str],
) -> list[BadLine]:
    file = lines.info.file
    separator = lines.info.delimiter or ","
    shown = [c for c in lines.headers if c in unmatched.column_names]
    what = ", ".join(brought[:3]) + (" and the rest" if len(brought) > 3 else "")
    bad = []
    for row in unmatched.select([LINE_COLUMN, "__key__", *shown]).to_pylist():
        value = row["__key__"]
        where = f"{file}, row {row[LINE_COLUMN]}, column '{key}'"
        if value is None:
            code = MISSING_KEY
            message = (
                f"{where}: no {key} given, so the line cannot be joined with "
                f"{related_file} and has no {what}. Fill in the {key} in the export."
            )
        else:
            code = KEY_NOT_FOUND
            message = (
                f"{where}: '{value}' is not in {related_file}, so the line has no "
                f"{what}. Export {related_file} with this {key} too, or remove "
                "the line."
            )
        text = separator.join("" if row[c] is None else str(row[c]) for c in shown)
        bad.append(BadLine(row[LINE_COLUMN], code, message, shorten(text)))
    return bad
