"""Date columns: detect the format from sample values, convert whole columns in DuckDB.

Detection reads a sample in Python; :func:`date_sql` is a DuckDB expression
for the whole column: one ``try_strptime`` pattern list for the formats the
sample showed (most frequent first), a regex path for month names DuckDB does
not know. ``expr`` may be the raw column: surrounding space needs no trim().

Rules:

* Day/month order is decided per column: a first field > 12 proves day-first,
  a second field > 12 proves month-first. When no value decides, the caller's
  default (normally :func:`locale_day_first`) is used and ``ambiguous`` is set
  so the import report can say so. When values prove both orders, the
  majority wins and the others become NULL (rejected rows, never guessed).
* Times with a UTC offset ("Z", "+02:00", "+0200", "-05") are converted to
  naive UTC, so rows written in different offsets (summer/winter time, several
  systems) compare correctly. Times without an offset are kept as written
  (local wall time of the exporting system).
* Two-digit years follow DuckDB/POSIX: 00-68 -> 2000-2068, 69-99 -> 1969-1999.
* Separators '/', '.', '-'; 12-hour clocks with AM/PM; month names in English,
  German, French, Spanish, Dutch and Portuguese ("12. März 2024",
  "Jan 12, 2024", "12 de enero de 2024"). Impossible dates are NULL.
* Excel serial dates count days since 1899-12-30 (correct from 1900-03-01 on,
  Excel's own 1900 leap-year bug aside); Unix times count seconds (or
  milliseconds) since 1970-01-01 UTC. Both are only chosen when every sample
  value is a number in a plausible range, since plain numbers (postcodes,
  ids) are not dates by themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ml.parsing.localeinfo import locale_day_first
from ml.parsing.monthnames import (
    EXAMPLES,
    MonthNameDate,
    match_month_name,
    month_name_sql,
)
from ml.parsing.text import distinct, share
from ml.sqltext import quote_literal

__all__ = [
    "DateFormat",
    "date_fraction",
    "date_sql",
    "detect_date_format",
    "locale_day_first",
]


@dataclass(frozen=True, slots=True)
class DateFormat:
    """How a column writes its dates, as detected from sample values."""

    kind: str  # "text" | "excel_serial" | "unix_seconds" | "unix_millis"
    patterns: tuple[str, ...]  # DuckDB strptime patterns tried in order (kind "text")
    order: str  # "iso" | "day_first" | "month_first" | "excel_serial" | "unix_..."
    ambiguous: bool  # no value decided day/month order: the default order was used
    description: str  # for reports: "day-first dates like 31/12/2024 23:59"
    month_names: tuple[str, ...] = ()  # word orders of month-name dates: "dmy", ...


_NUM_DATE = (
    r"(?P<a>[0-9]{1,2})(?P<s>[/.-])(?P<b>[0-9]{1,2})(?P=s)(?P<y>[0-9]{4}|[0-9]{2})"
)
_ISO_DATE = r"(?P<y>[0-9]{4})(?P<s>[/.-])(?P<a>[0-9]{1,2})(?P=s)(?P<b>[0-9]{1,2})"
_TIME = (
    r"(?:(?P<tsep>T|\s+|,\s*)(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})"
    r"(?::(?P<ss>[0-9]{2})(?P<fr>[.,][0-9]{1,9})?)?"
    r"(?:(?P<apsp>\s*)(?P<ap>[AaPp][Mm]))?"
    r"(?:(?P<tzsp>\s*)(?P<tz>Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?))?)?"
)
_NUM_RX = re.compile(rf"^\s*{_NUM_DATE}{_TIME}\s*$")
_ISO_RX = re.compile(rf"^\s*{_ISO_DATE}{_TIME}\s*$")
_PLAIN_NUMBER = re.compile(r"^\s*[0-9]+(?:[.,][0-9]+)?\s*$")

# Plausible ranges for numeric date columns (the whole sample must fit):
# Excel 20000..80000 is 1954..2119; Unix seconds/ms cover 1980..2100.
_SERIAL_RANGE = (20000.0, 80000.0)
_UNIX_S_RANGE = (315532800.0, 4102444800.0)
_UNIX_MS_RANGE = (_UNIX_S_RANGE[0] * 1000, _UNIX_S_RANGE[1] * 1000)
_EXAMPLE = datetime(2024, 12, 31, 23, 59, 58, 123000)


@dataclass(frozen=True, slots=True)
class _Shape:
    """One value's date layout; ``date`` has {A}/{B} slots for day/month."""

    iso: bool
    date: str  # e.g. "{A}/{B}/%Y" or "%Y-%m-%d"
    time: str  # strptime suffix, e.g. " %H:%M:%S", "" for date only
    first: int  # first numeric field (day or month) of non-ISO dates
    second: int


def _time_suffix(m: re.Match[str]) -> str:
    if m.group("hh") is None:
        return ""
    sep = m.group("tsep")
    text = (
        "T"
        if sep == "T"
        else ("," if sep.startswith(",") else "") + (" " if sep.strip() != sep else "")
    )
    text += "%I:%M" if m.group("ap") else "%H:%M"
    if m.group("ss"):
        text += ":%S"
        if m.group("fr"):
            # %f takes 1-6 digits; %n (nanoseconds) also 7-9 but yields TIMESTAMP_NS
            text += m.group("fr")[0] + ("%f" if len(m.group("fr")) <= 7 else "%n")
    if m.group("ap"):
        text += (" " if m.group("apsp") else "") + "%p"
    tz = m.group("tz")
    if tz:
        text += " " if m.group("tzsp") else ""
        text += tz if tz in ("Z", "UTC", "GMT") else "%z"
    return text


def _match(value: str) -> tuple[re.Match[str], bool] | None:
    """The regex match of a numeric date and whether it is ISO (year first)."""
    m = _ISO_RX.match(value)
    iso = m is not None
    if m is None:
        m = _NUM_RX.match(value)
        if m is None:
            return None
    a, b = int(m.group("a")), int(m.group("b"))
    if iso and 1 <= a <= 12 and 1 <= b <= 31:
        return m, True
    if not iso and 1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12:
        return m, False
    return None


def _shape(value: str) -> _Shape | None:
    found = _match(value)
    if found is None:
        return None
    m, iso = found
    a, b, sep = int(m.group("a")), int(m.group("b")), m.group("s")
    if iso:
        date = f"%Y{sep}%m{sep}%d"
    else:
        year = "%Y" if len(m.group("y")) == 4 else "%y"
        date = f"{{A}}{sep}{{B}}{sep}{year}"
    return _Shape(iso, date, _time_suffix(m), a, b)


def _looks_like_date(value: str) -> bool:
    if not value[:1].isalnum() or not any(c.isdigit() for c in value):
        return False
    return _match(value) is not None or match_month_name(value) is not None


def date_fraction(values: Sequence[str | None]) -> float:
    """Share of non-empty values that look like dates written as text."""
    return share(values, _looks_like_date)


def _numeric_format(texts: list[str]) -> DateFormat | None:
    if not texts or not all(_PLAIN_NUMBER.match(v) for v in texts):
        return None
    numbers = [float(v.replace(",", ".")) for v in texts]
    low, high = min(numbers), max(numbers)
    for kind, (lo, hi), what in (
        ("excel_serial", _SERIAL_RANGE, "Excel serial dates (days since 1899-12-30)"),
        ("unix_seconds", _UNIX_S_RANGE, "Unix times (seconds since 1970-01-01 UTC)"),
        ("unix_millis", _UNIX_MS_RANGE, "Unix times (milliseconds since 1970, UTC)"),
    ):
        if lo <= low and high <= hi:
            return DateFormat(kind, (), kind, False, what)
    return None


def _decide_order(
    shapes: list[_Shape], day_first: bool | None, default: bool
) -> tuple[bool, bool, str]:
    """(day_first, ambiguous, note) for the non-ISO numeric dates of a column."""
    if day_first is not None:
        return day_first, False, " (order set in the column mapping)"
    day_votes = sum(s.first > 12 and s.second <= 12 for s in shapes)
    month_votes = sum(s.second > 12 and s.first <= 12 for s in shapes)
    if day_votes and month_votes:
        chosen = day_votes >= month_votes
        minority = month_votes if chosen else day_votes
        note = f" ({minority} sample values in the other order will be rejected)"
        return chosen, False, note
    if day_votes or month_votes:
        return bool(day_votes), False, ""
    order = "day-first" if default else "month-first"
    note = (
        f"; no value shows whether the day or the month comes first, so {order} "
        "(your computer's regional setting) was used. Check the date order in "
        "the column mapping"
    )
    return default, True, note


def _patterns(
    shapes: list[_Shape], named: list[MonthNameDate], day_first: bool
) -> tuple[str, ...]:
    a, b = ("%d", "%m") if day_first else ("%m", "%d")
    counts = Counter(s.date.format(A=a, B=b) + s.time for s in shapes)
    counts.update(m.strptime for m in named if m.strptime)
    patterns = [p for p, _ in counts.most_common()]
    # Rows outside the sample may add or drop the time of day: try those after.
    for date in dict.fromkeys(s.date.format(A=a, B=b) for s in shapes):
        for time in ("", " %H:%M", " %H:%M:%S"):
            if date + time not in patterns:
                patterns.append(date + time)
    return tuple(patterns)


def _example(pattern: str) -> str:
    shown = pattern.replace("%n", "%f").replace("%z", "+01:00")
    return _EXAMPLE.strftime(shown).replace("123000", "123")


def detect_date_format(
    values: Sequence[str | None],
    *,
    day_first_default: bool,
    day_first: bool | None = None,
) -> DateFormat | None:
    """Detect how a column writes its dates; None when it does not hold dates."""
    counts, total = distinct(values)
    if not total:
        return None
    numeric = _numeric_format(list(counts))
    if numeric is not None:
        return numeric
    shapes: list[_Shape] = []
    named: list[MonthNameDate] = []
    for text, n in counts.items():
        shape = _shape(text)
        if shape is not None:
            shapes += [shape] * n
            continue
        month_name = match_month_name(text) if _looks_like_date(text) else None
        if month_name is not None:
            named += [month_name] * n
    if (len(shapes) + len(named)) * 2 < total:
        return None
    numeric_shapes = [s for s in shapes if not s.iso]
    month_orders = tuple(dict.fromkeys(m.order for m in named))
    if numeric_shapes:
        chosen, ambiguous, note = _decide_order(
            numeric_shapes, day_first, day_first_default
        )
        order = "day_first" if chosen else "month_first"
        what = "day-first dates" if chosen else "month-first dates"
    else:
        # ISO and month-name dates state their order themselves.
        chosen, ambiguous, note = True, False, ""
        order = "iso" if shapes else "month_name"
        what = "ISO dates" if shapes else "dates with month names"
    patterns = _patterns(shapes, named, chosen)
    examples = [_example(p) for p in patterns[:1]] + [EXAMPLES[o] for o in month_orders]
    if any("%z" in p or p.endswith(("Z", "UTC", "GMT")) for p in patterns):
        note += "; times with a UTC offset are converted to UTC"
    description = f"{what} like {' / '.join(examples)}{note}"
    return DateFormat("text", patterns, order, ambiguous, description, month_orders)


def _epoch_sql(expr: str, base: str, unit_ms: float, lo: float, hi: float) -> str:
    value = f"TRY_CAST(replace(trim({expr}), ',', '.') AS DOUBLE)"
    return (
        f"CASE WHEN {value} BETWEEN {lo} AND {hi} THEN TIMESTAMP '{base}' + "
        f"to_milliseconds(CAST(round({value} * {unit_ms}) AS BIGINT)) END"
    )


def _strptime(expr: str, patterns: list[str]) -> str:
    listed = ", ".join(quote_literal(p) for p in patterns)
    return f"try_strptime({expr}, [{listed}])"


def date_sql(expr: str, fmt: DateFormat) -> str:
    """DuckDB SQL expression -> naive TIMESTAMP (UTC if offsets), NULL if not a date."""
    if fmt.kind == "excel_serial":
        return _epoch_sql(expr, "1899-12-30", 86_400_000.0, 1, 2958465)
    if fmt.kind == "unix_seconds":
        return _epoch_sql(expr, "1970-01-01", 1000.0, 0, _UNIX_S_RANGE[1] * 10)
    if fmt.kind == "unix_millis":
        return _epoch_sql(expr, "1970-01-01", 1.0, 0, _UNIX_MS_RANGE[1] * 10)
    groups: dict[str, list[str]] = {}  # in order of first use: most frequent first
    for p in fmt.patterns:
        group = (
            "zoned"
            if "%z" in p
            else "nanos"
            if "%n" in p
            else "short"
            if "%y" in p
            else "full"
        )
        groups.setdefault(group, []).append(p)
    parts = []
    for group, patterns in groups.items():
        # A row pays ~0.3 us for each pattern that fails before one fits, so the
        # group the sample used most comes first in the coalesce().
        parsed = _strptime(expr, patterns)
        if group == "full":
            # '%Y' also reads '24' as the year 24: years before 1000 fall through to
            # '%y' patterns (or are rejected) instead of becoming 0024. A lambda
            # binds the parse once: DuckDB hoists a repeated expression (also the
            # one hidden in nullif) out of coalesce(), running it on every row.
            guard = "lambda t: CASE WHEN t >= TIMESTAMP '1000-01-01' THEN t END"
            parts.append(f"list_transform([{parsed}], {guard})[1]")
        elif group == "nanos":
            parts.append(f"CAST({parsed} AS TIMESTAMP)")
        elif group == "zoned":
            # The instant in UTC, whatever the session's TimeZone setting.
            instant = f"CAST({parsed} AS TIMESTAMPTZ)"  # %n makes TIMESTAMPTZ_NS
            parts.append(f"make_timestamp(epoch_us({instant}))")
        else:
            parts.append(parsed)
    if fmt.month_names:
        parts.append(month_name_sql(expr, fmt.month_names))
    if not parts:
        return "CAST(NULL AS TIMESTAMP)"
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
