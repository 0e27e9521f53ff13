"""Round trip: any table of strings written as CSV reads back equal, lines exact."""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ml.errors import InputDataError
from ml.progress import never
from ml.reading import LINE_COLUMN, delimited, read_table
from ml.reading.encoding import UTF8_MULTIBYTE
from ml.reading.exact import parse_exact
from ml.reading.rows import Body, BodySpec
from ml.reading.sniff import is_footer_phrase

# More examples for a deeper run: PUSHWISE_READING_EXAMPLES=5000 pytest ...
EXAMPLES = int(os.environ.get("PUSHWISE_READING_EXAMPLES", "150"))
BREAKS = re.compile(r"\r\n|\r|\n")
SPECIAL = [",", ";", "\t", "|", '"', "\n", "\r", " "]
# Any text except control characters (not what tables hold; NUL means binary),
# plus the characters that matter to CSV.
CELL = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from(SPECIAL),
    max_size=12,
)
NAME = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzÄÖÜäöüéß"), min_size=1, max_size=6
)
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """Unique column names (case-insensitively) and rows of any strings."""
    width = draw(st.integers(2, 5))
    names = draw(st.lists(NAME, min_size=width, max_size=width, unique_by=str.casefold))
    rows = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=8))
    return names, rows


def _csv(rows: list[list[str]], delimiter: str, quoting: int, terminator: str) -> str:
    out = io.StringIO()
    csv.writer(
        out, delimiter=delimiter, quoting=quoting, lineterminator=terminator
    ).writerows(rows)
    return out.getvalue()


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from(QUOTING),
    terminator=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(ENCODINGS),
    padded=st.booleans(),
    gzipped=st.booleans(),
)
def test_written_table_reads_back_equal(
    table: tuple[list[str], list[list[str]]],
    delimiter: str,
    quoting: int,
    terminator: str,
    encoding: str,
    padded: bool,
    gzipped: bool,
) -> None:
    names, rows = table
    if padded:  # enough lines for the parse-while-decompressing path
        rows = rows + [[f"p{i}"] * len(names) for i in range(70)]
    cells = [cell for row in rows for cell in row]
    if quoting == csv.QUOTE_NONE:
        # Without quotes such values cannot be written (csv needs an escape char).
        assume(not any(set(cell) & {delimiter, '"', "\r", "\n"} for cell in cells))
    if terminator == "\n" and quoting == csv.QUOTE_MINIMAL:
        # csv leaves a lone CR unquoted then, which any reader takes as a line end.
        assume(not any("\r" in cell for cell in cells))
    kept = [row for row in rows if any(row)]  # rows of only empty cells are blank
    assume(kept)
    # A last row starting like "Total" or "© ..." is a report footer.
    assume(not is_footer_phrase(kept[-1]))
    header = _csv([names], delimiter, quoting, terminator)
    written = [_csv([row], delimiter, quoting, terminator) for row in rows]
    text = header + "".join(written)
    if encoding == "cp1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:
            assume(False)
            raise
        # cp1252 bytes that happen to form UTF-8 (e.g. "Ã©") are read as UTF-8.
        assume(UTF8_MULTIBYTE.search(data) is None)
    else:
        data = _encode(text, encoding)
    expected_lines = []
    line = 1 + len(BREAKS.findall(header))
    for row, chunk in zip(rows, written, strict=True):
        if any(row):
            expected_lines.append(line)
        line += len(BREAKS.findall(chunk))

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("t.csv.gz" if gzipped else "t.csv")
        path.write_bytes(gzip.compress(data) if gzipped else data)
        raw = read_table(path)

    assert raw.info.delimiter == delimiter
    assert raw.info.header_line == 1
    assert raw.bad_lines == ()
    assert raw.table.column_names == [*names, LINE_COLUMN]
    expected = [
        {**{n: (c if c != "" else None) for n, c in zip(names, row, strict=True)}}
        for row in kept
    ]
    got = raw.table.to_pylist()
    assert [{k: v for k, v in r.items() if k != LINE_COLUMN} for r in got] == expected
    assert [r[LINE_COLUMN] for r in got] == expected_lines
    if encoding == "cp1252" and not data.isascii():
        assert raw.info.encoding == "cp1252"
    elif encoding.startswith("utf-16"):
        assert raw.info.encoding == "utf-16"


MESSY = st.lists(
    st.sampled_from(["a", "b", ",", '"', "\n", "\r", "\r\n", " "]), max_size=40
).map("".join)


def _outcome(parse: Callable[[], Body | None]) -> object:
    try:
        body = parse()
    except InputDataError as error:
        return ("refused", error.row)
    if body is None:
        return None
    return (
        body.lines.to_pylist(),
        [column.to_pylist() for column in body.columns],
        [(bad.line, bad.text) for bad in body.bad_lines],
        sorted(body.blank_lines),
    )


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(body=MESSY, width=st.integers(1, 4))
def test_fast_counted_and_exact_paths_agree(body: str, width: int) -> None:
    """Ragged, blank, stray-CR and unclosed-quote lines: pyarrow's fast path (when
    it answers), its counted path (when it answers) and the csv module agree on
    rows, lines, bad lines and refusals."""
    data = body.encode()
    breaks = len(BREAKS.findall(body))
    line_count = breaks + (0 if not body or body[-1] in "\r\n" else 1)
    spec = BodySpec("f.csv", ",", width, 1, 2, line_count)
    lone_cr = data.count(b"\r") != data.count(b"\r\n")
    exact = _outcome(lambda: parse_exact(body, spec, never))
    counted = _outcome(
        lambda: delimited.parse_counted(data, 0, len(data), spec, lone_cr=lone_cr)
    )
    assert counted is None or counted == exact
    if not lone_cr:
        fast = _outcome(lambda: delimited.parse_fast(data, 0, len(data), spec))
        assert fast is None or fast == exact
