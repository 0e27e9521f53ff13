"""Parse the data rows of a text table with pyarrow, each with its physical line.

Fast path: pyarrow's multithreaded reader. Line numbers come from counting the
line breaks inside cells, which is exact when every physical line is accounted
for (no blank, ragged or stray-CR lines); that holds for almost every export.
Counted path (otherwise): a single-threaded pyarrow read that numbers each
record, ragged ones included, so their lines follow from the same counting.
Last resort, if the numbers still do not add up: the csv module (exact.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ml.progress import StopFn, check_cancel
from ml.reading.exact import parse_exact
from ml.reading.rows import (
    BOM,
    Body,
    BodySpec,
    check_closed,
    collect,
    drop_empty_rows,
    last_lines,
    wrong_field_count,
)
from ml.reading.sniff import is_blank, iter_records

_BLOCK = 4 << 20  # bytes per pyarrow parse block; a longer record means a retry


@dataclass(frozen=True, slots=True)
class Ragged:
    """A record pyarrow skipped for its field count: its number among all records."""

    number: int  # 1-based record number in the parsed text
    fields: int
    text: str


def parse_body(
    data: bytes,
    start: int,
    end: int,
    spec: BodySpec,
    *,
    lone_cr: bool,
    stop_requested: StopFn,
) -> Body:
    """Parse data[start:end] (whole lines): fast path, counted path, exact path.

    `lone_cr`: the text has CR line ends without LF; pyarrow ends records there
    too, but the fast path's count of LF in cells would not see them.
    """
    if start >= end:
        return collect([], [], [], [], spec)
    # pyarrow drops a byte-order mark at its start; here it begins a value.
    if not data.startswith(BOM, start):
        if not lone_cr:
            body = parse_fast(data, start, end, spec)
            if body is not None:
                return body
        check_cancel(stop_requested)
        body = parse_counted(data, start, end, spec, lone_cr=lone_cr)
        if body is not None:
            return body
    check_cancel(stop_requested)
    return parse_exact(data[start:end].decode("utf-8"), spec, stop_requested)


def arrow_table(
    source: object,
    spec: BodySpec,
    *,
    block_size: int,
    quotes: bool = True,
    check_utf8: bool = True,
    numbered: bool = False,
    threads: bool = True,
) -> tuple[pa.Table, list[Ragged]] | None:
    """All fields as strings with pyarrow.

    None at the first ragged row; or, when `numbered`, single-threaded, keeping
    blank records and numbering the ragged ones. `threads=False` leaves the
    other core to a decompressing loader: with quotes, pyarrow's threads cost
    70 % more CPU for little gain on two cores.
    Raises pa.ArrowInvalid for invalid UTF-8 or a record longer than a block.
    """
    ragged: list[Ragged] = []

    def on_invalid_row(row: pcsv.InvalidRow) -> str:
        ragged.append(Ragged(row.number, row.actual_columns, row.text))
        return "skip" if numbered else "error"

    names = [f"c{i}" for i in range(spec.width)]
    parse = pcsv.ParseOptions(
        delimiter=spec.delimiter,
        quote_char='"',
        double_quote=True,
        escape_char=False,
        # Quote-aware block splitting costs ~30 %: only pay it when quotes exist.
        newlines_in_values=quotes,
        ignore_empty_lines=not numbered,
        invalid_row_handler=on_invalid_row,
    )
    convert = pcsv.ConvertOptions(
        check_utf8=check_utf8,
        column_types=dict.fromkeys(names, pa.string()),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    read = pcsv.ReadOptions(
        use_threads=threads and not numbered,
        block_size=block_size,
        column_names=names,
    )
    try:
        table = pcsv.read_csv(
            source, read_options=read, parse_options=parse, convert_options=convert
        )
    except pa.ArrowInvalid:
        if ragged and not numbered:
            return None
        raise
    return table, ragged


def _read_buffer(
    data: bytes, start: int, end: int, spec: BodySpec, *, numbered: bool
) -> tuple[pa.Table, list[Ragged]] | None:
    """arrow_table over data[start:end], retrying with one big block for a
    record longer than a block (a 1 MB cell)."""
    buffer = pa.py_buffer(memoryview(data)[start:end])
    block = _BLOCK
    quotes = data.find(b'"', start, end) >= 0
    while True:
        try:
            return arrow_table(
                pa.BufferReader(buffer),
                spec,
                block_size=block,
                quotes=quotes,
                check_utf8=False,  # the whole text was validated or transcoded
                numbered=numbered,
                # With quotes, pyarrow finds block ends in a serial pass of its
                # own: one thread took 40 % less time and CPU on two cores
                # (bench_import_speed.py).
                threads=not quotes,
            )
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block > end - start:
                return None
            block = min(end - start + 1, 2**31 - 1)


def parse_fast(data: bytes, start: int, end: int, spec: BodySpec) -> Body | None:
    """The fast path over data[start:end]; None if it cannot number rows exactly."""
    read = _read_buffer(data, start, end, spec, numbered=False)
    return None if read is None else number_rows(read[0], data, 0, start, end, spec)


def number_rows(
    table: pa.Table, text: bytes, base: int, start: int, end: int, spec: BodySpec
) -> Body | None:
    """Physical lines of the fast path's rows of the body bytes start..end, if
    every line is accounted for (rows plus line breaks in cells); else None.

    `text` holds the file's bytes from offset `base` on (a tail is enough), for
    checking the last record for an unclosed quote; None if it does not reach
    back to the start of that record.
    """
    rows = table.num_rows
    first = spec.first_line
    if _last_value_ends_a_line(table):
        return None
    if rows == spec.line_count:  # one line per row: no line break in any cell
        lines = np.arange(first, first + rows, dtype=np.int64)
    else:
        breaks = breaks_per_row(table, lone_cr=False)
        if rows + int(breaks.sum()) != spec.line_count:
            return None
        lines = _starts(breaks, first)
    if rows and not _last_closed(text, base, start, end, int(lines[-1]), spec):
        return None
    columns = [table.column(i) for i in range(spec.width)]
    return drop_empty_rows(columns, pa.array(lines), spec)


def parse_counted(
    data: bytes, start: int, end: int, spec: BodySpec, *, lone_cr: bool
) -> Body | None:
    """The counted path over data[start:end]: lines of all records from pyarrow's
    record numbers; None if they do not add up to the body's physical lines."""
    read = _read_buffer(data, start, end, spec, numbered=True)
    if read is None:
        return None
    return number_counted(*read, data, 0, (start, end), spec, lone_cr=lone_cr)


def number_counted(
    table: pa.Table,
    ragged: list[Ragged],
    text: bytes,
    base: int,
    span: tuple[int, int],
    spec: BodySpec,
    *,
    lone_cr: bool,
) -> Body | None:
    """Lines of all records of a numbered read of the body bytes span[0]..span[1]
    (`text` holds the file's bytes from offset `base` on; a tail is enough);
    None if they do not add up to the body's physical lines."""
    start, end = span
    count = table.num_rows + len(ragged)
    last_ragged = bool(ragged) and ragged[-1].number == count
    if last_ragged and ragged[-1].text.endswith(("\n", "\r")):
        return None
    if not last_ragged and _last_value_ends_a_line(table):
        return None
    is_ragged = np.zeros(count, dtype=bool)
    is_ragged[[r.number - 1 for r in ragged]] = True
    breaks = np.zeros(count, dtype=np.int64)
    breaks[~is_ragged] = breaks_per_row(table, lone_cr=lone_cr)
    breaks[is_ragged] = [_breaks(r.text) for r in ragged]
    if count + int(breaks.sum()) != spec.line_count:
        return None
    starts = _starts(breaks, spec.first_line)
    if count and not _last_closed(text, base, start, end, int(starts[-1]), spec):
        return None
    bad = []
    blank: list[int] = []
    for record, line in zip(ragged, starts[is_ragged].tolist(), strict=True):
        if _is_blank_text(record.text, spec.delimiter):
            blank.extend(range(line, line + _breaks(record.text) + 1))
        else:
            bad.append(wrong_field_count(line, record.fields, record.text, spec))
    columns = [table.column(i) for i in range(spec.width)]
    body = drop_empty_rows(columns, pa.array(starts[~is_ragged]), spec, tuple(bad))
    if not blank:
        return body
    all_blank = tuple(sorted([*body.blank_lines, *blank]))
    return Body(body.columns, body.lines, body.bad_lines, all_blank)


def breaks_per_row(table: pa.Table, *, lone_cr: bool) -> np.ndarray:
    """Line breaks inside each row's cells (quoted multi-line values)."""
    total = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        if column.null_count == len(column):
            continue
        total += pc.fill_null(pc.count_substring(column, "\n"), 0).to_numpy()
        if lone_cr:
            total += pc.fill_null(pc.count_substring(column, "\r"), 0).to_numpy()
            total -= pc.fill_null(pc.count_substring(column, "\r\n"), 0).to_numpy()
    return total


def _last_value_ends_a_line(table: pa.Table) -> bool:
    """A value of the last row ends with a line break. An open quote at the end
    swallows the file's last line end that way, which the line count would take
    for a line; rare otherwise, so such files take a slower path."""
    if table.num_rows == 0:
        return False
    for column in table.columns:
        value = column[-1].as_py()
        if value and value[-1] in "\r\n":
            return True
    return False


def _is_blank_text(text: str, delimiter: str) -> bool:
    """Spaces only, or only empty fields: a blank line, as in the exact path."""
    return not text.strip() or is_blank(next(iter_records(text, delimiter)).fields)


def _breaks(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _starts(breaks: np.ndarray, first: int) -> np.ndarray:
    """First line of each record from the line breaks inside each one."""
    starts = np.arange(first, first + len(breaks), dtype=np.int64)
    if len(breaks) > 1:
        starts[1:] += np.cumsum(breaks[:-1])
    return starts


def _last_closed(
    text: bytes, base: int, start: int, end: int, line: int, spec: BodySpec
) -> bool:
    """Check the last record (from `line` on) for an unclosed quote; False if
    `text` does not reach back to its start."""
    last = spec.first_line + spec.line_count - 1
    record = last_lines(text, start - base, end - base, last - line + 1)
    if record is None:
        return False
    check_closed(record, line, last, spec)
    return True
