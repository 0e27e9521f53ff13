"""Before importing: the user's encoding and delimiter, the proposed mapping, and
the first rows as the import would store them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from ml.columns import Columns, Kind
from ml.errors import InputDataError
from ml.importing.importer import import_file, propose_mapping
from ml.importing.preview import IMPORTED, OUTCOME, preview_rows
from ml.mapping import ColumnMapping
from ml.reading import read_preview, read_table
from ml.store.project import Project
from tests.conftest import TEST_DATA

POUND = TEST_DATA / "reading" / "online_retail_pound.csv"
ORDERS = (
    "Customer;Product;Date;Qty;Price\n"
    "c1;p1;03/04/2024;2;1,50\n"
    "c1;p2;04/05/2024;-1;1,50\n"
    "c2;p1;yesterday;1;1,50\n"
    "c2;p3;05/06/2024;0;2,00\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _orders(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    return path


def test_a_chosen_encoding_replaces_the_detected_one() -> None:
    detected = read_preview(POUND)
    chosen = read_preview(POUND, encoding="cp1252")
    assert detected.info.encoding == "utf-8"
    assert chosen.info.encoding == "cp1252"
    # UTF-8 read as Windows-1252: the pound sign shows as the user would see it.
    assert "£" in detected.table.column("Description")[0].as_py()
    assert "Â£" in chosen.table.column("Description")[0].as_py()
    assert any("as chosen" in note for note in chosen.info.notes)


def test_an_encoding_that_cannot_read_the_file_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,city\nJosé,Zürich\n".encode("latin-1"))
    with pytest.raises(InputDataError) as error:
        read_preview(path, encoding="utf-8")
    assert error.value.row == 2
    assert "Choose another encoding" in error.value.message


def test_a_chosen_delimiter_replaces_the_detected_one(tmp_path: Path) -> None:
    path = _orders(tmp_path)
    assert read_preview(path).info.delimiter == ";"
    commas = read_preview(path, delimiter=",")
    assert commas.info.delimiter == ","
    # Split at the decimal commas: two columns, as the user would see it.
    assert len(commas.headers) == 2


def test_import_uses_the_chosen_encoding(project: Project, tmp_path: Path) -> None:
    report = import_file(project, POUND, encoding="cp1252")
    assert report.read_info.encoding == "cp1252"
    names = project.con.execute("SELECT offering_name FROM orders").fetchall()
    assert any("Â£" in name for (name,) in names)
    whole = read_table(POUND, encoding="latin-1")
    assert whole.info.encoding == "latin-1"


def test_the_proposed_mapping_says_when_it_was_remembered(
    project: Project, tmp_path: Path
) -> None:
    path = _orders(tmp_path)
    raw = read_preview(path)
    first = propose_mapping(project, raw)
    assert first.detected_kind is Kind.ORDERS and not first.saved
    mapping = first.mapping.with_source(Columns.CUSTOMER, None)
    import_file(project, path, mapping=mapping)
    again = propose_mapping(project, raw)
    assert again.saved
    assert again.mapping.source_of(Columns.CUSTOMER) is None
    assert propose_mapping(project, raw, kind=Kind.CUSTOMERS).saved is False


def test_preview_rows_shows_each_rows_outcome(project: Project, tmp_path: Path):
    raw = read_preview(_orders(tmp_path))
    mapping = propose_mapping(project, raw).mapping
    preview = preview_rows(raw, mapping, day_first_default=True)
    frame = preview.frame
    assert preview.problem is None
    assert list(frame["line"]) == [2, 3, 4, 5]
    assert list(frame[OUTCOME]) == [
        IMPORTED,
        "return (negative quantity)",
        "rejected: not a date",
        "rejected: quantity is zero",
    ]
    assert frame[Columns.ORDERED_AT][0] == datetime(2024, 4, 3)
    assert frame[Columns.UNIT_PRICE][0] == 1.5
    assert preview.rejected == 2


def test_preview_rows_follows_the_date_order(project: Project, tmp_path: Path):
    raw = read_preview(_orders(tmp_path))
    mapping = propose_mapping(project, raw).mapping
    day_first = preview_rows(raw, mapping, day_first_default=True)
    assert day_first.formats.dates[Columns.ORDERED_AT].ambiguous
    month_first = preview_rows(
        raw, _with_day_first(mapping, False), day_first_default=True
    )
    assert month_first.frame[Columns.ORDERED_AT][0] == datetime(2024, 3, 4)
    fmt = month_first.formats.dates[Columns.ORDERED_AT]
    assert fmt.order == "month_first"


def test_preview_rows_explains_a_mapping_that_cannot_work(
    project: Project, tmp_path: Path
) -> None:
    raw = read_preview(_orders(tmp_path))
    mapping = propose_mapping(project, raw).mapping
    no_product = preview_rows(raw, mapping.with_source(Columns.OFFERING, None))
    assert "offering_id" in no_product.problem.message
    assert no_product.frame.empty
    wrong_date = preview_rows(raw, mapping.with_source(Columns.ORDERED_AT, "Customer"))
    assert wrong_date.problem.column == "Customer"
    assert "not dates" in wrong_date.problem.message


def test_preview_rows_lists_lines_the_reader_left_out(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("customer,product,date\nc1,p1,2024-01-02\nc2,p2,2024-01-03,x\n")
    raw = read_preview(path)
    preview = preview_rows(raw, propose_mapping(project, raw).mapping)
    assert list(preview.frame["line"]) == [2, 3]
    assert preview.frame[OUTCOME][1] == "rejected: wrong number of fields on the line"


def _with_day_first(mapping: ColumnMapping, day_first: bool) -> ColumnMapping:
    return replace(mapping, day_first=day_first)
