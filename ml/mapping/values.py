"""Value evidence: what a column's sample values say it holds (dates, money, ids...)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ml.columns import DATE_COLUMNS, Columns
from ml.mapping.countries import is_country
from ml.parsing.dates import date_fraction
from ml.parsing.numbers import detect_number_format, money_fraction, number_fraction
from ml.parsing.ratings import detect_rating_scale
from ml.parsing.text import fold

_C = Columns

# Profiling looks at this many non-empty values: enough to tell dates from ids,
# few enough that a 80-column export is mapped in a blink.
MAX_VALUES = 500

_INTEGER = re.compile(r"^[+-]?[0-9]+(?:\.0+)?$")
_CODE = re.compile(r"^[#]?[0-9A-Za-z][0-9A-Za-z_\-./:#]{0,39}$")
_NUMBER_JUNK = re.compile(r"[^0-9.,+\-]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_FLAGS = frozenset(
    {"yes", "no", "y", "n", "true", "false", "t", "f", "1", "0", "x", "ja", "nein"}
    | {"j", "oui", "non", "si", "sí", "vrai", "faux", "verdadero", "falso", "waar"}
    | {"onwaar", "nee", "active", "inactive", "aktiv", "inaktiv", "on", "off"}
)

IDS = frozenset({_C.CUSTOMER, _C.OFFERING, _C.ORDER})
MONEY = frozenset({_C.AMOUNT, _C.UNIT_PRICE, _C.PRICE, _C.MARGIN})
NAMES = frozenset({_C.OFFERING_NAME, _C.NAME})
FLAGS = frozenset({_C.ACTIVE, _C.OPTED_OUT})
LABELS = frozenset(
    {_C.CATEGORY, _C.CHANNEL, _C.STATUS, _C.SEGMENT, _C.REGION, _C.FEEDBACK_KIND}
)
# Columns whose values may look like anything (an id can be a number, a word or
# an e-mail; a status can be a code): contrary values lower the header's
# confidence only a little. For all others they lower it strongly.
LOOSE = IDS | LABELS


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """Summary of a column's sample values, computed once and used for every guess."""

    count: int  # non-empty values looked at
    filled: float  # share of sample rows with a value
    distinct: int
    runs: float  # share of neighbouring values that repeat (lines of one invoice)
    dates: float
    numbers: float
    money: float
    integers: float  # whole numbers, also written "17850.0"
    small_integers: float  # whole numbers up to 10,000 (quantities, not ids)
    short_integers: float  # whole numbers of at most 3 digits
    codes: float  # one token of at most 40 characters
    digit_codes: float  # such a token with a digit in it ("85123A", "c1")
    words: float  # values with a space inside
    letters: float  # values with a letter
    mean_length: float
    emails: float
    countries: float
    flags: float
    zeros: float  # values "0" (guest checkouts in WooCommerce)
    rating: bool  # the values form a rating scale

    @property
    def distinct_share(self) -> float:
        """Distinct values per non-empty value."""
        return self.distinct / self.count if self.count else 0.0


def profile_column(values: Sequence[str | None]) -> ColumnProfile:
    """Summarise a column from its sample values."""
    all_texts = [v.strip() for v in values if v is not None and v.strip()]
    texts = all_texts[:MAX_VALUES]
    n = len(texts)
    if not n:
        return ColumnProfile(0, 0.0, 0, *(0.0,) * 16, False)
    # Columns repeat their values (countries, statuses, quantities): test each
    # distinct value once and weight it by its count.
    counts = Counter(texts)

    def share(test: Callable[[str], bool], limit: int | None = None) -> float:
        if limit is not None and len(counts) > limit:
            return 0.0  # e.g. hundreds of distinct values are no list of countries
        return sum(c for v, c in counts.items() if test(v)) / n

    magnitudes = {
        v: abs(int(float(v))) for v in counts if _INTEGER.match(v) and len(v) < 19
    }
    numbers = number_fraction(texts)
    return ColumnProfile(
        count=n,
        filled=len(all_texts) / len(values),
        distinct=len(counts),
        runs=sum(a == b for a, b in pairwise(texts)) / max(n - 1, 1),
        dates=date_fraction(texts),
        numbers=numbers,
        money=money_fraction(texts) if numbers else 0.0,
        integers=share(lambda v: v in magnitudes),
        small_integers=share(lambda v: magnitudes.get(v, 10_001) <= 10_000),
        short_integers=share(lambda v: magnitudes.get(v, 1000) < 1000),
        codes=share(lambda v: bool(_CODE.match(v))),
        digit_codes=share(lambda v: bool(_CODE.match(v)) and any(map(str.isdigit, v))),
        words=share(lambda v: any(c.isspace() for c in v)),
        letters=share(lambda v: any(c.isalpha() for c in v)),
        mean_length=sum(len(v) * c for v, c in counts.items()) / n,
        emails=share(lambda v: "@" in v and bool(_EMAIL.match(v))),
        countries=share(is_country, limit=300),
        flags=share(lambda v: fold(v) in _FLAGS, limit=12),
        zeros=counts["0"] / n,
        rating=_is_rating(counts, numbers),
    )


def _is_rating(counts: Counter[str], numbers: float) -> bool:
    # Ratings are few distinct values: a numeric column with hundreds of values
    # (prices, ids) is no scale, and skipping it keeps profiling fast.
    if len(counts) > 40 or (numbers < 0.5 and len(counts) > 20):
        return False
    return detect_rating_scale(list(counts.elements())) is not None


def id_likeness(p: ColumnProfile) -> float:
    """Return how much a column's values look like ids (codes, keys), 0..1."""
    # Codes ("85123A", "c1", a hash) are the usual ids, but CRM reports name
    # customers ("Acme GmbH"). Money, dates and long free text are no ids.
    like = (0.7 + 0.3 * p.codes) * (1 - p.money) * (1 - p.dates)
    like *= 1 - p.words * min(1.0, max(0.0, p.mean_length - 30) / 30)
    like *= 1 - 0.8 * p.short_integers  # small numbers count things, they name nothing
    if p.count >= 20 and p.distinct <= 5:
        like *= 0.3  # a few values in many rows are a flag or a label
    return like


def id_role(canonical: str, p: ColumnProfile) -> float:
    """Return how well an id-like column fits one id role, for guesses by values alone.

    Line-item exports repeat the order id (and the customer) on neighbouring
    lines while the product changes from line to line.
    """
    if canonical == _C.ORDER:
        return 0.6 + 0.4 * p.runs
    if canonical == _C.OFFERING:
        return 0.6 + 0.4 * (1 - p.runs)
    return 0.85


def value_score(canonical: str, p: ColumnProfile) -> float | None:
    """Return how well the values fit a canonical column (0..1), None: no opinion."""
    if not p.count:
        return None
    if canonical in DATE_COLUMNS:
        return p.dates
    if canonical in IDS:
        like = id_likeness(p)
        return max(like, p.emails) if canonical == _C.CUSTOMER else like
    if canonical == _C.QUANTITY:
        return p.numbers * (0.3 + 0.7 * p.small_integers) * (1 - 0.5 * p.money)
    if canonical in MONEY:
        # Amounts are numbers, often with two decimals or a currency; whole
        # numbers beyond 10,000 without either look more like ids ("17850.0").
        big = p.integers - p.small_integers
        return p.numbers * (1 - p.dates) * (0.75 + 0.25 * p.money) * (1 - 0.5 * big)
    if canonical == _C.RATING:
        return 0.9 if p.rating else 0.1
    if canonical == _C.COMMENT:
        # Comments are free text: letters, spaces, and longer than labels, though
        # "ok" is a comment too.
        length = 0.6 + 0.4 * min(1.0, p.mean_length / 25)
        return (1 - p.numbers) * p.letters * length * (0.4 + 0.6 * p.words)
    if canonical == _C.TITLE or canonical in NAMES:
        if p.numbers > 0.5 or p.dates > 0.5:
            return 0.1
        varied = 1.0 if p.distinct_share > 0.05 or p.distinct > 20 else 0.5
        coded = 1 - 0.6 * p.digit_codes * (1 - p.words)  # "85123A" is a code, no name
        return (
            p.letters * varied * coded * (0.6 + 0.4 * max(p.words, p.mean_length >= 8))
        )
    if canonical == _C.COUNTRY:
        return p.countries
    if canonical in FLAGS:
        return p.flags
    if canonical in LABELS:
        few = p.distinct <= 50 or p.distinct_share <= 0.2
        return p.letters * (1.0 if few else 0.4)
    return None


def detect_cancellation_prefix(values: Sequence[str | None]) -> str | None:
    """Return the letter prefix marking cancelled orders ("C" in C536379), if any.

    Only when most ids are plain digits and a minority are the same letters
    followed by digits of the usual length: then the letters mean something.
    """
    texts = [v.strip() for v in values if v is not None and v.strip()][: MAX_VALUES * 5]
    if not texts:
        return None
    digits = [t for t in texts if t.isdigit()]
    if len(digits) < 0.5 * len(texts):
        return None
    usual = Counter(map(len, digits)).most_common(1)[0][0]
    prefixed: Counter[str] = Counter()
    for text in texts:
        match = re.fullmatch(r"([A-Za-z]{1,3})[-_]?([0-9]+)", text)
        if match and abs(len(match.group(2)) - usual) <= 1:
            prefixed[match.group(1)] += 1
    if not prefixed:
        return None
    prefix, count = prefixed.most_common(1)[0]
    others = len(texts) - len(digits) - count
    # The rest must be digits: a mixed bag of codes is no cancellation marker.
    if count >= len(digits) or others > max(2, 0.02 * len(texts)):
        return None
    return prefix


def numbers_of(values: Sequence[str | None]) -> list[float | None]:
    """Return the values as numbers in the column's own format (None: not one)."""
    fmt = detect_number_format(values)
    result: list[float | None] = []
    for value in values:
        text = _NUMBER_JUNK.sub("", value or "")
        if fmt.thousands:
            text = text.replace(fmt.thousands, "")
        if fmt.decimal == ",":
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
        try:
            result.append(float(text))
        except ValueError:
            result.append(None)
    return result
