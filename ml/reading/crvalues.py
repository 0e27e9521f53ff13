"""Lone CRs inside unquoted values, as pandas and Python's csv module write them.

Those writers quote a value only for the characters of their line terminator,
so in an LF file a value holding a lone CR ("a\\r=1+1") is written unquoted,
and every CSV reader ends the record there: one row becomes two lines with the
wrong number of fields. Where a line between two LFs has exactly the table's
field count when its lone CRs are read as part of values, and a part that is
not blank would be left out otherwise, the values holding them are put in
quotes before the rows are parsed. Quotes add no line break, so every line
number stays as it was: the CR still counts as a physical line end, as a CR
inside a quoted value does.

When such values are in most of the first rows, the column names are looked
for again with those CRs read as part of values (find_layout_with_cr_values).

Lone CRs that end lines are left alone: in files without LF (classic Mac), at
the start or end of a line (CR CR LF), and where the line has another field
count either way (a stray CR between two rows).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ml.errors import InputDataError
from ml.reading.sniff import Layout, find_layout

_LONE_CR = re.compile(rb"\r(?!\n)")
_INLINE_CR = re.compile(r"(?<=[^\r\n])\r(?=[^\r\n])")  # not at a line's start or end
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_HIDDEN = "\x1f"  # stands for a CR in a value while sniffing
_EMPTY = (b"", b'""')


def find_layout_with_cr_values(
    head: str, file: str, *, complete: bool, delimiter: str | None
) -> Layout:
    """find_layout, or if it refuses the first part of the file or finds no
    column names before some line, find_layout with the lone CRs inside LF lines
    read as parts of values (when that finds them on an earlier line)."""
    try:
        layout = find_layout(head, file, complete=complete, delimiter=delimiter)
    except InputDataError:
        other = _with_cr_values(head, file, complete, delimiter)
        if other is None:
            raise
        return other
    if layout.header.line == 1:
        return layout
    other = _with_cr_values(head, file, complete, delimiter)
    if other is not None and other.header.line < layout.header.line:
        return other
    return layout


def _with_cr_values(
    head: str, file: str, complete: bool, delimiter: str | None
) -> Layout | None:
    """The layout with CRs inside LF lines as characters; None if there are
    none, it is refused too, or such a CR comes before the column names (their
    line numbers would then differ)."""
    if "\n" not in head:
        return None
    hidden, count = _INLINE_CR.subn(_HIDDEN, head)
    if not count:
        return None
    try:
        layout = find_layout(hidden, file, complete=complete, delimiter=delimiter)
    except InputDataError:
        return None
    end = layout.header.end_line
    if _HIDDEN in "".join(_LINE_BREAK.split(hidden, maxsplit=end)[:end]):
        return None
    return layout


def quote_crs_in_values(data: bytes, start: int, delimiter: str, width: int) -> bytes:
    """`data` with the unquoted values (from byte `start` on, in lines of
    `width` fields) that hold a lone CR put in quotes; `data` itself if none."""
    if width < 2 or data.find(b"\n", start) < 0 or data.find(b"\r", start) < 0:
        # One column, or only CR line ends (every CR ends a line), or no CR
        # (found faster than by the regular expression).
        return data
    separator = delimiter.encode()
    parts: list[bytes] = []
    done, counted = 0, start
    quotes = 0
    found = _LONE_CR.search(data, start)
    while found is not None:
        first = data.rfind(b"\n", counted, found.start()) + 1 or counted
        end = data.find(b"\n", found.end())
        end = len(data) if end < 0 else end
        quotes += data.count(b'"', counted, first)
        counted = first
        if quotes % 2 == 0:  # else the line starts inside a quoted value
            fixed = _quoted_line(data[first:end], separator, width)
            if fixed is not None:
                parts += (data[done:first], fixed)
                done = end
        found = _LONE_CR.search(data, end)
    if not parts:
        return data
    parts.append(data[done:])
    return b"".join(parts)


def _quoted_line(line: bytes, separator: bytes, width: int) -> bytes | None:
    """The line with its values holding a lone CR quoted, if that gives it
    `width` fields and the CRs as line ends would not; else None."""
    lead = len(line) - len(line.lstrip(b"\r"))
    trail = len(line.rstrip(b"\r"))  # a CR before the LF (or CRs) end the line
    core = line[lead:trail]
    if b"\r" not in core:
        return None
    if b'"' in core:
        fields = _fields(core, separator, width)
        if fields is None or len(fields) != width:
            return None
        pieces = _pieces(fields)
    else:  # the common case, on C-speed splits
        if core.count(separator) != width - 1:
            return None
        fields = core.split(separator)
        pieces = [part.split(separator) for part in core.split(b"\r")]
    if not any(len(piece) != width and not _blank(piece) for piece in pieces):
        return None
    quoted = [
        b'"' + field + b'"' if b"\r" in field and field[:1] != b'"' else field
        for field in fields
    ]
    return line[:lead] + separator.join(quoted) + line[trail:]


def _fields(core: bytes, separator: bytes, width: int) -> list[bytes] | None:
    """The raw fields of a line (quoted ones with their quotes); None if some
    field is neither fully quoted nor free of quotes, or there are over `width`."""
    pattern = _field_pattern(separator)
    fields: list[bytes] = []
    pos = 0
    while len(fields) <= width:
        match = pattern.match(core, pos)
        assert match is not None  # the pattern matches the empty string
        fields.append(match.group())
        pos = match.end()
        if pos == len(core):
            return fields
        if not core.startswith(separator, pos):
            return None
        pos += len(separator)
    return None


def _pieces(fields: list[bytes]) -> list[list[bytes]]:
    """The fields of the lines left when the CRs in unquoted fields end lines."""
    pieces: list[list[bytes]] = [[]]
    for field in fields:
        if field[:1] == b'"':
            pieces[-1].append(field)
            continue
        head, *rest = field.split(b"\r")
        pieces[-1].append(head)
        pieces.extend([part] for part in rest)
    return pieces


def _blank(piece: list[bytes]) -> bool:
    """A line with no content, as the parsers see it (see sniff.is_blank)."""
    if len(piece) == 1:
        return piece[0].strip() in _EMPTY
    return all(value in _EMPTY for value in piece)


@lru_cache(maxsize=8)
def _field_pattern(separator: bytes) -> re.Pattern[bytes]:
    """A fully quoted field ("" inside for a quote) or one without quotes."""
    return re.compile(rb'"[^"]*(?:""[^"]*)*"|[^"' + re.escape(separator) + rb"]*")
