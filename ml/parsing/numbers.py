"""Number and money columns: detect the separators, convert whole columns in DuckDB.

Rules:

* The decimal separator is decided per column from the values: a value with
  both '.' and ',' uses the last one as decimal separator; a separator that
  occurs twice ("1.234.567") is a thousands separator; a single separator
  followed by 1, 2 or 4+ digits ("12,5", "3.99") is the decimal separator. A
  single separator followed by exactly three digits ("1,234") proves nothing;
  when no value decides, the decimal point is used (so "1,234" is 1234, as in
  English exports) unless the caller passes ``decimal_default=","``.
* Thousands separators: the other one of '.'/',' always; space, no-break
  spaces (U+00A0, U+202F) and apostrophes ("1'234.50") when the sample used
  them (each costs a replace() per row in SQL); only in groups of three.
* Currency symbols and codes before or after the number are dropped (£ $ € ¥
  ₹ R$ US$ CHF EUR USD GBP ...); negatives may be written -12.50, (12.50)
  (accounting) or 12.50- (SAP); a leading '+' is allowed; "25%" is 0.25.
* Anything else (text, two signs, unbalanced brackets, "1,5" in a column with
  a decimal point) converts to NULL, which the importer reports as a reject.

:func:`number_sql` casts plain numbers directly and sends only decorated
values through the full pattern; ``expr`` may be the raw column (surrounding
space and empty cells need no trim()).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ml.parsing.text import distinct, share
from ml.sqltext import quote_literal

__all__ = [
    "NumberFormat",
    "detect_number_format",
    "money_fraction",
    "number_fraction",
    "number_sql",
]


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How a column writes its numbers, as detected from sample values."""

    decimal: str  # "." or ","
    thousands: str | None  # the grouping character seen in the sample, if any
    description: str  # for reports: "numbers like 1,234.56"


_SPACES = " \u00a0\u202f"
_MINUS = "\\-\u2212"  # ASCII hyphen-minus and the typographic minus sign
_QUOTES = "'\u2019"
_CURRENCY = (
    r"(?:R\$|US\$|AU?\$|C\$|NZ\$|HK\$|S\$|[$£€¥₹₽₩₺₪]|"
    r"(?i:chf|eur|usd|gbp|jpy|cny|rmb|aud|cad|nzd|sek|nok|dkk|pln|czk|huf|brl|"
    r"mxn|inr|zar|rub|try|hkd|sgd|zł|kč|ft|(?:s?fr|rs|kr)\.?))"
)
_CURRENCY_RX = re.compile(_CURRENCY)
_W = rf"[\s{_SPACES}]*"  # RE2's \s has no no-break spaces
_GENERIC_BODY = rf"((?:[0-9][0-9.,{_SPACES}{_QUOTES}]*[0-9]|[0-9]|[.,][0-9]+)[.,]?)"


def _full_pattern(body: str) -> str:
    """A whole cell: one number, at most one sign, currency before or after, or %.

    Python and DuckDB's RE2 read it alike. Signs: -12, +12, -$12, $-12, 12-
    (SAP) or (12) (accounting); never two of them.
    """
    sign, minus, cur = f"[+{_MINUS}]", f"[{_MINUS}]", _CURRENCY
    pct = f"(?:{_W}%)?"
    core = f"(?:{cur}{_W}{body}{pct}|{body}(?:{_W}(?:{cur}|%))?)"
    forms = (
        f"(?:{sign}{_W})?{core}",
        f"{core}{_W}{minus}",
        f"{cur}{_W}{sign}{_W}{body}{pct}",
        rf"\({_W}{core}{_W}\)",
    )
    return f"^{_W}(?:{'|'.join(forms)}){_W}$"


_NUMBER_RX = re.compile(_full_pattern(_GENERIC_BODY))
# Cheap pre-check: a digit, no character a number or currency code lacks, and at
# most four letters ("CHF", "SFr."), so ids and words skip the full pattern.
_OTHER = rf"[0-9.,+{_MINUS}()%\s$£€¥₹₽₩₺₪{_QUOTES}{_SPACES}]*"
_MAYBE_RX = re.compile(rf"^{_OTHER}(?:[^\W\d_]{_OTHER}){{0,4}}$")


def _maybe_number(value: str) -> bool:
    return _MAYBE_RX.match(value) is not None and any(c.isdigit() for c in value)


@dataclass(frozen=True, slots=True)
class _Parts:
    body: str
    currency: bool


def _split(value: str) -> _Parts | None:
    m = _NUMBER_RX.match(value)
    if m is None:
        return None
    body = next(g for g in m.groups() if g is not None)
    return _Parts(body, _CURRENCY_RX.search(value) is not None)


def _strict_body(decimal: str, groups: str | None = None) -> str:
    """Digits with an optional decimal part, grouped in threes by ``groups``."""
    if groups is None:
        groups = ("," if decimal == "." else ".") + _SPACES + _QUOTES
    group = "[" + re.escape(groups) + "]"
    dec = re.escape(decimal)
    return (
        rf"(?:[0-9]{{1,3}}(?:{group}[0-9]{{3}})+(?:{dec}[0-9]*)?"
        rf"|[0-9]+(?:{dec}[0-9]*)?|{dec}[0-9]+)"
    )


_STRICT = {d: re.compile(rf"^{_strict_body(d)}$") for d in ".,"}


def _vote(body: str) -> tuple[str | None, str | None]:
    """(decimal separator this body proves, grouping character it shows).

    An undecided "1,234" returns (None, ",") : ',' groups thousands unless the
    column turns out to use decimal commas.
    """
    plain = body
    group: str | None = None
    for c in _SPACES + _QUOTES:
        if c in plain:
            group, plain = c, plain.replace(c, "")
    dots, commas = plain.count("."), plain.count(",")
    if dots and commas:
        last = "." if plain.rfind(".") > plain.rfind(",") else ","
        return last, "," if last == "." else "."
    sep = "." if dots else "," if commas else None
    if sep is None:
        return None, group
    if plain.count(sep) > 1:
        return ("," if sep == "." else "."), sep
    head, _, tail = plain.partition(sep)
    if len(tail) != 3 or head in ("", "0") or group is not None:
        return sep, group
    return None, sep


def number_fraction(values: Sequence[str | None]) -> float:
    """Share of non-empty values that are numbers or money amounts (any format)."""
    return share(values, _is_number)


_PLAIN_RX = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")


def _is_number(value: str) -> bool:
    if _PLAIN_RX.match(value):
        return True
    parts = _split(value) if _maybe_number(value) else None
    return parts is not None and any(rx.match(parts.body) for rx in _STRICT.values())


def money_fraction(values: Sequence[str | None]) -> float:
    """Share of non-empty values with a currency symbol/code or exactly 2 decimals."""
    return share(values, _is_money)


def _is_money(value: str) -> bool:
    if _PLAIN_RX.match(value):
        return re.search(r"\.[0-9]{2}$", value) is not None
    parts = _split(value) if _maybe_number(value) else None
    if parts is None or not any(rx.match(parts.body) for rx in _STRICT.values()):
        return False
    return parts.currency or re.search(r"[.,][0-9]{2}$", parts.body) is not None


def detect_number_format(
    values: Sequence[str | None], *, decimal_default: str = "."
) -> NumberFormat:
    """Decide the decimal and thousands separators of a column from its values."""
    votes: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    counts, _ = distinct(values)
    for value, n in counts.items():
        if _PLAIN_RX.match(value):
            body = value.lstrip("+-")
        else:
            parts = _split(value) if _maybe_number(value) else None
            if parts is None:
                continue
            body = parts.body
        decimal, group = _vote(body)
        if decimal:
            votes[decimal] += n
        if group:
            groups[group] += n
    if votes["."] != votes[","]:
        decimal = "." if votes["."] > votes[","] else ","
        how = ""
    else:
        decimal = decimal_default
        how = " (no value showed the decimal separator; the default was used)"
    thousands = next((g for g, _ in groups.most_common() if g != decimal), None)
    shown = {None: "", " ": " ", "\u00a0": " ", "\u202f": " "}.get(thousands, thousands)
    example = f"1{shown or ''}234{decimal}56"
    return NumberFormat(decimal, thousands, f"numbers like {example}{how}")


def number_sql(expr: str, fmt: NumberFormat) -> str:
    """DuckDB SQL expression -> DOUBLE, NULL when not a number; strips currency."""
    dec = fmt.decimal
    other = "," if dec == "." else "."
    # Fast path: bare numbers, grouped by the other of '.'/',' if the sample did.
    digits_rx = r"[0-9]+"
    text = expr
    if fmt.thousands == other:
        digits_rx = rf"(?:[0-9]+|[0-9]{{1,3}}(?:\{other}[0-9]{{3}})+)"
        text = f"replace({expr}, '{other}', '')"
    if dec == ".":
        plain = rf"[+-]?{digits_rx}(\.[0-9]+)?([eE][+-]?[0-9]+)?"
        plain_value = f"CAST({text} AS DOUBLE)"
    else:
        plain = rf"[+-]?{digits_rx}(,[0-9]+)?"
        plain_value = f"CAST(replace({text}, ',', '.') AS DOUBLE)"
    # Grouping: the other of '.'/',' always; a space or apostrophe only when the
    # sample used it (each allowed character costs a replace() on every row).
    groups = other
    if fmt.thousands and fmt.thousands not in (dec, groups):
        groups += fmt.thousands
    valid = quote_literal(_full_pattern(_strict_body(dec, groups)))
    class_ = re.escape(".," + groups)
    # The first run of digits and separators ("Fr. 1'234.50" -> "1'234.50").
    body = quote_literal(f"[.,]?[0-9](?:[0-9{class_}]*[0-9])?[.,]?")
    digits = f"regexp_extract({expr}, {body})"
    for group in groups:
        digits = f"replace({digits}, {quote_literal(group)}, '')"
    if dec == ",":
        digits = f"replace({digits}, ',', '.')"
    negative = " OR ".join(f"contains({expr}, {quote_literal(c)})" for c in "-(\u2212")
    slow = (
        f"CASE WHEN regexp_full_match({expr}, {valid}) "
        f"THEN TRY_CAST({digits} AS DOUBLE) * CASE WHEN {negative} THEN -1 ELSE 1 END"
        f" / CASE WHEN contains({expr}, '%') THEN 100 ELSE 1 END END"
    )
    # Plain numbers ("2.55", "-3", "12,5") take the cheap cast; only the rest pays
    # for the full pattern.
    return (
        f"CASE WHEN regexp_full_match({expr}, {quote_literal(plain)}) "
        f"THEN {plain_value} ELSE {slow} END"
    )
