"""The exact path: parse data rows with the csv module, which knows the physical
lines of every record. Used when pyarrow's result cannot be numbered exactly,
and for previews of a file's first part."""

from __future__ import annotations

from ml.progress import StopFn, check_cancel
from ml.reading.model import BadLine
from ml.reading.rows import Body, BodySpec, check_closed, collect, wrong_field_count
from ml.reading.sniff import is_blank, iter_records

_CANCEL_EVERY = 1 << 16


def parse_exact(
    text: str,
    spec: BodySpec,
    stop_requested: StopFn,
    *,
    limit: int | None = None,
    complete: bool = True,
) -> Body:
    """csv-module parse of the body text, each row with its physical line.

    `limit`: stop after this many rows (preview). `complete=False`: the text is a
    file prefix, so its last record may be cut off and is dropped.
    """
    rows: list[tuple[str, ...]] = []
    lines: list[int] = []
    bad: list[BadLine] = []
    blank: list[int] = []
    last_kind = ""  # "row", "blank" or "bad": what to drop when the text is cut off
    last = None
    records = iter_records(text, spec.delimiter, first_line=spec.first_line)
    for count, record in enumerate(records):
        if count % _CANCEL_EVERY == 0:
            check_cancel(stop_requested)
        if limit is not None and len(rows) > limit:
            break
        last = record
        if len(record.fields) == spec.width and not is_blank(record.fields):
            rows.append(record.fields)
            lines.append(record.line)
            last_kind = "row"
        elif is_blank(record.fields):
            blank.extend(range(record.line, record.end_line + 1))
            last_kind = "blank"
        else:
            fields = len(record.fields)
            bad.append(wrong_field_count(record.line, fields, record.text, spec))
            last_kind = "bad"
    else:
        if not complete:
            if last_kind == "row":
                rows.pop()
                lines.pop()
            elif last_kind == "bad":
                bad.pop()
        elif last is not None:
            check_closed(last.text, last.line, last.end_line, spec)
    if limit is not None:
        del rows[limit:], lines[limit:]
    return collect(rows, lines, bad, blank, spec)
