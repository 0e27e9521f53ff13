"""Which columns of a file have values with spaces around them to trim.

DuckDB's trim() costs more than any other step of converting a big file (a
third of the check), yet most exports pad no value. A column is looked at in
its Arrow buffers: the first and last byte of every value, and only values
whose edge byte could belong to a space are decoded and looked at in Python.
A padded text column is trimmed by Arrow before DuckDB sees it (`trimmed`):
the same characters go, ten times faster.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Edge bytes of every character DuckDB's trim() removes (Unicode category Zs:
# U+0020, U+00A0, U+1680, U+2000-200A, U+202F, U+205F, U+3000), plus ASCII
# tab to carriage return, which trim() keeps today: safer to over-trim.
# Kept as tables indexed by byte value: a lookup is cheaper than np.isin.
_FIRST = np.zeros(256, dtype=bool)
_FIRST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_LAST = np.zeros(256, dtype=bool)
_LAST[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, *range(0x80, 0x8B), 0xAF, 0x9F]] = True
# More candidate values than this in a column: call it padded without looking.
_MAX_CANDIDATES = 10_000
# What DuckDB's trim() removes from both ends: Unicode category Zs, no more
# (tests/ml/test_import_trim.py holds the two to the same result).
SPACES = "".join(
    map(chr, (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000))
)


def unpadded_columns(table: pa.Table, names: list[str]) -> frozenset[str]:
    """The columns among `names` where no value starts or ends with a space."""
    return frozenset(name for name in names if not _padded(table.column(name)))


def trimmed(table: pa.Table, names: Iterable[str]) -> tuple[pa.Table, set[str]]:
    """`table` with the values of those columns among `names` that hold strings
    trimmed as DuckDB's trim() trims them, and the names of those columns."""
    done = set()
    for name in names:
        index = table.schema.get_field_index(name)  # -1 unless one such name
        column = table.column(index)
        if index >= 0 and column.type in (pa.string(), pa.large_string()):
            column = pc.utf8_trim(column, characters=SPACES)
            table = table.set_column(index, name, column)
            done.add(name)
    return table, done


def _padded(column: pa.ChunkedArray) -> bool:
    if column.type != pa.string():
        return True  # only plain strings are looked at; others keep the trim
    budget = _MAX_CANDIDATES
    for chunk in column.chunks:
        if len(chunk) == 0 or chunk.null_count == len(chunk):
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        if data_buffer is None or offsets_buffer is None:
            continue
        offsets = np.frombuffer(offsets_buffer, dtype=np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = np.flatnonzero(ends > starts)
        first = data[starts[filled]]
        last = data[ends[filled] - 1]
        edge = _FIRST[first] | _LAST[last]
        candidates = filled[edge]
        budget -= len(candidates)
        if budget < 0:
            return True
        values = chunk.take(pa.array(candidates, pa.int64())).to_pylist()
        if any(value and (_space(value[0]) or _space(value[-1])) for value in values):
            return True
    return False


def _space(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Zs"
