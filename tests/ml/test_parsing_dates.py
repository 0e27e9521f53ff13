"""Date detection on samples and conversion of whole columns in DuckDB."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.parsing.dates import (
    DateFormat,
    date_fraction,
    date_sql,
    detect_date_format,
    locale_day_first,
)
from tests.ml.sql_helpers import run_sql


def convert(
    con: duckdb.DuckDBPyConnection,
    values: Sequence[str | None],
    *,
    day_first_default: bool = True,
    day_first: bool | None = None,
) -> tuple[DateFormat, list[object]]:
    fmt = detect_date_format(
        values, day_first_default=day_first_default, day_first=day_first
    )
    assert fmt is not None, values
    return fmt, run_sql(con, date_sql("x", fmt), values)


D = datetime


def test_day_first_column_is_decided_by_a_day_over_12(con) -> None:
    fmt, out = convert(
        con,
        ["1/12/2010 8:26", "13/12/2010 8:26", "02/01/2011"],
        day_first_default=False,
    )
    assert (fmt.order, fmt.ambiguous) == ("day_first", False)
    assert out == [D(2010, 12, 1, 8, 26), D(2010, 12, 13, 8, 26), D(2011, 1, 2)]


def test_month_first_column_is_decided_by_a_second_field_over_12(con) -> None:
    fmt, out = convert(con, ["12/31/2024", "01/02/2024"], day_first_default=True)
    assert (fmt.order, fmt.ambiguous) == ("month_first", False)
    assert out == [D(2024, 12, 31), D(2024, 1, 2)]


@pytest.mark.parametrize(("default", "expected"), [(True, 4), (False, 3)])
def test_ambiguous_column_uses_the_default_and_says_so(con, default, expected) -> None:
    fmt, out = convert(con, ["03/04/2024", "05/06/2024"], day_first_default=default)
    assert fmt.ambiguous
    assert "no value shows whether the day or the month comes first" in fmt.description
    assert out[0] == D(2024, expected, 7 - expected)


def test_user_choice_overrides_the_values(con) -> None:
    fmt, out = convert(con, ["03/04/2024"], day_first_default=True, day_first=False)
    assert (fmt.order, fmt.ambiguous) == ("month_first", False)
    assert out == [D(2024, 3, 4)]


def test_conflicting_orders_follow_the_majority_and_reject_the_rest(con) -> None:
    fmt, out = convert(con, ["13/01/2024", "14/01/2024", "01/15/2024"])
    assert fmt.order == "day_first"
    assert "1 sample values in the other order will be rejected" in fmt.description
    assert out == [D(2024, 1, 13), D(2024, 1, 14), None]


def test_impossible_dates_become_null(con) -> None:
    _, out = convert(
        con, ["31/02/2024", "29/02/2023", "29/02/2024", "31/12/2024 25:00"]
    )
    assert out == [None, None, D(2024, 2, 29), None]


def test_text_and_empty_cells_become_null(con) -> None:
    _, out = convert(con, ["2024-01-02", "soon", "", None, "2024-01-03"])
    assert out == [D(2024, 1, 2), None, None, None, D(2024, 1, 3)]


def test_iso_timestamps_with_offsets_become_naive_utc(con) -> None:
    values = [
        "2024-01-02T03:04:05",
        "2024-01-02T03:04:05.123Z",
        "2024-01-02T03:04:05+02:00",
        "2024-01-02T03:04:05-0500",
        "2024-01-02T03:04:05.123456789+05:30",
        "2024-01-02",
    ]
    fmt, out = convert(con, values)
    assert fmt.order == "iso"
    assert "converted to UTC" in fmt.description
    assert out == [
        D(2024, 1, 2, 3, 4, 5),
        D(2024, 1, 2, 3, 4, 5, 123000),
        D(2024, 1, 2, 1, 4, 5),
        D(2024, 1, 2, 8, 4, 5),
        D(2024, 1, 1, 21, 34, 5, 123457),  # nanoseconds round to microseconds
        D(2024, 1, 2),
    ]


def test_utc_conversion_does_not_depend_on_the_session_time_zone() -> None:
    values = ["2024-07-01 12:00:00+02:00", "2024-07-01 12:00:00"]
    fmt = detect_date_format(values, day_first_default=True)
    assert fmt is not None
    other = duckdb.connect()
    other.execute("SET TimeZone = 'America/New_York'")
    assert run_sql(other, date_sql("x", fmt), values) == [
        D(2024, 7, 1, 10),
        D(2024, 7, 1, 12),
    ]


def test_result_is_a_plain_timestamp_for_every_kind(con) -> None:
    for values in (
        ["2024-01-02 03:04:05.123456789"],
        ["2024-01-02T03:04:05+01:00"],
        ["12 Jan 2024"],
        ["40513.35"],
        ["1704164645"],
    ):
        fmt = detect_date_format(values, day_first_default=True)
        assert fmt is not None
        assert run_sql(con, f"typeof({date_sql('x', fmt)})", values) == ["TIMESTAMP"]


def test_excel_serial_dates(con) -> None:
    fmt, out = convert(con, ["40513.35", "40514", "40513,5"])
    assert fmt.kind == "excel_serial"
    assert out == [D(2010, 12, 1, 8, 24), D(2010, 12, 2), D(2010, 12, 1, 12)]


def test_unix_seconds_and_milliseconds(con) -> None:
    fmt, out = convert(con, ["1704164645", "1704164646"])
    assert fmt.kind == "unix_seconds"
    assert out[0] == D(2024, 1, 2, 3, 4, 5)
    fmt, out = convert(con, ["1704164645123"])
    assert fmt.kind == "unix_millis"
    assert out == [D(2024, 1, 2, 3, 4, 5, 123000)]


def test_plain_numbers_outside_date_ranges_are_not_dates() -> None:
    assert detect_date_format(["12", "15", "3"], day_first_default=True) is None
    assert date_fraction(["20095", "80331"]) == 0.0  # postcodes are not dates


def test_two_digit_years(con) -> None:
    _, out = convert(con, ["31/12/69", "01/02/24", "15.06.68"])
    assert out == [D(1969, 12, 31), D(2024, 2, 1), D(2068, 6, 15)]


def test_two_digit_year_in_a_four_digit_column_is_rejected_not_year_24(con) -> None:
    fmt = detect_date_format(["31/12/2024", "01/02/2023"], day_first_default=True)
    assert fmt is not None
    assert run_sql(con, date_sql("x", fmt), ["01/02/24"]) == [None]


def test_german_dotted_dates(con) -> None:
    fmt, out = convert(con, ["31.12.2024", "1.2.2024 14:30", "01.03.2024 08:15:00"])
    assert fmt.order == "day_first"
    assert out == [D(2024, 12, 31), D(2024, 2, 1, 14, 30), D(2024, 3, 1, 8, 15)]


def test_twelve_hour_clock(con) -> None:
    values = [
        "12/31/2024 1:05 PM",
        "1/2/2024 12:05 AM",
        "1/3/2024 12:30PM",
        "1/4/2024 11:59:59 pm",
    ]
    _, out = convert(con, values)
    assert out == [
        D(2024, 12, 31, 13, 5),
        D(2024, 1, 2, 0, 5),
        D(2024, 1, 3, 12, 30),
        D(2024, 1, 4, 23, 59, 59),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Jan 2024", D(2024, 1, 12)),
        ("Jan 12, 2024", D(2024, 1, 12)),
        ("January 12th 2024 3:15 pm", D(2024, 1, 12, 15, 15)),
        ("12-Jan-24", D(2024, 1, 12)),
        ("Tue, 12 Mar 2024 10:00", D(2024, 3, 12, 10)),
        ("12. März 2024", D(2024, 3, 12)),
        ("Dienstag, 12. März 2024 14:30 Uhr", D(2024, 3, 12, 14, 30)),
        ("3. Okt. 2024", D(2024, 10, 3)),
        ("1er janvier 2024", D(2024, 1, 1)),
        ("14 juillet 2024", D(2024, 7, 14)),
        ("12 de enero de 2024", D(2024, 1, 12)),
        ("5 diciembre 2024", D(2024, 12, 5)),
        ("12 mei 2024", D(2024, 5, 12)),
        ("3 maart 2024", D(2024, 3, 3)),
        ("2024-Dec-31", D(2024, 12, 31)),
        ("31 Feb 2024", None),
        ("12 Foo 2024", None),
    ],
)
def test_month_names_in_several_languages(con, text, expected) -> None:
    fmt = detect_date_format([text, "1 Jan 2024"], day_first_default=False)
    assert fmt is not None and fmt.month_names
    assert run_sql(con, date_sql("x", fmt), [text]) == [expected]


def test_a_column_mixing_formats_converts_every_row(con) -> None:
    values = ["2024-01-31", "31/01/2024 10:00", "15 Feb 2024", "2024-03-01T08:00:00Z"]
    fmt, out = convert(con, values)
    assert fmt.order == "day_first"
    assert out == [D(2024, 1, 31), D(2024, 1, 31, 10), D(2024, 2, 15), D(2024, 3, 1, 8)]


def test_rows_without_the_sampled_time_part_still_convert(con) -> None:
    fmt = detect_date_format(["31/12/2024 10:00"], day_first_default=True)
    assert fmt is not None
    out = run_sql(con, date_sql("x", fmt), ["01/12/2024", "01/12/2024 10:00:30"])
    assert out == [D(2024, 12, 1), D(2024, 12, 1, 10, 0, 30)]


def test_non_dates_are_not_detected() -> None:
    assert detect_date_format(["hello", "world"], day_first_default=True) is None
    assert detect_date_format([None, " "], day_first_default=True) is None


def test_date_fraction_counts_non_empty_values() -> None:
    values = ["2024-01-01", "foo", "12.5", "", None, "1.2.2024", "12 Jan 2024", "1.2.3"]
    assert date_fraction(values) == pytest.approx(3 / 6)
    assert date_fraction([]) == 0.0
    assert date_fraction(["Widget", "A-12", "3"]) == 0.0


@pytest.mark.parametrize(
    ("name", "day_first"),
    [
        ("en_US.UTF-8", False),
        ("en-US", False),
        ("English_United States.1252", False),
        ("en_PH", False),
        ("en_GB.UTF-8", True),
        ("de_DE.UTF-8", True),
        ("fr-FR", True),
        ("zh_Hans_CN", True),
        ("C.UTF-8", True),
        ("", True),
    ],
)
def test_locale_day_first(name, day_first) -> None:
    assert locale_day_first(name) is day_first


def test_locale_day_first_reads_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert locale_day_first() is False
    monkeypatch.setenv("LC_ALL", "de_AT.UTF-8")
    assert locale_day_first() is True


# ---------------------------------------------------------------------------
# Property: format a datetime with any supported pattern, detect, convert back.

_GERMAN = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August"]
_GERMAN += ["September", "Oktober", "November", "Dezember"]
_ENGLISH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
_ENGLISH += ["Nov", "Dec"]


def _fmt_date(dt: datetime, style: str, sep: str, pad: bool, year2: bool) -> str:
    d, m = (f"{dt.day:02d}", f"{dt.month:02d}") if pad else (str(dt.day), str(dt.month))
    y = f"{dt.year % 100:02d}" if year2 else str(dt.year)
    if style == "day_first":
        return f"{d}{sep}{m}{sep}{y}"
    if style == "month_first":
        return f"{m}{sep}{d}{sep}{y}"
    if style == "iso":
        return f"{dt.year}-{dt.month:02d}-{dt.day:02d}"
    if style == "english":
        return f"{_ENGLISH[dt.month - 1]} {dt.day}, {y}"
    return f"{dt.day}. {_GERMAN[dt.month - 1]} {y}"  # german


def _fmt_time(dt: datetime, style: str, date_style: str) -> tuple[str, datetime]:
    """(time text, the datetime the text stands for)."""
    sep = "T" if date_style == "iso" else " "
    if style == "none":
        return "", dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if style == "hm":
        return f" {dt:%H:%M}", dt.replace(second=0, microsecond=0)
    if style == "hms":
        return f"{sep}{dt:%H:%M:%S}", dt.replace(microsecond=0)
    if style == "ampm":
        return f" {dt:%I:%M %p}", dt.replace(second=0, microsecond=0)
    return f"{sep}{dt:%H:%M:%S}.{dt.microsecond:06d}", dt  # fraction


_DATE_STYLES = ["day_first", "month_first", "iso", "english", "german"]
_DATES = st.datetimes(min_value=D(1970, 1, 1), max_value=D(2067, 12, 31))


@settings(
    max_examples=300,
    deadline=None,
)
@given(
    dt=_DATES,
    date_style=st.sampled_from(
        ["day_first", "month_first", "iso", "english", "german"]
    ),
    time_style=st.sampled_from(["none", "hm", "hms", "ampm", "fraction"]),
    sep=st.sampled_from(["/", ".", "-"]),
    pad=st.booleans(),
    year2=st.booleans(),
)
def test_formatted_datetimes_convert_back(
    con, dt, date_style, time_style, sep, pad, year2
) -> None:
    if date_style in ("iso", "german", "english") and time_style == "ampm":
        time_style = "hm"
    decider = D(2031, 12, 25, 23, 45, 1, 5)  # day 25 fixes the order of the column
    texts, expected = [], None
    for value in (dt, decider):
        time_text, stands_for = _fmt_time(value, time_style, date_style)
        texts.append(_fmt_date(value, date_style, sep, pad, year2) + time_text)
        expected = expected or stands_for
    fmt = detect_date_format(texts, day_first_default=date_style == "month_first")
    assert fmt is not None, texts
    assert not fmt.ambiguous
    assert run_sql(con, date_sql("x", fmt), texts[:1]) == [expected], (texts, fmt)


@settings(
    max_examples=100,
    deadline=None,
)
@given(dt=_DATES, minutes=st.integers(-14 * 60, 14 * 60).map(lambda m: m - m % 15))
def test_offset_timestamps_convert_to_the_same_instant(con, dt, minutes) -> None:
    zone = timezone(timedelta(minutes=minutes))
    text = dt.replace(tzinfo=zone).isoformat()
    fmt = detect_date_format([text], day_first_default=True)
    assert fmt is not None
    expected = dt - timedelta(minutes=minutes)
    assert run_sql(con, date_sql("x", fmt), [text]) == [expected], text


@pytest.mark.parametrize(
    "value", ["2024-01-02 10:00:00", "31/12/2024 10:00", "12 Jan 2024", "40513.5"]
)
def test_padded_cells_convert_without_trim(con, value) -> None:
    fmt = detect_date_format([value], day_first_default=True)
    assert fmt is not None
    out = run_sql(con, date_sql("x", fmt), [value, f"  {value}  ", f"\t{value}", " "])
    assert out[1:3] == [out[0], out[0]] and out[0] is not None
    assert out[3] is None


def test_english_month_names_use_a_strptime_pattern_with_a_fallback(con) -> None:
    fmt = detect_date_format(["12 Jan 2024", "3 Feb 2024"], day_first_default=True)
    assert fmt is not None
    assert fmt.patterns == ("%d %b %Y",)  # fast path: DuckDB reads English names
    out = run_sql(
        con, date_sql("x", fmt), ["12 Jan 2024", "1st Feb 2024", "5 Mai 2024"]
    )
    assert out == [D(2024, 1, 12), D(2024, 2, 1), D(2024, 5, 5)]  # others: fallback


def test_long_weekday_prefix_is_still_a_date(con) -> None:
    value = "Wednesday, September 11, 2024 10:30 AM"
    assert date_fraction([value]) == 1.0
    _, out = convert(con, [value])
    assert out == [D(2024, 9, 11, 10, 30)]
