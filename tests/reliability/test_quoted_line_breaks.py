"""Line breaks inside values: a CR, LF or CRLF in an id is kept in the value
and costs no row, whether the writer quoted it (RFC 4180) or, like pandas and
Python's csv module on an LF file, left a lone CR unquoted. Lone CRs that end
lines (classic Mac files, a stray CR between two rows) still end lines, and
every path (streamed, careful, preview) reads the same rows and lines."""

from __future__ import annotations

import csv
import gzip
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ml.reading.text
from ml.importing.importer import import_file
from ml.reading import LINE_COLUMN, read_preview, read_table
from ml.reading.crvalues import quote_crs_in_values
from ml.reading.model import RawTable
from ml.reading.sniff import is_footer_phrase
from ml.store.project import Project

COLUMNS = ["order_id", "customer_id", "product_id", "order_date", "quantity"]
VALUES = {
    "cr": "a\r=1+1",  # pandas writes these two unquoted
    "lead_cr": "\r=1+1",
    "crlf": "x\r\ny",  # and these quoted
    "lf": "x\ny",
}


def _frame(value: str, rows: int = 3) -> pd.DataFrame:
    """Orders whose second customer and third product are `value`."""
    customers = [f"c{n}" for n in range(1, rows + 1)]
    products = [f"p{n}" for n in range(1, rows + 1)]
    customers[1], products[2] = value, value
    return pd.DataFrame(
        {
            "order_id": range(1, rows + 1),
            "customer_id": customers,
            "product_id": products,
            "order_date": "2024-01-05",
            "quantity": range(1, rows + 1),
            "amount": [float(n) for n in range(1, rows + 1)],
        }
    )


def _stored(project: Project) -> list[tuple[str, str, int]]:
    rows = project.con.execute(
        "SELECT customer_id, offering_id, line FROM orders ORDER BY line"
    ).fetchall()
    return [(str(c), str(o), int(line)) for c, o, line in rows]


@pytest.mark.parametrize("case", sorted(VALUES))
def test_pandas_written_line_breaks_in_ids_keep_every_row(
    tmp_path: Path, case: str
) -> None:
    value = VALUES[case]
    path = tmp_path / f"{case}.csv"
    _frame(value).to_csv(path, index=False)
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        report = import_file(project, path)
        assert (report.rows_read, report.rows_imported) == (3, 3)
        assert report.rows_rejected == 0
        # The line break inside the second row counts as a line, as in an editor.
        assert _stored(project) == [("c1", "p1", 2), (value, "p2", 3), ("c3", value, 5)]


def test_unquoted_cr_next_to_a_quoted_field(tmp_path: Path) -> None:
    frame = _frame("a\rb")
    frame["product_id"] = ["p1", "Mug, red", 'say "hi"\rthere']
    path = tmp_path / "o.csv"
    frame.to_csv(path, index=False)
    assert b'"Mug, red"' in path.read_bytes()
    raw = read_table(path)
    assert raw.bad_lines == ()
    rows = [(r["customer_id"], r["product_id"], r[LINE_COLUMN]) for r in _rows(raw)]
    assert rows == [
        ("c1", "p1", 2),
        ("a\rb", "Mug, red", 3),
        ("c3", 'say "hi"\rthere', 5),
    ]


def _rows(raw: RawTable) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = raw.table.to_pylist()
    return rows


@pytest.mark.parametrize("terminator", ["\r", "\n", "\r\n"])
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
def test_quoted_cr_is_kept_whatever_the_line_ends(
    tmp_path: Path, terminator: str, quoting: int
) -> None:
    """RFC 4180 quoting, classic Mac (CR-only) line ends included."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=terminator, quoting=quoting)
    writer.writerow([*COLUMNS, "amount"])
    for n, value in enumerate(["c1", "a\r=1+1", "c3"], start=1):
        writer.writerow([n, value, "p1", "2024-01-05", n, "1.0"])
    path = tmp_path / "o.csv"
    path.write_bytes(out.getvalue().encode())
    if terminator == "\n" and quoting == csv.QUOTE_MINIMAL:
        assert b"2,a\r=1+1," in path.read_bytes()  # left unquoted by csv
    elif terminator == "\r":
        assert b"\n" not in path.read_bytes()
    raw = read_table(path)
    assert raw.bad_lines == ()
    rows = [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)]
    assert rows == [("c1", 2), ("a\r=1+1", 3), ("c3", 5)]


@pytest.mark.parametrize(
    ("data", "rows", "bad", "blank"),
    [
        # A stray CR between two rows still ends a line.
        (b"a,b,c\n1,x,y\n2,x,y\r3,x,y\n", [2, 3, 4], [], ()),
        # Doubled line ends (CR CR LF) are blank lines, not CRs in values.
        (b"a,b,c\r\r\n1,x,y\r\r\n2,x,y\r\r\n", [3, 5], [], (2, 4, 6)),
        # A CR that leaves too many fields either way is a line end.
        (b"a,b,c\n1,x,y\n2,x\r3,x,y,4\n", [2], [3, 4], ()),
        # Classic Mac line ends, no quotes: unchanged.
        (b"a,b,c\r1,x,y\r2,x,y\r", [2, 3], [], ()),
    ],
)
def test_lone_crs_that_end_lines_still_do(
    tmp_path: Path, data: bytes, rows: list[int], bad: list[int], blank: tuple[int]
) -> None:
    path = tmp_path / "o.csv"
    path.write_bytes(data)
    raw = read_table(path)
    assert [r[LINE_COLUMN] for r in _rows(raw)] == rows
    assert [b.line for b in raw.bad_lines] == bad
    assert raw.info.skipped_lines == blank


@pytest.mark.parametrize("case", ["cr", "lead_cr"])
def test_streamed_careful_and_preview_reads_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    frame = _frame(VALUES[case], rows=200)
    plain = tmp_path / "o.csv"
    frame.to_csv(plain, index=False)
    packed = tmp_path / "o.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    streamed = [read_table(plain), read_table(packed)]
    preview = read_preview(packed, rows=5)
    monkeypatch.setattr(ml.reading.text, "_read_while_loading", lambda *a: None)
    careful = read_table(packed)
    for raw in [*streamed, careful]:
        assert raw.bad_lines == ()
        assert raw.table.equals(careful.table)
    lines = careful.table.column(LINE_COLUMN).to_pylist()
    assert lines == [2, 3, 5, *range(7, 204)]
    assert preview.table.to_pylist() == careful.table.slice(0, 5).to_pylist()


@pytest.mark.parametrize("first", ["{n}", "order {n}"])
def test_a_cr_value_in_every_row_still_finds_the_column_names(
    tmp_path: Path, first: str
) -> None:
    """Split at their CRs, the rows would have 2 and 5 fields: the column names
    (6) must not be taken for a title, nor the file be refused."""
    title = "Orders\n"
    rows = "".join(
        f"{first.format(n=n)},c{n}\r{n},p{n},2024-01-05,{n},1.0\n" for n in range(300)
    )
    path = tmp_path / "o.csv"
    path.write_bytes((title + ",".join([*COLUMNS, "amount"]) + "\n" + rows).encode())
    raw = read_table(path)
    assert raw.info.header_line == 2
    assert raw.bad_lines == ()
    got = [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)]
    assert got == [(f"c{n}\r{n}", 3 + 2 * n) for n in range(300)]


TEXT = st.text(st.sampled_from('ab =,"\t'), max_size=5)
# A value holding a CR with text on both sides, as in "a\r=1+1".
CR_VALUE = st.builds(
    lambda left, right: f"{left}\r{right}",
    st.text(st.sampled_from("ab=,"), min_size=1, max_size=3).filter(str.strip),
    st.text(st.sampled_from("ab=1+"), min_size=1, max_size=3),
)


@st.composite
def _tables(draw: st.DrawFn, cells: st.SearchStrategy[str]) -> list[list[str]]:
    width = draw(st.integers(2, 5))
    row = st.lists(cells, min_size=width, max_size=width)
    return draw(st.lists(row, min_size=1, max_size=8))


def _write(path: Path, rows: list[list[str]], ends: list[str]) -> list[int]:
    """Write a header and `rows` with the given line ends; quote what csv
    quotes for an LF terminator. Returns the first line of each row."""
    names = [f"col{n}" for n in range(len(rows[0]))]
    text, lines, line = ",".join(names) + "\n", [], 2
    for row, end in zip(rows, ends, strict=True):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(row)
        record = out.getvalue()[:-1] + end
        text += record
        lines.append(line)
        line += len(re.findall(r"\r\n|\r|\n", record))
    path.write_bytes(text.encode())
    return lines


@settings(max_examples=60, deadline=None)
@given(rows=_tables(TEXT | CR_VALUE), padded=st.booleans())
def test_unquoted_cr_values_read_back_equal(
    rows: list[list[str]], padded: bool
) -> None:
    """What pandas and csv write for an LF file reads back equal, lines exact,
    streamed or not."""
    rows = [[cell or "x" for cell in row] for row in rows]  # no blank rows
    if padded:
        rows += [[f"p{n}"] * len(rows[0]) for n in range(70)]
    assume(not is_footer_phrase(rows[-1]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        lines = _write(path, rows, ["\n"] * len(rows))
        raw = read_table(path)
        original = ml.reading.text._read_while_loading
        ml.reading.text._read_while_loading = lambda *a: None  # type: ignore[assignment]
        try:
            careful = read_table(path)
        finally:
            ml.reading.text._read_while_loading = original
    assert raw.bad_lines == ()
    names = [f"col{n}" for n in range(len(rows[0]))]
    got = raw.table.select(names).to_pylist()
    assert got == [dict(zip(names, row, strict=True)) for row in rows]
    assert raw.table.column(LINE_COLUMN).to_pylist() == lines
    assert careful.table.equals(raw.table)


@settings(max_examples=60, deadline=None)
@given(
    rows=_tables(TEXT | st.sampled_from(["a\rb", "x\ny", "\r\n"])),
    ends=st.lists(st.sampled_from(["\n", "\r", "\r\n", "\r\r\n", "\n\n"]), min_size=8),
)
def test_files_that_read_cleanly_with_cr_line_ends_are_left_as_they_are(
    rows: list[list[str]], ends: list[str]
) -> None:
    """Quoted line breaks, any line ends (CR among them) and blank lines: no
    line is rewritten, so every row reads as before."""
    ends = ends[: len(rows)]
    assume(len(ends) == len(rows))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        records = []
        for row in rows:  # quote every line break, as an RFC 4180 writer does
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerow(row)
            records.append(out.getvalue()[:-2])
        data = (",".join(f"c{n}" for n in range(len(rows[0]))) + "\n").encode()
        data += "".join(r + e for r, e in zip(records, ends, strict=True)).encode()
        path.write_bytes(data)
        start = data.index(b"\n") + 1
        assert quote_crs_in_values(data, start, ",", len(rows[0])) is data
