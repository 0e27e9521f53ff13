"""Reading CSV/TSV text in its encodings, delimiters and containers, with progress."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

import ml.reading.text
from ml.errors import Cancelled, InputDataError
from ml.reading import LINE_COLUMN, RawTable, list_sheets, read_preview, read_table


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _rows(raw: RawTable) -> list[dict[str, object]]:
    return raw.table.to_pylist()  # type: ignore[no-any-return]


def _orders(rows: int, *, terminator: str = "\n") -> str:
    lines = ["customer_id,product,amount"]
    lines += [f"C{i},Item {i},{i}.50" for i in range(1, rows + 1)]
    return terminator.join(lines) + terminator


@pytest.mark.parametrize(
    ("delimiter", "name"),
    [(",", "a.csv"), (";", "a.csv"), ("\t", "a.tsv"), ("|", "a.txt")],
)
def test_each_delimiter_is_detected(tmp_path: Path, delimiter: str, name: str) -> None:
    text = (
        f'id{delimiter}name{delimiter}note\n1{delimiter}"A{delimiter}B"{delimiter}x\n'
    )
    raw = read_table(_write(tmp_path / name, text.encode()))
    assert raw.info.delimiter == delimiter
    assert _rows(raw) == [
        {"id": "1", "name": f"A{delimiter}B", "note": "x", LINE_COLUMN: 2}
    ]


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        ("id,city\n1,Köln\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "id,city\n1,Köln\n".encode(), "utf-8-sig"),
        ("id,city\n1,Köln\n".encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + "id,city\n1,Köln\n".encode("utf-16-be"), "utf-16"),
        ("id,city\n1,Köln\n".encode("utf-16-le"), "utf-16"),
        ("id,city\n1,Köln\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    raw = read_table(_write(tmp_path / "a.csv", encoded))
    assert raw.info.encoding == encoding
    assert raw.table.column_names == ["id", "city", LINE_COLUMN]
    assert _rows(raw) == [{"id": "1", "city": "Köln", LINE_COLUMN: 2}]


def test_windows_1252_is_named_in_a_note(tmp_path: Path) -> None:
    raw = read_table(
        _write(tmp_path / "a.csv", "id,name\n1,Œuvre €5\n".encode("cp1252"))
    )
    assert _rows(raw)[0]["name"] == "Œuvre €5"
    assert raw.info.notes == (
        "The file is not UTF-8; read it as Windows-1252 (Western European) text",
    )


def test_bytes_undefined_in_windows_1252_mean_latin_1(tmp_path: Path) -> None:
    raw = read_table(_write(tmp_path / "a.csv", b"id,name\n1,M\xfcller\x81\n"))
    assert raw.info.encoding == "latin-1"
    assert _rows(raw)[0]["name"] == "Müller\x81"


def test_cells_keep_their_raw_text_and_empty_cells_are_null(tmp_path: Path) -> None:
    data = b' Order Date ,amount,note\n 2024-01-02 ,"",  \n2024-01-03,5,NA\n'
    raw = read_table(_write(tmp_path / "a.csv", data))
    assert raw.table.column_names == ["Order Date", "amount", "note", LINE_COLUMN]
    assert _rows(raw) == [
        {"Order Date": " 2024-01-02 ", "amount": None, "note": "  ", LINE_COLUMN: 2},
        {"Order Date": "2024-01-03", "amount": "5", "note": "NA", LINE_COLUMN: 3},
    ]
    assert all(str(field.type) == "string" for field in list(raw.table.schema)[:-1])
    assert str(raw.table.schema.field(LINE_COLUMN).type) == "int64"


def test_quoted_line_breaks_keep_later_lines_exact(tmp_path: Path) -> None:
    data = b'id,msg\r\n1,"a\r\nb"\r\n2,"c\n\nd"\r\n3,e\r\n'
    raw = read_table(_write(tmp_path / "a.csv", data))
    assert [(r["id"], r["msg"], r[LINE_COLUMN]) for r in _rows(raw)] == [
        ("1", "a\r\nb", 2),
        ("2", "c\n\nd", 4),
        ("3", "e", 7),
    ]


def test_old_mac_line_ends_are_lines(tmp_path: Path) -> None:
    raw = read_table(_write(tmp_path / "a.csv", b"id,v\r1,x\r2,y\r"))
    assert [(r["id"], r[LINE_COLUMN]) for r in _rows(raw)] == [("1", 2), ("2", 3)]


def test_one_column_file_skips_blank_lines(tmp_path: Path) -> None:
    raw = read_table(_write(tmp_path / "ids.csv", b"customer_id\nC1\n\nC2\n"))
    assert raw.info.delimiter == ","
    assert [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)] == [
        ("C1", 2),
        ("C2", 4),
    ]
    assert raw.info.skipped_lines == (3,)


def test_title_lines_then_header_with_index_column(tmp_path: Path) -> None:
    data = b"Orders export\n\n,customer_id,amount\n0,C1,5\n1,C2,6\n"
    raw = read_table(_write(tmp_path / "a.csv", data))
    assert raw.info.header_line == 3
    assert raw.table.column_names == ["Column 1", "customer_id", "amount", LINE_COLUMN]
    assert raw.info.notes == (
        "Skipped 2 lines of report header before the column names (lines 1-2)",
        "Column 1 has no name; called it 'Column 1'",
    )


def test_only_blank_lines_above_header_are_called_blank(tmp_path: Path) -> None:
    raw = read_table(_write(tmp_path / "a.csv", b"\n\nid,v\n1,x\n"))
    assert raw.info.notes == (
        "Skipped 2 blank lines before the column names (lines 1-2)",
    )
    assert raw.info.skipped_lines == (1, 2)


def test_truncated_last_line_is_a_bad_line_not_a_footer(tmp_path: Path) -> None:
    raw = read_table(_write(tmp_path / "a.csv", b"a,b,c,d\n1,2,3,4\n5,6,7\n"))
    assert [bad.line for bad in raw.bad_lines] == [3]
    assert raw.info.skipped_lines == ()


def test_every_data_line_ragged_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="none of its 2 data lines has the 3"):
        read_table(_write(tmp_path / "a.csv", b"a,b,c\n1,2\n3,4,5,6\n"))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="does not exist"):
        read_table(tmp_path / "nope.csv")


def _same(a: RawTable, b: RawTable) -> None:
    assert a.table.equals(b.table)
    assert [(x.line, x.text) for x in a.bad_lines] == [
        (x.line, x.text) for x in b.bad_lines
    ]
    assert (a.info.delimiter, a.info.header_line) == (
        b.info.delimiter,
        b.info.header_line,
    )
    assert a.info.skipped_lines == b.info.skipped_lines


GZ_CASES = {
    "plain": _orders(300).encode(),
    "crlf_multiline": (
        _orders(200, terminator="\r\n") + 'C9,"two\r\nlines",1\r\n' + _orders(80)[27:]
    ).encode(),
    "ragged": (_orders(200) + "C1,x\n" + _orders(10)[27:]).encode(),
    "footer": (_orders(200) + "\nGrand Totals (200 records),,\n").encode(),
    "trailing_blank": (_orders(200) + "\n\n").encode(),
    "cp1252": (_orders(200) + "C9,Crème,1\n").encode("cp1252"),
    "bom": b"\xef\xbb\xbf" + _orders(200).encode(),
    "stray_cr": (_orders(200) + "C9,a,1\rC10,b,2\n").encode(),
}


@pytest.mark.parametrize("case", sorted(GZ_CASES))
def test_plain_gzip_and_zip_read_alike_with_or_without_parsing_while_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    data = GZ_CASES[case]
    paths = [
        _write(tmp_path / "o.csv", data),
        _write(tmp_path / "o.csv.gz", gzip.compress(data)),
    ]
    with zipfile.ZipFile(tmp_path / "o.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("o.csv", data)
    paths.append(tmp_path / "o.zip")
    streamed = [read_table(path) for path in paths]
    monkeypatch.setattr(ml.reading.text, "_read_while_loading", lambda *a: None)
    whole = [read_table(path) for path in paths]
    for raw in [*streamed[1:], *whole]:
        _same(raw, streamed[0])
        assert raw.info.encoding == streamed[0].info.encoding
    assert streamed[1].info.notes == streamed[0].info.notes


def test_gzip_damaged_after_its_first_part(tmp_path: Path) -> None:
    rows = "".join(f"C{i},Item {i * 7919 % 10007},{i % 97}.50\n" for i in range(60_000))
    packed = gzip.compress(("customer_id,product,amount\n" + rows).encode())
    path = _write(tmp_path / "cut.csv.gz", packed[: len(packed) * 2 // 3])
    with pytest.raises(InputDataError) as caught:
        read_table(path)
    assert str(caught.value).startswith(
        "cut.csv.gz: the gzip-compressed data is damaged"
    )


def test_gzip_with_a_one_megabyte_value(tmp_path: Path) -> None:
    big = "y" * (1 << 20)
    data = (_orders(100) + f'C9,"{big}",1\n' + _orders(5)[27:]).encode()
    raw = read_table(_write(tmp_path / "o.csv.gz", gzip.compress(data)))
    rows = _rows(raw)
    assert rows[100]["product"] == big
    assert rows[-1][LINE_COLUMN] == 107


def test_zip_with_one_csv_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data/orders.csv", _orders(3))
        archive.writestr("__MACOSX/data/._orders.csv", b"\0\0")
    raw = read_table(path)
    assert raw.info.notes == ("Read data/orders.csv from inside export.zip",)
    assert raw.table.num_rows == 3
    assert raw.info.file == "export.zip"


def test_preview_reads_only_the_first_rows(tmp_path: Path) -> None:
    # 3 MB, more than the preview reads, with a value spanning the cut.
    text = _orders(60_000) + 'C0,"a\n' + "b\n" * 500_000 + '",1\n'
    path = _write(tmp_path / "big.csv", text.encode())
    preview = read_preview(path, rows=50)
    assert preview.table.num_rows == 50
    assert _rows(preview)[-1] == {
        "customer_id": "C50",
        "product": "Item 50",
        "amount": "50.50",
        LINE_COLUMN: 51,
    }
    whole = read_table(path)
    assert whole.table.slice(0, 50).equals(preview.table)


def test_preview_of_a_small_file_with_footer(tmp_path: Path) -> None:
    data = (_orders(3) + "Total,,13.50\n").encode()
    raw = read_preview(_write(tmp_path / "a.csv", data), rows=200)
    assert raw.table.num_rows == 3
    assert raw.info.notes == ("Skipped footer line 5: 'Total, 13.50'",)


def test_list_sheets_of_a_text_file_is_empty(tmp_path: Path) -> None:
    assert list_sheets(_write(tmp_path / "a.csv", _orders(2).encode())) == []


def test_progress_is_reported_up_to_one(tmp_path: Path) -> None:
    seen: list[tuple[float, str]] = []
    read_table(
        _write(tmp_path / "a.csv", _orders(5).encode()),
        report=lambda f, m: seen.append((f, m)),
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert seen[-1][1] == "Read 5 rows from a.csv"


@pytest.mark.parametrize("calls_before_stop", [0, 1, 2, 3])
def test_cancel_stops_the_read(tmp_path: Path, calls_before_stop: int) -> None:
    path = _write(tmp_path / "a.csv.gz", gzip.compress(_orders(500).encode()))
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > calls_before_stop

    with pytest.raises(Cancelled):
        read_table(path, stop_requested=stop)
