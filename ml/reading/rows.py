"""What the row parsers share: the body's description, the result, bad lines,
the unclosed-quote check and blank-row removal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ml.errors import InputDataError
from ml.reading.model import BadLine, shorten
from ml.reading.sniff import DELIMITER_NAMES

BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark, which pyarrow skips at its start
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_NULL = pa.scalar(None, pa.string())
_BREAK = re.compile(rb"\r\n|\r|\n")
_TEXT_BREAK = re.compile(r"\r\n|\r|\n")
_FEW_LINES = 64


@dataclass(frozen=True, slots=True)
class BodySpec:
    """Where the data rows are and how to split them."""

    file: str
    delimiter: str
    width: int
    header_line: int
    first_line: int  # physical line of the first byte of the body
    line_count: int  # physical lines in the body (CR, LF and CRLF end a line)


@dataclass(frozen=True, slots=True)
class Body:
    """Data rows as string columns, their physical lines, and what was left out."""

    columns: list[pa.ChunkedArray]
    lines: pa.Array  # int64, one per row
    bad_lines: tuple[BadLine, ...]
    blank_lines: tuple[int, ...]


def collect(
    rows: Sequence[tuple[str, ...]],
    lines: list[int],
    bad: list[BadLine],
    blank: list[int],
    spec: BodySpec,
) -> Body:
    """A Body from rows held as Python tuples (empty cell -> null)."""
    columns = []
    for values in zip(*rows, strict=True) if rows else [()] * spec.width:
        array = pa.array(values, pa.string())
        array = pc.if_else(pc.equal(array, ""), _NULL, array)
        columns.append(pa.chunked_array([array], pa.string()))
    return Body(columns, pa.array(lines, pa.int64()), tuple(bad), tuple(blank))


def drop_empty_rows(
    columns: list[pa.ChunkedArray],
    lines: pa.Array,
    spec: BodySpec,
    bad: tuple[BadLine, ...] = (),
) -> Body:
    """Rows with every cell empty (one column: blank) are blank lines, not data."""
    if spec.width == 1:
        trimmed = pc.utf8_trim_whitespace(columns[0])
        empty = pc.fill_null(pc.equal(trimmed, ""), True)
    elif any(column.null_count == 0 for column in columns):
        return Body(columns, lines, bad, ())
    else:
        empty = pc.is_null(columns[0])
        for column in columns[1:]:
            empty = pc.and_(empty, pc.is_null(column))
    if not pc.any(empty).as_py():
        return Body(columns, lines, bad, ())
    keep = pc.invert(empty)
    blank: list[int] = []
    values = pc.filter(columns[0], empty).to_pylist()
    for line, value in zip(pc.filter(lines, empty).to_pylist(), values, strict=True):
        # A blank value in quotes may span lines; all of them are blank.
        extra = 0 if value is None else len(_TEXT_BREAK.findall(value))
        blank.extend(range(line, line + extra + 1))
    kept = [pc.filter(column, keep) for column in columns]
    return Body(kept, pc.filter(lines, keep), bad, tuple(blank))


def wrong_field_count(line: int, count: int, text: str, spec: BodySpec) -> BadLine:
    """The bad line for a record whose field count differs from the header's."""
    problem = "more" if count > spec.width else "fewer"
    message = InputDataError(
        f"this line has {count} field{'s' * (count != 1)} but the column names "
        f"(row {spec.header_line}) have {spec.width}, so its values cannot be "
        "matched to columns; the line was left out.",
        file=spec.file,
        row=line,
        hint=f"Look for {problem} {DELIMITER_NAMES[spec.delimiter]} than usual in "
        "it, e.g. a value holding the delimiter without quotes around it.",
    ).message
    return BadLine(line, "wrong_field_count", message, shorten(text))


def unclosed_quote(text: str, delimiter: str) -> int | None:
    """Index of a quote that opens a value and never closes, if the record has one."""
    stop = re.compile(f"[{re.escape(delimiter)}\r\n]")
    pos = 0
    while pos < len(text):
        if text[pos] == '"':
            match = _QUOTED.match(text, pos)
            if match is None:
                return pos
            pos = match.end()
        found = stop.search(text, pos)
        if found is None or found.group() in "\r\n":
            return None
        pos = found.end()
    return None


class UnclosedQuote(InputDataError):
    """A quote that never closes: `quote_line` (also `row`) is its line,
    `record` the first line of the record it opens a value in."""

    def __init__(self, reason: str, *, file: str, row: int, record: int) -> None:
        super().__init__(
            reason,
            file=file,
            row=row,
            hint="Add the missing closing quote, or export the file again.",
        )
        self.record = record
        self.quote_line = row


def check_closed(text: str, line: int, last_line: int, spec: BodySpec) -> None:
    """Refuse a file whose last record swallowed the rest through an unclosed quote.

    A quote left open runs to the end of the file in any CSV parser, so it is
    always in the last record; `text` is that record, starting on `line`.
    """
    pos = unclosed_quote(text, spec.delimiter)
    if pos is None:
        return
    head = text[:pos]
    row = line + head.count("\n") + head.count("\r") - head.count("\r\n")
    raise UnclosedQuote(
        'a value on this row starts with a quote (") that is never closed, so '
        f"everything after it (to line {last_line}, the end of the data) would "
        "be read as one value.",
        file=spec.file,
        row=row,
        record=line,
    )


def last_lines(text: bytes, start: int, end: int, count: int) -> str | None:
    """The last `count` physical lines of text[start:end] (CR, LF, CRLF end one);
    None if `text` begins after `start` (a negative start) and lacks some."""
    low = max(start, 0)
    pos = end
    if text[pos - 2 : pos] == b"\r\n":
        pos -= 2
    elif text[pos - 1 : pos] in (b"\n", b"\r"):
        pos -= 1
    if count > _FEW_LINES:  # a long record: one forward pass, not count searches
        breaks = [m.end() for m in _BREAK.finditer(text, low, pos)]
        if len(breaks) >= count:
            return text[breaks[-count] : end].decode("utf-8")
        return None if start < 0 else text[low:end].decode("utf-8")
    found = low - 1
    for _ in range(count):
        found = max(text.rfind(b"\n", low, pos), text.rfind(b"\r", low, pos))
        if found < 0:
            if start < 0:
                return None
            found = low - 1
            break
        pos = found - 1 if text[found - 1 : found + 1] == b"\r\n" else found
    return text[found + 1 : end].decode("utf-8")


def offset_of_line(data: bytes, offset: int, line: int, target: int) -> int:
    """Byte offset where physical line `target` starts, from `offset` at `line`."""
    if target <= line:
        return offset
    for match in _BREAK.finditer(data, offset):
        line += 1
        if line == target:
            return match.end()
    return len(data)
