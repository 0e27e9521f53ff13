"""Number and money detection on samples and conversion in DuckDB."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.parsing.numbers import (
    NumberFormat,
    detect_number_format,
    money_fraction,
    number_fraction,
    number_sql,
)
from tests.ml.sql_helpers import run_sql


def convert(
    con: duckdb.DuckDBPyConnection, values: Sequence[str | None]
) -> tuple[NumberFormat, list[object]]:
    fmt = detect_number_format(values)
    return fmt, run_sql(con, number_sql("x", fmt), values)


def test_decimal_comma_column(con) -> None:
    values = ["1.234,56", "12,5", "€ 3,99", "1.234", "(12,50)", "12,50-"]
    fmt, out = convert(con, values)
    assert (fmt.decimal, fmt.thousands) == (",", ".")
    assert out == [1234.56, 12.5, 3.99, 1234.0, -12.5, -12.5]


def test_decimal_point_column(con) -> None:
    values = ["1,234.56", "1,234", "$3.99", "-2", "+3", "£1,234,567.89", "12.50-"]
    fmt, out = convert(con, values)
    assert (fmt.decimal, fmt.thousands) == (".", ",")
    assert out == [1234.56, 1234.0, 3.99, -2.0, 3.0, 1234567.89, -12.5]


def test_lone_three_digit_group_is_thousands_in_an_english_column(con) -> None:
    fmt, out = convert(con, ["1,234", "2,500"])
    assert fmt.decimal == "."
    assert "default" in fmt.description
    assert out == [1234.0, 2500.0]


def test_lone_three_digit_group_is_decimal_when_other_values_show_commas(con) -> None:
    fmt, out = convert(con, ["1,234", "0,5"])
    assert fmt.decimal == ","
    assert out == [1.234, 0.5]


def test_caller_can_default_to_decimal_comma(con) -> None:
    fmt = detect_number_format(["1,234"], decimal_default=",")
    assert run_sql(con, number_sql("x", fmt), ["1,234"]) == [1.234]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", 1234.56),
        ("1\u00a0234,56\u00a0€", 1234.56),
        ("1\u202f234,56 EUR", 1234.56),
        ("CHF 1'234,50", 1234.5),
        ("R$ 10,00", 10.0),
        ("10,00 zł", 10.0),
        ("−7,5", -7.5),
        ("25%", 0.25),
        ("12,5 %", 0.125),
        (" 7 ", 7.0),
    ],
)
def test_decorated_values_in_a_decimal_comma_column(con, text, expected) -> None:
    fmt = detect_number_format(["0,5", text])
    assert run_sql(con, number_sql("x", fmt), [text]) == [pytest.approx(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("USD 12", 12.0),
        ("12 EUR", 12.0),
        ("GBP1,000.00", 1000.0),
        ("US$ 5.5", 5.5),
        ("¥1,000", 1000.0),
        ("1'234.50", 1234.5),
        ("(1,234.00)", -1234.0),
        ("-$5.00", -5.0),
        ("$-5.00", -5.0),
        ("0.5%", 0.005),
        ("1e3", 1000.0),
        ("5.", 5.0),
        (".5", 0.5),
    ],
)
def test_decorated_values_in_a_decimal_point_column(con, text, expected) -> None:
    fmt = detect_number_format(["0.5", text])
    assert run_sql(con, number_sql("x", fmt), [text]) == [pytest.approx(expected)]


@pytest.mark.parametrize(
    "text",
    [
        *("abc", "1,5", "1.2.3", "--3", "(3", "3)", "-3-", "$3€", "12 apples"),
        *("nan", "inf", "1_000", "", "N/A", "1,23"),
    ],
)
def test_text_and_malformed_numbers_become_null(con, text) -> None:
    fmt = detect_number_format(["1.5", "2.25"])
    assert run_sql(con, number_sql("x", fmt), [text, None]) == [None, None]


def test_number_fraction_and_money_fraction() -> None:
    values = ["12.50", "€3", "7", "abc", "", None, "2024-01-02", "1,234"]
    assert number_fraction(values) == pytest.approx(4 / 6)
    assert money_fraction(values) == pytest.approx(2 / 6)
    assert number_fraction([]) == money_fraction([]) == 0.0
    assert money_fraction(["5", "17"]) == 0.0  # whole numbers: quantities, not money


def test_result_type_is_double(con) -> None:
    fmt = detect_number_format(["1"])
    assert run_sql(con, f"typeof({number_sql('x', fmt)})", ["1"]) == ["DOUBLE"]


# ---------------------------------------------------------------------------
# Property: format a decimal with random separators and decorations, convert back.

_GROUPS = {
    ".": [",", " ", "\u00a0", "\u202f", "'", None],
    ",": [".", " ", "\u00a0", None],
}


def _format(value: Decimal, decimal: str, group: str | None, places: int) -> str:
    text = f"{abs(value):,.{places}f}"  # "1,234.56"
    whole, _, frac = text.partition(".")
    whole = whole.replace(",", group or "")
    return whole + (decimal + frac if places else "")


@settings(
    max_examples=300,
    deadline=None,
)
@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    places=st.integers(0, 4),
    decimal=st.sampled_from([".", ","]),
    data=st.data(),
    currency=st.sampled_from(["", "$", "€", "£", "¥", "CHF", "EUR", "USD", "R$"]),
    before=st.booleans(),
    space=st.sampled_from(["", " ", "\u00a0"]),
    negative_style=st.sampled_from(["-x", "(x)", "x-", "+x"]),
)
def test_formatted_numbers_convert_back(
    con, value, places, decimal, data, currency, before, space, negative_style
) -> None:
    group = data.draw(st.sampled_from(_GROUPS[decimal]))
    value = round(value, places)
    body = _format(value, decimal, group, places)
    money = (currency + space + body) if before else (body + space + currency)
    if currency == "":
        money = body
    if value < 0:
        money = {"-x": f"-{money}", "(x)": f"({money})", "x-": f"{money}-"}.get(
            negative_style, f"-{money}"
        )
    elif negative_style == "+x":
        money = f"+{money}"
    # A second value shows the column's separators, as a real column would.
    decider = _format(Decimal("1234.5"), decimal, group, 1)
    fmt = detect_number_format([money, decider])
    assert fmt.decimal == decimal, (money, decider)
    out = run_sql(con, number_sql("x", fmt), [money])
    assert out == [pytest.approx(float(value), rel=1e-12, abs=1e-9)], (money, fmt)


@pytest.mark.parametrize("decimal", [".", ","])
def test_padded_cells_convert_without_trim(con, decimal) -> None:
    fmt = detect_number_format([f"1{decimal}5"])
    values = [f"  1{decimal}5  ", "\t-2 ", "", "   "]
    assert run_sql(con, number_sql("x", fmt), values) == [1.5, -2.0, None, None]
