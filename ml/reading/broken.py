"""Lines left out, with their reason, instead of refusing the whole file: a value
holding a NUL byte, and a quote that is never closed (which would swallow every
line after it). Reading goes on with the next line, and every line stays
accounted for: rows + bad lines + blank and skipped lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from ml.errors import InputDataError
from ml.reading.model import BadLine, shorten
from ml.reading.rows import Body, BodySpec, UnclosedQuote, offset_of_line

NUL_BYTE = "nul_byte"
UNCLOSED_QUOTE = "unclosed_quote"
# Beyond this many open quotes each re-read of the rest costs more than it
# saves: the file is refused as before.
MAX_UNCLOSED = 20

ParseFn = Callable[[int, int, BodySpec], Body]  # parse data[start:end] as a body


def parse_past_open_quotes(
    parse: ParseFn, data: bytes, start: int, end: int, spec: BodySpec
) -> Body:
    """`parse` the body data[start:end]; where a quote is never closed, leave out
    the record up to the line of that quote and parse on from the next line."""
    parts: list[Body] = []
    recovered = 0
    while True:
        try:
            parts.append(parse(start, end, spec))
            return merge(parts)
        except UnclosedQuote as open_quote:
            if recovered >= MAX_UNCLOSED:
                raise
            recovered += 1
            first, quote = open_quote.record, open_quote.quote_line
            record = offset_of_line(data, start, spec.first_line, first)
            after = offset_of_line(data, record, first, quote + 1)
            parts.append(parse(start, record, _lines(spec, spec.first_line, first)))
            text = data[record:after].decode("utf-8", errors="replace")
            parts.append(_bad_body(unclosed_line(open_quote, text, spec), spec))
            start = after
            spec = _lines(spec, quote + 1, spec.first_line + spec.line_count)


def _lines(spec: BodySpec, first: int, stop: int) -> BodySpec:
    """The spec of the body's lines first..stop-1."""
    return BodySpec(
        spec.file, spec.delimiter, spec.width, spec.header_line, first, stop - first
    )


def unclosed_line(open_quote: UnclosedQuote, text: str, spec: BodySpec) -> BadLine:
    """The bad line for a record whose quote never closes (line of the quote)."""
    message = InputDataError(
        'a value on this line starts with a quote (") that is never closed; the '
        "line was left out and reading went on with the next line.",
        file=spec.file,
        row=open_quote.quote_line,
        hint="Add the missing closing quote, or export the file again.",
    ).message
    text = shorten(text.rstrip())
    return BadLine(open_quote.quote_line, UNCLOSED_QUOTE, message, text)


def reject_nul_rows(body: Body, spec: BodySpec, names: Sequence[str]) -> Body:
    """Move rows with a NUL byte in any value to the bad lines."""
    found = None
    for column in body.columns:
        has = pc.fill_null(pc.match_substring(column, "\x00"), False)
        found = has if found is None else pc.or_(found, has)
    if found is None or not pc.any(found).as_py():
        return body
    values = [pc.filter(column, found).to_pylist() for column in body.columns]
    bad = list(body.bad_lines)
    for index, line in enumerate(pc.filter(body.lines, found).to_pylist()):
        row = [column[index] or "" for column in values]
        at = next(i for i, value in enumerate(row) if "\x00" in value)
        bad.append(_nul_line(line, names[at] if at < len(names) else None, row, spec))
    bad.sort(key=lambda item: item.line)
    keep = pc.invert(found)
    kept = [pc.filter(column, keep) for column in body.columns]
    return Body(kept, pc.filter(body.lines, keep), tuple(bad), body.blank_lines)


def _nul_line(line: int, column: str | None, row: list[str], spec: BodySpec) -> BadLine:
    message = InputDataError(
        "this line holds a NUL byte (binary data, not text) in a value; the line "
        "was left out.",
        file=spec.file,
        row=line,
        column=column,
        hint="Check the line in the system it was exported from, or export the "
        "file again.",
    ).message
    text = spec.delimiter.join(row).replace("\x00", "\\0")
    return BadLine(line, NUL_BYTE, message, shorten(text))


def merge(parts: Sequence[Body]) -> Body:
    """One body from bodies of consecutive parts of the file, in order."""
    if len(parts) == 1:
        return parts[0]
    width = len(parts[0].columns)
    columns = [
        pa.chunked_array(
            [chunk for part in parts for chunk in part.columns[i].chunks], pa.string()
        )
        for i in range(width)
    ]
    pieces: list[pa.Array] = []
    for part in parts:  # a filtered body holds its lines as a chunked array
        found = part.lines
        chunks = found.chunks if isinstance(found, pa.ChunkedArray) else [found]
        pieces.extend(chunk.cast(pa.int64()) for chunk in chunks)
    lines = pa.concat_arrays(pieces) if pieces else pa.array([], pa.int64())
    bad = tuple(item for part in parts for item in part.bad_lines)
    blank = tuple(line for part in parts for line in part.blank_lines)
    return Body(columns, lines, bad, blank)


def _bad_body(bad: BadLine, spec: BodySpec) -> Body:
    columns = [pa.chunked_array([], pa.string()) for _ in range(spec.width)]
    return Body(columns, pa.array([], pa.int64()), (bad,), ())
