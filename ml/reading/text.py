"""Read a delimited text table: encoding, layout, report header/footer, rows, notes."""

from __future__ import annotations

import codecs
import re

import pyarrow as pa

from ml.errors import InputDataError, PushwiseError
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report
from ml.reading.broken import (
    NUL_BYTE,
    UNCLOSED_QUOTE,
    parse_past_open_quotes,
    reject_nul_rows,
)
from ml.reading.crvalues import find_layout_with_cr_values, quote_crs_in_values
from ml.reading.delimited import Ragged, arrow_table, number_counted, parse_body
from ml.reading.encoding import (
    Decoded,
    NotText,
    decode_as,
    decode_text,
)
from ml.reading.exact import parse_exact
from ml.reading.model import ENCODING_NAMES, RawTable, ReadInfo
from ml.reading.notes import bad_note, blank_note, footer_note, header_note
from ml.reading.rows import BOM, Body, BodySpec, UnclosedQuote, offset_of_line
from ml.reading.sniff import DELIMITERS, Footer, Layout, find_footer, find_layout
from ml.reading.sources import Source, reopen
from ml.reading.table import NO_ROWS_HINT, column_number, make_table, no_rows

_HEAD = 1 << 16  # first sample for delimiter and header; grows for long records
_MAX_HEAD = 16 << 20
_HEAD_LINES = 60
_TAIL = 1 << 16  # last part searched for report footer lines
_STREAM_BLOCK = 1 << 20  # small blocks start parsing sooner while inflating
_BREAK = re.compile(rb"\r\n|\r|\n")


def read_text(
    source: Source,
    *,
    rows: int | None,
    encoding: str | None = None,
    delimiter: str | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> RawTable:
    """Read a CSV/TSV source: all rows, or the first `rows` ones (preview).

    `encoding` (a key of ENCODING_NAMES) and `delimiter` (one of DELIMITERS)
    replace the detected ones when given.
    """
    if encoding is not None and encoding not in ENCODING_NAMES:
        raise ValueError(f"unknown encoding {encoding!r}")
    if delimiter is not None and delimiter not in DELIMITERS:
        raise ValueError(f"unknown delimiter {delimiter!r}")
    file = source.file
    if rows is None and source.text.pending and encoding in (None, "utf-8"):
        report(0.1, f"Reading the rows of {file}")
        streamed = _read_while_loading(source, delimiter, stop_requested)
        if streamed is not None:
            return streamed
        if source.text.spent:
            source = reopen(source)  # the whole-text path reads it again
    check_cancel(stop_requested)
    report(0.3, f"Checking the text of {file}")
    decoded = _decode(source, encoding)
    data = decoded.data
    if not data or data.isspace():
        raise InputDataError("the file is empty.", file=file, hint=NO_ROWS_HINT)
    head, head_complete = _head(data, source.complete, file)
    layout = find_layout_with_cr_values(
        head, file, complete=head_complete, delimiter=delimiter
    )
    body_first = layout.header.end_line + 1
    body_start = offset_of_line(data, 0, 1, body_first)
    data = quote_crs_in_values(data, body_start, layout.delimiter, layout.width)
    lone_cr = b"\r" in data and data.count(b"\r") != data.count(b"\r\n")
    total = _count_lines(data, lone_cr)
    if source.complete:
        footer, body_end = _footer(data, 0, body_start, total, layout)
    else:
        footer, body_end = Footer(total + 1, (), ()), len(data)
    spec = _spec(file, layout, footer)
    check_cancel(stop_requested)
    report(0.5, f"Reading the rows of {file}")
    if rows is None:

        def parse(start: int, end: int, part: BodySpec) -> Body:
            return parse_body(
                data, start, end, part, lone_cr=lone_cr, stop_requested=stop_requested
            )

    else:

        def parse(start: int, end: int, part: BodySpec) -> Body:
            text = data[start:end].decode("utf-8")
            return parse_exact(text, part, never, limit=rows, complete=source.complete)

    body = parse_past_open_quotes(parse, data, body_start, body_end, spec)
    if data.find(b"\0", body_start, body_end) >= 0:
        body = reject_nul_rows(body, spec, layout.header.fields)
    if rows is not None:
        body = _first_rows(body, rows)
    return _result(source, decoded.encoding, decoded.note, layout, footer, body)


def _first_rows(body: Body, rows: int) -> Body:
    """The first `rows` rows of a preview (parts read past an open quote add up)."""
    if len(body.lines) <= rows:
        return body
    last = body.lines[rows - 1].as_py()
    return Body(
        [column.slice(0, rows) for column in body.columns],
        body.lines.slice(0, rows),
        tuple(bad for bad in body.bad_lines if bad.line <= last),
        tuple(line for line in body.blank_lines if line <= last),
    )


def _decode(source: Source, encoding: str | None) -> Decoded:
    raw = source.text.whole()
    if encoding is None:
        return decode_text(raw, source.file, complete=source.complete)
    return decode_as(raw, encoding, source.file, complete=source.complete)


def _spec(file: str, layout: Layout, footer: Footer) -> BodySpec:
    body_first = layout.header.end_line + 1
    return BodySpec(
        file,
        layout.delimiter,
        layout.width,
        layout.header.line,
        body_first,
        footer.first_line - body_first,
    )


def _result(
    source: Source,
    encoding: str,
    encoding_note: str | None,
    layout: Layout,
    footer: Footer,
    body: Body,
) -> RawTable:
    """Check that rows were found, then name columns and write the notes."""
    file, header = source.file, layout.header
    if len(body.lines) == 0 and body.bad_lines:
        raise InputDataError(
            f"none of its {len(body.bad_lines)} data lines has the {layout.width} "
            f"fields of the column names (row {header.line}).",
            file=file,
            hint="Check that all lines use the same delimiter.",
        )
    if len(body.lines) == 0 and source.complete:
        raise no_rows(file, header.line)
    table, name_notes = make_table(
        header.fields, body.columns, body.lines, column_number
    )
    above = list(range(1, header.line))
    titles = {line for r in layout.pre_header for line in range(r.line, r.end_line + 1)}
    blank = sorted({*body.blank_lines, *footer.blank})
    notes = [
        *source.notes,
        encoding_note,
        header_note(above, set(above) - titles),
        *name_notes,
        blank_note(blank),
        *(footer_note(line, text) for line, text in footer.lines),
        *_bad_notes(body),
    ]
    skipped = sorted({*above, *blank, *(line for line, _ in footer.lines)})
    info = ReadInfo(
        file,
        "csv",
        encoding,
        layout.delimiter,
        None,
        header.line,
        tuple(note for note in notes if note),
        tuple(skipped),
    )
    digest = source.digest.sha256 if source.digest is not None else None
    return RawTable(info, table, body.bad_lines, digest)


def _bad_notes(body: Body) -> list[str | None]:
    """One note per reason lines were left out for."""
    reasons = {
        UNCLOSED_QUOTE: "with a quote that is never closed",
        NUL_BYTE: "holding a NUL byte (binary data)",
    }
    notes = [
        bad_note([bad.line for bad in body.bad_lines if bad.reason_code == code], why)
        for code, why in reasons.items()
    ]
    other = [bad.line for bad in body.bad_lines if bad.reason_code not in reasons]
    return [bad_note(other), *notes]


def _read_while_loading(
    source: Source, delimiter: str | None, stop_requested: StopFn
) -> RawTable | None:
    """Parse the rows with pyarrow while the rest is still being decompressed.

    Only for UTF-8 text whose first part holds enough lines, with no NUL, stray
    CR or report footer; any doubt means None, and the whole-text path decides.
    """
    stream, file = source.text, source.file
    raw = stream.prefix(_HEAD)
    try:
        decoded = decode_text(raw, file, complete=False)
        head = decoded.data.decode("utf-8")
        utf8 = decoded.encoding in ("utf-8", "utf-8-sig")
        if not utf8 or head.count("\n") < _HEAD_LINES:
            return None
        layout = find_layout(head, file, complete=False, delimiter=delimiter)
    except NotText:
        raise  # final: never load a large binary file whole to say so
    except InputDataError:
        return None
    bom = len(codecs.BOM_UTF8) if decoded.encoding == "utf-8-sig" else 0
    start = offset_of_line(raw, bom, 1, layout.header.end_line + 1)
    if raw.startswith(BOM, start):
        return None  # the first value starts with U+FEFF, which pyarrow would drop
    spec = BodySpec(file, layout.delimiter, layout.width, layout.header.line, 0, 0)
    reader = stream.stream_through(start)  # the text is never held whole
    stream.load_in_background()
    try:
        read = arrow_table(
            reader, spec, block_size=_STREAM_BLOCK, threads=False, numbered=True
        )
        tail, base = stream.tail(_TAIL + 1)
    except (pa.ArrowException, PushwiseError, OSError):
        if stream.failure is not None:
            raise stream.failure from None  # a damaged file or a bomb: final
        return None  # invalid UTF-8 or a very long record
    finally:
        stream.close()
    counts = stream.counts
    if read is None or counts is None or counts.first_nul >= 0 or counts.lone_crs:
        return None
    check_cancel(stop_requested)
    try:
        footer, end = _footer(tail, base, start, counts.lines, layout)
    except UnicodeDecodeError:
        return None  # bytes pyarrow did not see as cells: the whole path decides
    if footer.lines:
        return None
    # Trailing blank lines are one record each, after the body.
    table, ragged = _without_last(*read, counts.lines + 1 - footer.first_line)
    try:
        body = number_counted(
            table,
            ragged,
            tail,
            base,
            (start, end),
            _spec(file, layout, footer),
            lone_cr=False,
        )
    except UnclosedQuote:
        return None  # the whole path reads on past it
    if body is None:
        return None
    return _result(source, decoded.encoding, None, layout, footer, body)


def _without_last(
    table: pa.Table, ragged: list[Ragged], drop: int
) -> tuple[pa.Table, list[Ragged]]:
    """A numbered read without its last `drop` records (rows or ragged ones)."""
    if drop <= 0:
        return table, ragged
    keep = table.num_rows + len(ragged) - drop
    kept = [record for record in ragged if record.number <= keep]
    return table.slice(0, max(keep - len(kept), 0)), kept


def _head(data: bytes, complete: bool, file: str) -> tuple[str, bool]:
    """A prefix of whole lines, grown until it holds enough lines to sniff."""
    size = _HEAD
    while True:
        if size >= len(data):
            return data.decode("utf-8"), complete
        chunk = data[:size]
        end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        breaks = chunk.count(b"\n", 0, end) + chunk.count(b"\r", 0, end)
        enough = breaks >= _HEAD_LINES or size >= _MAX_HEAD
        if end >= 0 and enough:
            return chunk[: end + 1].decode("utf-8"), False
        if size >= _MAX_HEAD:
            raise InputDataError(
                "the first line is longer than 16 MB, so this is not a table.",
                file=file,
                hint="Check that this is the file you meant to import.",
            )
        size *= 4


def _count_lines(data: bytes, lone_cr: bool) -> int:
    """Physical lines: CR, LF and CRLF each end one; a last unended line counts."""
    breaks = data.count(b"\n")
    if lone_cr:
        breaks += data.count(b"\r") - data.count(b"\r\n")
    return breaks + (not data.endswith((b"\n", b"\r")))


def _footer(
    text: bytes, base: int, body_start: int, total: int, layout: Layout
) -> tuple[Footer, int]:
    """Report footer and trailing blank lines, searched in the last part of the
    file's bytes (`text` holds them from offset `base` on, at least _TAIL of
    them), and the offset where they start."""
    end = base + len(text)
    start = max(body_start, end - _TAIL)
    if start > body_start:
        found = _BREAK.search(text, start - base)
        start = base + found.end() if found else end
    tail = text[start - base :]
    tail_first = total - _count_lines(tail, b"\r" in tail) + 1
    footer = find_footer(
        tail.decode("utf-8"),
        tail_first,
        delimiter=layout.delimiter,
        width=layout.width,
        after_line=layout.header.end_line,
    )
    offset = offset_of_line(text, start - base, tail_first, footer.first_line)
    return footer, base + offset
