"""Dates written with month names ("12 Jan 2024", "Jan 12, 2024", "12. März 2024").

DuckDB's strptime only knows English month names, so these dates are parsed
with one regular expression per word order (shared by Python and DuckDB's RE2:
no look-arounds) on folded text, and the month word is looked up in a table
covering English, German, French, Spanish, Dutch and Portuguese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ml.parsing.text import fold, fold_sql
from ml.sqltext import quote_literal

_MONTH_WORDS: dict[int, str] = {
    # folded (lower case, no accents); abbreviations without their dot
    1: "jan january januar janner jaenner janvier janv enero ene januari janeiro",
    2: "feb february februar fevrier fevr fev febrero februari fevereiro",
    3: "mar march marz maerz mrz mars marzo maart mrt marco",
    4: "apr april avril avr abril abr",
    5: "may mai mayo mei maio",
    6: "jun june juni juin junio junho",
    7: "jul july juli juillet juil julio julho",
    8: "aug august aout agosto ago augustus",
    9: "sep sept september septembre septiembre setiembre set setembro",
    10: "oct october oktober okt octobre octubre outubro out",
    11: "nov november novembre noviembre novembro",
    12: "dec december dezember dez decembre diciembre dic dezembro",
}
MONTHS: dict[str, int] = {
    w: n for n, words in _MONTH_WORDS.items() for w in words.split()
}

# Building blocks; the groups are positional so that RE2 and Python agree.
_WEEKDAY = r"(?:([a-z]+)\.?,?\s+)?"  # "tuesday, " / "di. " before the date
_DAY = r"([0-9]{1,2})(?:st|nd|rd|th|er)?\.?"
_MONTH = r"([a-z]+)\.?"
_YEAR = r"([0-9]{4}|[0-9]{2})"
_SEP = r"[\s,/-]*(?:(?:de|del|of)\s+)?"  # "12 de enero de 2024"
_TIME = (
    r"(?:[\s,t]+(?:at\s+|um\s+|a\s+)?([0-9]{1,2})[:h]([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?(?:\s*([ap])\.?m\.?)?(?:\s*uhr)?)?"
)
# word order -> (regex, names of its groups in order)
ORDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dmy": (
        rf"^\s*{_WEEKDAY}{_DAY}{_SEP}{_MONTH}{_SEP}{_YEAR}{_TIME}\s*$",
        ("wd", "d", "mon", "y", "hh", "mi", "ss", "fr", "ap"),
    ),
    "mdy": (
        rf"^\s*{_WEEKDAY}{_MONTH}{_SEP}{_DAY}{_SEP}{_YEAR}{_TIME}\s*$",
        ("wd", "mon", "d", "y", "hh", "mi", "ss", "fr", "ap"),
    ),
    "ymd": (
        rf"^\s*{_YEAR}{_SEP}{_MONTH}{_SEP}{_DAY}{_TIME}\s*$",
        ("y", "mon", "d", "hh", "mi", "ss", "fr", "ap"),
    ),
}
_COMPILED = {order: re.compile(rx) for order, (rx, _) in ORDERS.items()}
EXAMPLES = {"dmy": "31 Dec 2024", "mdy": "Dec 31, 2024", "ymd": "2024 Dec 31"}


@dataclass(frozen=True, slots=True)
class MonthNameDate:
    """One value recognised as a month-name date (fields as written)."""

    order: str  # "dmy" | "mdy" | "ymd"
    day: int
    month: int
    has_time: bool
    strptime: str | None  # DuckDB pattern when the words are English, e.g. "%d %b %Y"


_WORD_RX = re.compile(r"[^\W\d_]{3,}")


def has_month_word(value: str) -> bool:
    """Cheap pre-check for :func:`match_month_name`: a word that names a month."""
    return any(fold(w) in MONTHS for w in _WORD_RX.findall(value))


def match_month_name(value: str) -> MonthNameDate | None:
    """Recognise a month-name date in any supported language, or None."""
    if not has_month_word(value):
        return None
    text = fold(value)
    for order, rx in _COMPILED.items():
        m = rx.match(text)
        if m is None:
            continue
        fields = dict(zip(ORDERS[order][1], m.groups(), strict=True))
        month = MONTHS.get(fields["mon"] or "")
        day = int(fields["d"] or 0)
        if month is not None and 1 <= day <= 31:
            pattern = _english_pattern(value.strip(), m, ORDERS[order][1])
            return MonthNameDate(order, day, month, fields["hh"] is not None, pattern)
    return None


_EN_MONTHS = (
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "january february march april may june july august september october november "
    "december",
)
_EN_DAYS = (
    "mon tue wed thu fri sat sun",
    "monday tuesday wednesday thursday friday saturday sunday",
)


def _word_directive(
    word: str, names: tuple[str, str], short: str, long: str
) -> str | None:
    if word in names[0].split():
        return short
    return long if word in names[1].split() else None


def _english_pattern(text: str, m: re.Match[str], names: tuple[str, ...]) -> str | None:
    """The strptime pattern of an English month-name date, None if DuckDB can't read it.

    DuckDB's strptime knows English names and is ~15x faster than the generic
    regex path, which stays as the fallback for rows this pattern misses.
    """
    if not text.isascii():
        return None
    lower = text.lower()
    pieces: list[str] = []
    end = 0
    for index, name in enumerate(names, start=1):
        start, stop = m.span(index)
        if start < 0:
            continue
        word = lower[start:stop]
        directive: str | None
        if name == "wd":
            directive = _word_directive(word, _EN_DAYS, "%a", "%A")
        elif name == "mon":
            directive = _word_directive(word, _EN_MONTHS, "%b", "%B")
        elif name == "y":
            directive = "%Y" if len(word) == 4 else "%y"
        elif name == "ap":
            stop = start + 2
            directive = "%p" if lower[start:stop] in ("am", "pm") else None
        elif name == "fr":
            directive = "%f" if len(word) <= 6 else None
        else:
            hour = "%I" if m.group(names.index("ap") + 1) else "%H"
            directive = {"d": "%d", "hh": hour, "mi": "%M", "ss": "%S"}[name]
        literal = text[end:start]
        if directive is None or "%" in literal or any(c.isalpha() for c in literal):
            return None  # ordinals ("12th"), "at", "a.m.": the generic path reads them
        pieces += [literal, directive]
        end = stop
    tail = text[end:]
    return (
        None if any(c.isalpha() or c == "%" for c in tail) else "".join(pieces) + tail
    )


def _int(field: str) -> str:
    return f"TRY_CAST(nullif(r.{field}, '') AS INTEGER)"


def month_name_sql(expr: str, orders: tuple[str, ...]) -> str:
    """DuckDB TIMESTAMP expression for month-name dates in the given word orders."""
    months = ", ".join(f"{quote_literal(w)}: {n}" for w, n in sorted(MONTHS.items()))
    year = (
        f"CASE WHEN length(r.y) = 2 THEN {_int('y')} + "
        f"CASE WHEN {_int('y')} < 69 THEN 2000 ELSE 1900 END ELSE {_int('y')} END"
    )
    hour = (
        f"CASE WHEN r.ap = '' THEN coalesce({_int('hh')}, 0) "
        f"WHEN {_int('hh')} NOT BETWEEN 1 AND 12 THEN NULL "
        f"ELSE {_int('hh')} % 12 + CASE WHEN r.ap = 'p' THEN 12 ELSE 0 END END"
    )
    seconds = (
        f"coalesce({_int('ss')}, 0) + "
        "coalesce(TRY_CAST(nullif('0.' || r.fr, '0.') AS DOUBLE), 0)"
    )
    # A lambda binds the regex match once per row (no repeated extraction).
    body = (
        f"try(make_timestamp(({year})::BIGINT, (MAP {{{months}}})[r.mon]::BIGINT, "
        f"{_int('d')}::BIGINT, ({hour})::BIGINT, coalesce({_int('mi')}, 0)::BIGINT, "
        f"({seconds})::DOUBLE))"
    )
    parts = []
    for order in orders:
        rx, names = ORDERS[order]
        name_list = "[" + ", ".join(quote_literal(n) for n in names) + "]"
        match = f"regexp_extract({fold_sql(expr)}, {quote_literal(rx)}, {name_list})"
        parts.append(f"list_transform([{match}], lambda r: {body})[1]")
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"
