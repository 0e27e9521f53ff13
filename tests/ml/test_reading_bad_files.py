"""The reader's exact outcome for each file of the bad-input corpus (tests/data/bad)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from ml.errors import InputDataError
from ml.reading import LINE_COLUMN, RawTable, read_table

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_bad_files", BAD / "make_bad_files.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _maker()


def _rows(raw: RawTable) -> list[dict[str, object]]:
    return raw.table.to_pylist()  # type: ignore[no-any-return]


def test_committed_corpus_matches_its_script() -> None:
    for name, data in MAKER.corpus().items():
        assert (BAD / name).read_bytes() == data, f"{name}: run make_bad_files.py"


# file -> (row named in the error or None, text the message must contain)
ERRORS = {
    "empty.csv": (None, "the file is empty."),
    "blank_lines_only.csv": (None, "the file is empty."),
    "header_only.csv": (1, "the file has column names but no data rows."),
    "report_without_rows.csv": (3, "the file has column names but no data rows."),
    "binary_garbage.csv": (2, "the file is not a text table: it holds binary data"),
    "control_bytes.csv": (None, "the file is not a text table: it is full of control"),
    "wrong_delimiter.csv": (
        1,
        "the column names are separated by semicolons (;) but the data rows by "
        "commas (,)",
    ),
    "header_data_mismatch.csv": (
        1,
        "this row looks like the column names but has 3 fields, while the data "
        "rows below it have 4.",
    ),
    "mixed_encodings.csv": (
        5,
        "the file is not valid UTF-8 text: byte 0xE9 ('é' in Windows-1252) cannot "
        "be read as UTF-8, although row 2 is UTF-8 ('ö'). The file mixes two "
        "encodings",
    ),
    "bom_then_cp1252.csv": (3, "although the file starts with a UTF-8 byte-order mark"),
    "utf16_odd_length.csv": (3, "marked as UTF-16 text but has bytes that are not"),
    "two_csvs.zip": (
        None,
        "the ZIP archive holds 2 CSV files (inside: orders.csv, customers.csv).",
    ),
    "no_csv.zip": (
        None,
        "the ZIP archive holds no CSV file (inside: readme.md, logo.png).",
    ),
    "truncated.csv.gz": (None, "the gzip-compressed data is damaged"),
    "not_a_table.json": (None, "'.json' files are not a format Pushwise can read."),
    "web_page.xls": (None, "is a web page (HTML) or XML document, not a table file."),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_file_is_refused_with_file_row_and_reason(name: str) -> None:
    row, reason = ERRORS[name]
    with pytest.raises(InputDataError) as caught:
        read_table(BAD / name)
    error = caught.value
    where = f"{name}, row {row}: " if row is not None else f"{name}: "
    assert str(error).startswith(where)
    assert error.row == row
    assert reason in error.reason
    assert error.hint  # every refusal says what to do


@pytest.mark.parametrize(
    ("name", "bad_line", "rows"),
    [
        (
            "unclosed_quote.csv",
            5,
            [("C1", 2), ("C2", 3), ("C3", 4), ("C5", 6), ("C6", 7)],
        ),
        ("unclosed_quote_last_field.csv", 4, [("C1", 2), ("C2", 3), ("C4", 5)]),
    ],
)
def test_unclosed_quote_leaves_out_its_line_and_the_rest_is_read(
    name: str, bad_line: int, rows: list[tuple[str, int]]
) -> None:
    raw = read_table(BAD / name)
    assert [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)] == rows
    assert [(bad.line, bad.reason_code) for bad in raw.bad_lines] == [
        (bad_line, "unclosed_quote")
    ]
    assert raw.bad_lines[0].message == (
        f'{name}, row {bad_line}: a value on this line starts with a quote (") '
        "that is never closed; the line was left out and reading went on with the "
        "next line. Add the missing closing quote, or export the file again."
    )


def test_ragged_rows_become_bad_lines_and_the_rest_is_read() -> None:
    raw = read_table(BAD / "ragged_rows.csv")
    assert [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)] == [
        ("C1", 2),
        ("C2", 3),
        ("C4", 5),
        ("C5", 6),
        ("C7", 9),
        ("C9", 13),
    ]
    assert _rows(raw)[3]["product"] == "Jug\nlarge"
    assert [(bad.line, bad.reason_code, bad.text) for bad in raw.bad_lines] == [
        (4, "wrong_field_count", "C3,Bowl"),
        (8, "wrong_field_count", "C6,Vase,Glass,20.00"),
        (10, "wrong_field_count", 'C8,"Lamp\nwith\nshade",8.00,extra'),
    ]
    assert raw.bad_lines[0].message == (
        "ragged_rows.csv, row 4: this line has 2 fields but the column names (row 1) "
        "have 3, so its values cannot be matched to columns; the line was left out. "
        "Look for fewer commas (,) than usual in it, e.g. a value holding the "
        "delimiter without quotes around it."
    )
    assert raw.info.notes == (
        "Left out 3 lines with the wrong number of fields (lines 4, 8, 10); "
        "see the import report",
    )


def test_duplicated_and_missing_column_names_are_made_unique() -> None:
    raw = read_table(BAD / "duplicated_headers.csv")
    assert raw.table.column_names == [
        "Email",
        "Name",
        "email (2)",
        "Email (3)",
        "Column 5",
        "__line__ (2)",
        LINE_COLUMN,
    ]
    assert raw.info.notes == (
        "Column 3 repeats the name 'email'; renamed it to 'email (2)'",
        "Column 4 repeats the name 'Email'; renamed it to 'Email (3)'",
        "Column 5 has no name; called it 'Column 5'",
        "Column 6 is named '__line__', which Pushwise uses for line numbers; "
        "renamed it to '__line__ (2)'",
    )
    assert _rows(raw)[1]["Email (3)"] == "b3@x.org"


def test_salesforce_report_header_and_footer_are_skipped_with_notes() -> None:
    raw = read_table(BAD / "salesforce_report.csv")
    info = raw.info
    assert info.header_line == 4
    assert info.skipped_lines == (1, 2, 3, 8, 9, 10, 11, 12)
    assert info.notes == (
        "Skipped 3 lines of report header before the column names (lines 1-3)",
        "Skipped 2 empty lines (lines 8, 10)",
        "Skipped footer line 9: 'Grand Totals (3 records), 2,450.50'",
        "Skipped footer line 11: 'Confidential Information - Do Not Distribute'",
        "Skipped footer line 12: 'Copyright (c) 2000-2024 salesforce.com, inc. "
        "All rights reserved.'",
    )
    assert _rows(raw) == [
        {
            "Opportunity Owner": "Ann Lee",
            "Account Name": "Acme, Inc.",
            "Amount": "1,200.00",
            "Close Date": "2024-03-01",
            LINE_COLUMN: 5,
        },
        {
            "Opportunity Owner": "Ben Ode",
            "Account Name": "Globex",
            "Amount": "800.00",
            "Close Date": "2024-03-05",
            LINE_COLUMN: 6,
        },
        {
            "Opportunity Owner": "Cy Ray",
            "Account Name": "Initech",
            "Amount": "450.50",
            "Close Date": "2024-03-09",
            LINE_COLUMN: 7,
        },
    ]
    assert raw.bad_lines == ()


def test_semicolon_file_with_decimal_commas_splits_on_semicolons() -> None:
    raw = read_table(BAD / "semicolon_decimal_comma.csv")
    assert raw.info.delimiter == ";"
    assert [(r["Artikel"], r["Preis"]) for r in _rows(raw)] == [
        ("Tasse", "4,50"),
        ("Teller, blau", "12,00"),
        ("Schüssel", "7,25"),
    ]


def test_blank_and_empty_lines_are_skipped_and_listed() -> None:
    raw = read_table(BAD / "blank_lines_between.csv")
    assert [(r["customer_id"], r[LINE_COLUMN]) for r in _rows(raw)] == [
        ("C1", 3),
        ("C2", 5),
    ]
    assert raw.info.skipped_lines == (2, 4, 6, 7)
    assert raw.info.notes == ("Skipped 4 empty lines (lines 2, 4, 6, 7)",)


def test_stray_carriage_returns_end_lines_and_rows() -> None:
    raw = read_table(BAD / "stray_carriage_returns.csv")
    assert [(r["customer_id"], r["amount"], r[LINE_COLUMN]) for r in _rows(raw)] == [
        ("C1", "4.50", 2),
        ("C2", "12.00", 3),
        ("C3", "7.25", 4),
    ]


def test_text_saved_under_an_excel_name_is_read_as_text_with_a_note() -> None:
    raw = read_table(BAD / "text_named.xlsx")
    assert raw.info.format == "csv"
    assert raw.info.delimiter == "\t"
    assert raw.info.notes == (
        "text_named.xlsx is really a text (CSV) file despite its name; read it as one",
    )
    assert _rows(raw) == [
        {"customer_id": "C1", "product": "Mug", "amount": "4.50", LINE_COLUMN: 2}
    ]


def test_one_megabyte_value_reads_whole_with_exact_lines(tmp_path: Path) -> None:
    path = MAKER.write_big_field(tmp_path / "big_field.csv")
    raw = read_table(path)
    rows = _rows(raw)
    note = rows[1]["note"]
    assert isinstance(note, str)
    assert len(note) >= MAKER.BIG_FIELD_BYTES
    assert note == MAKER.BIG_FIELD_VALUE
    breaks = note.count("\n")
    assert [(r["customer_id"], r[LINE_COLUMN]) for r in rows] == [
        ("C1", 2),
        ("C2", 3),
        ("C3", 3 + breaks + 1),
    ]
