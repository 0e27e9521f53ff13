"""Rating columns: detect the scale from sample values, normalise to [0, 1] in DuckDB.

Scale rules for numbers ("4", "4.5", "4/5", "4 stars", "80%"), applied in order:

1. A header mentioning NPS or recommending ("nps", "recommend", "empfehl",
   "recommand", "recomend", "aanbevel") -> 0-10 when the values fit.
2. A '%' sign or "/100" -> 0-100. Other "x/n" values -> 1..max n (0..n when a
   0 is seen); each "x/n" is first read on its own 1..n scale ("4/5" = 0.75).
3. Negative values: only -1/0/+1 -> -1..1 (thumbs as numbers), within -2..2 -> -2..2.
4. max <= 1 with a 0 or a fraction -> 0-1.
5. max <= 5 -> 1-5 stars (0-5 when a 0 is seen).
6. max 6 or 7, whole numbers, min >= 1 -> 1-7 (Likert).
7. max <= 10 -> 0-10 (NPS) when a 0 is seen, otherwise 1-10.
8. max <= 100 -> 0-100. Anything larger is not a rating.

Numeric scales map linearly: low -> 0, high -> 1; values outside the scale are NULL.
Stars ("★★★★☆") count the filled stars on 1..n (0..n when an empty row is seen).
Thumbs (up/down, 👍/👎, yes/no, like/dislike, ...) map to 1/0; text labels
(very satisfied ... very dissatisfied, excellent ... terrible, in English,
German, French, Spanish, Dutch and Portuguese) map to fixed points in [0, 1].
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ml.parsing.ratingwords import BINARY, LABELS
from ml.parsing.text import distinct, fold, fold_sql
from ml.sqltext import quote_literal

__all__ = ["RatingScale", "detect_rating_scale", "rating_sql"]


@dataclass(frozen=True, slots=True)
class RatingScale:
    """A rating scale and how its values map onto [0, 1]."""

    kind: str  # "numeric" | "stars" | "thumbs" | "labels"
    low: float  # value that maps to 0 (numeric and stars)
    high: float  # value that maps to 1
    labels: tuple[tuple[str, float], ...]  # folded label -> [0, 1] (thumbs, labels)
    description: str  # for reports: "1-5 stars (1 -> 0, 5 -> 1)"


_UNITS = (
    r"stars?|sterne?|etoiles?|estrellas?|sterren|points?|pts?|punkte?|punten|puntos?"
)
# Shared by Python and RE2, on folded text: number, denominator, percent sign.
_NUMERIC = rf"^\s*([+-]?[0-9]+(?:[.,][0-9]+)?)\s*(?:/\s*([0-9]+)|(%)|(?:{_UNITS}))?\s*$"
_NUMERIC_RX = re.compile(_NUMERIC)
_FILLED, _EMPTY = "★⭐*", "☆✩"
_STARS_RX = re.compile(rf"^[\s{_FILLED}{_EMPTY}]+$")
_NPS_HINTS = ("nps", "recommend", "empfehl", "recommand", "recomend", "aanbevel")


@dataclass(frozen=True, slots=True)
class _Number:
    value: float
    den: int | None
    percent: bool


def _number(text: str) -> _Number | None:
    m = _NUMERIC_RX.match(text)
    if m is None:
        return None
    den = int(m.group(2)) if m.group(2) else None
    if den == 0:
        return None
    return _Number(float(m.group(1).replace(",", ".")), den, m.group(3) is not None)


def _numeric_scale(numbers: list[_Number], header: str) -> RatingScale | None:
    values = [n.value for n in numbers]
    low, high = min(values), max(values)
    whole = all(v.is_integer() for v in values)
    dens = [n.den for n in numbers if n.den is not None]
    zero = low == 0
    scale: tuple[float, float, str] | None
    if any(h in header for h in _NPS_HINTS) and low >= 0 and high <= 10:
        scale = (0, 10, "0-10 (NPS, from the column name)")
    elif any(n.percent for n in numbers) or 100 in dens:
        scale = (0, 100, "0-100 (percent)")
    elif dens:
        top = max(dens)
        scale = (0 if zero else 1, top, f"{0 if zero else 1}-{top} ('x/{top}' values)")
    elif low < 0:
        if set(values) <= {-1.0, 0.0, 1.0}:
            scale = (-1, 1, "-1/+1 (thumbs down/up)")
        else:
            scale = (-2, 2, "-2..+2") if low >= -2 and high <= 2 else None
    elif high <= 1 and (zero or not whole):
        scale = (0, 1, "0-1")
    elif high <= 5:
        scale = (0, 5, "0-5 stars") if zero else (1, 5, "1-5 stars")
    elif high <= 7 and whole and not zero:
        scale = (1, 7, "1-7 (Likert)")
    elif high <= 10:
        scale = (0, 10, "0-10 (NPS)") if zero else (1, 10, "1-10")
    elif high <= 100:
        scale = (0, 100, "0-100")
    else:
        scale = None
    if scale is None:
        return None
    lo, hi, what = scale
    if not (lo <= low and high <= hi):
        return None
    description = f"ratings on a {what} scale: {lo:g} -> 0, {hi:g} -> 1"
    return RatingScale("numeric", float(lo), float(hi), (), description)


def _stars_scale(texts: list[str]) -> RatingScale:
    counts = [sum(c in _FILLED for c in t) for t in texts]
    widths = [
        sum(c in _FILLED + _EMPTY for c in t) for t in texts if set(t) & set(_EMPTY)
    ]
    high = max(widths) if widths else max(5, *counts)
    low = 0 if 0 in counts else 1
    return RatingScale(
        "stars",
        float(low),
        float(high),
        (),
        f"star ratings ({low}-{high} stars): {low} -> 0, {high} -> 1",
    )


def _label_scale(folded: list[str]) -> RatingScale:
    seen = sorted({f for f in folded if f in LABELS}, key=lambda f: -LABELS[f])
    shown = ", ".join(f"{f} -> {LABELS[f]:g}" for f in seen[:8])
    if all(f in BINARY for f in seen):
        labels = tuple(sorted(BINARY.items()))
        return RatingScale(
            "thumbs", 0.0, 1.0, labels, f"thumbs up/down ratings: {shown}"
        )
    labels = tuple(sorted(LABELS.items()))
    return RatingScale("labels", 0.0, 1.0, labels, f"rating words: {shown}")


def detect_rating_scale(
    values: Sequence[str | None], header: str | None = None
) -> RatingScale | None:
    """Detect the rating scale of a column from its values; None if not ratings."""
    counts, total = distinct(values)
    if not total:
        return None
    folded = {t: fold(t) for t in counts}
    labelled = sum(n for t, n in counts.items() if folded[t] in LABELS)
    stars = [t for t in counts if _STARS_RX.match(t) and set(t) & set(_FILLED + _EMPTY)]
    numbers = {t: _number(folded[t]) for t in counts}
    numeric = sum(n for t, n in counts.items() if numbers[t] is not None)
    starred = sum(counts[t] for t in stars)
    best = max(labelled, starred, numeric)
    if best * 2 < total:
        return None
    if best == numeric:
        found = [x for x in numbers.values() if x is not None]
        return _numeric_scale(found, fold(header or ""))
    if best == starred:
        return _stars_scale(stars)
    return _label_scale(list(folded.values()))


def _map_sql(expr: str, labels: tuple[tuple[str, float], ...]) -> str:
    entries = ", ".join(f"{quote_literal(k)}: {v!r}" for k, v in labels)
    return f"CAST((MAP {{{entries}}})[{fold_sql(expr)}] AS DOUBLE)"


def rating_sql(expr: str, scale: RatingScale) -> str:
    """DuckDB SQL expression -> DOUBLE in [0, 1], NULL if not a rating on this scale."""
    lo, hi = scale.low, scale.high
    if scale.kind in ("thumbs", "labels"):
        return _map_sql(expr, scale.labels)
    if scale.kind == "stars":
        shape = quote_literal(
            f"[\\s{_FILLED}{_EMPTY}]*[{_FILLED}{_EMPTY}][\\s{_FILLED}{_EMPTY}]*"
        )
        filled = (
            f"length(regexp_replace({expr}, {quote_literal(f'[^{_FILLED}]')}, '', 'g'))"
        )
        value = f"CASE WHEN regexp_full_match({expr}, {shape}) THEN {filled} END"
    else:
        names = "['num', 'den', 'pct']"
        match = f"regexp_extract({fold_sql(expr)}, {quote_literal(_NUMERIC)}, {names})"
        number = "TRY_CAST(replace(m.num, ',', '.') AS DOUBLE)"
        # "x/n" is read on its own low..n scale, then mapped onto low..high:
        # "4/5" in a 1-10 column counts as 7.75 (0.75), like "4" in a 1-5 column.
        den = "TRY_CAST(nullif(m.den, '') AS DOUBLE)"
        rescaled = (
            f"CASE WHEN {den} IS NULL THEN {number} ELSE {lo!r} + ({number} - {lo!r})"
            f" * {hi - lo!r} / nullif({den} - {lo!r}, 0) END"
        )
        slow = f"list_transform([{match}], lambda m: {rescaled})[1]"
        # Plain "4" or "4.5" skip the pattern match (most rating columns).
        value = (
            f"CASE WHEN regexp_full_match({expr}, '[0-9]+(\\.[0-9]+)?') "
            f"THEN CAST({expr} AS DOUBLE) ELSE {slow} END"
        )
    # The value appears twice; DuckDB computes common subexpressions once.
    value = f"CAST({value} AS DOUBLE)"
    return (
        f"CASE WHEN {value} BETWEEN {lo!r} AND {hi!r} "
        f"THEN ({value} - {lo!r}) / {hi - lo!r} END"
    )
