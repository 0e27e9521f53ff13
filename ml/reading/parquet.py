"""Read a Parquet file and turn every column into text, as a CSV export shows it."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ml.errors import InputDataError
from ml.reading.limits import allowed, bomb_error

_HINT = "Write the file again, or export the data as CSV."
_NULL = pa.scalar(None, pa.string())


def read_parquet(path: str, file: str, *, max_rows: int | None = None) -> pa.Table:
    """The file's table (or its first `max_rows` rows), every column as text."""
    try:
        parquet = pq.ParquetFile(path)
        if max_rows is None:
            _check_expansion(parquet, path, file)
            table = parquet.read()
        else:
            batches = parquet.iter_batches(batch_size=max(max_rows, 1))
            first = next(batches, None)
            table = (
                pa.Table.from_batches([first])
                if first is not None
                else parquet.schema_arrow.empty_table()
            )
    except (pa.ArrowException, OSError) as exc:
        raise InputDataError(
            f"the Parquet file cannot be read ({exc}).", file=file, hint=_HINT
        ) from exc
    columns = [
        as_text(table.column(i), table.column_names[i], file)
        for i in range(table.num_columns)
    ]
    return pa.Table.from_arrays(columns, names=[str(n) for n in table.column_names])


def _check_expansion(parquet: pq.ParquetFile, path: str, file: str) -> None:
    """Refuse a file whose columns would expand far beyond its size: every
    cell takes at least a 4-byte offset in the text table, and every column
    chunk its uncompressed size (compressed pages and runs of one value can
    otherwise hide gigabytes in a few kilobytes)."""
    meta = parquet.metadata
    cells = meta.num_rows * meta.num_columns * 4
    pages = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    )
    size = os.path.getsize(path)
    expanded = max(cells, pages)
    if expanded > allowed(size):
        raise bomb_error(file, "the Parquet data", expanded, size, declared=True)


def as_text(column: pa.ChunkedArray, name: str, file: str) -> pa.ChunkedArray:
    """One column as pa.string(): ISO timestamps, no NaN, empty text -> null."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return as_text(column.cast(kind.value_type), name, file)
    if pa.types.is_timestamp(kind) or pa.types.is_time(kind):
        if pa.types.is_timestamp(kind):
            text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        else:
            text = column.cast(pa.string())
        # Whole seconds print as "08:26:00.000000"; keep only real fractions.
        text = pc.replace_substring_regex(text, pattern=r"\.0+$", replacement="")
        return pc.replace_substring_regex(
            text, pattern=r"(\.\d*[1-9])0+$", replacement=r"\1"
        )
    if pa.types.is_floating(kind):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
    if pa.types.is_nested(kind):
        values = [
            None if v is None else json.dumps(v, default=str)
            for v in column.to_pylist()
        ]
        return pa.chunked_array([pa.array(values, pa.string())], pa.string())
    try:
        text = column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputDataError(
            f"the column holds {kind} values that cannot be shown as text.",
            file=file,
            column=name,
            hint=_HINT,
        ) from exc
    return pc.if_else(pc.equal(text, ""), _NULL, text)
