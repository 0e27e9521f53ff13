"""The push list as a marketer opens it in Excel: plain headings, percentages,
money, a bold frozen heading row, a filter and fitted column widths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from app.planexport import write_push_list

openpyxl = pytest.importorskip("openpyxl")


def _push_list(customer: str = "customer_id", offering: str = "offering_id"):
    return pd.DataFrame(
        {
            customer: ["C1", "C2"],
            offering: ["P1", "P2"],
            "offering_name": ["Mug", "A very long offering name for the fit test"],
            "rank": [1, 2],
            "probability": [0.1826, 0.05],
            "expected_revenue": [12.5, 3.0],
            "reason": ["Bought together with Tea", "Popular in France"],
        }
    )


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "push.xlsx"):
    path = write_push_list(frame, tmp_path / name, lambda *_: None, lambda: False)
    return openpyxl.load_workbook(path).active


def test_headings_in_plain_words(tmp_path: Path) -> None:
    sheet = _write(tmp_path, _push_list())
    assert [cell.value for cell in sheet[1]] == [
        "Customer",
        "Offering",
        "Offering name",
        "Rank",
        "Chance of uptake",
        "Expected revenue",
        "Why",
    ]
    assert all(cell.font.bold for cell in sheet[1])


def test_the_users_own_id_column_names_are_kept(tmp_path: Path) -> None:
    sheet = _write(tmp_path, _push_list("CustomerID", "StockCode"))
    assert [cell.value for cell in sheet[1]][:3] == [
        "CustomerID",
        "StockCode",
        "Offering name",
    ]


def test_chances_are_percentages_and_money_has_two_decimals(tmp_path: Path) -> None:
    sheet = _write(tmp_path, _push_list())
    chance, revenue = sheet["E2"], sheet["F2"]
    assert chance.value == pytest.approx(0.1826)
    assert chance.data_type == "n"  # a number the CRM can read, not text
    assert chance.number_format == "0.0%"
    assert revenue.value == pytest.approx(12.5)
    assert revenue.number_format == "#,##0.00"
    assert sheet["D2"].value == 1 and sheet["D2"].number_format == "General"


def test_frozen_heading_filter_and_fitted_widths(tmp_path: Path) -> None:
    sheet = _write(tmp_path, _push_list())
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["C"] > widths["A"]  # the long name gets a wider column
    assert all(10 <= width <= 60 for width in widths.values())
    assert widths["E"] >= len("Chance of uptake")


def test_a_huge_cell_does_not_make_a_huge_column(tmp_path: Path) -> None:
    frame = _push_list()
    frame.loc[0, "reason"] = "x" * 500
    sheet = _write(tmp_path, frame)
    assert sheet.column_dimensions["G"].width == 60


def test_the_csv_keeps_its_machine_headings_and_numbers(tmp_path: Path) -> None:
    path = write_push_list(
        _push_list(), tmp_path / "push.csv", lambda *_: None, lambda: False
    )
    lines = path.read_text().splitlines()
    assert lines[0] == (
        "customer_id,offering_id,offering_name,rank,probability,expected_revenue,reason"
    )
    assert lines[1] == "C1,P1,Mug,1,0.1826,12.5,Bought together with Tea"
