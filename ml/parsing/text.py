"""Text normalisation shared by the parsers, in Python and as DuckDB SQL."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence


def fold(value: str) -> str:
    """Lower-case, strip accents and outer space: 'Très Bien ' -> 'tres bien'."""
    if value.isascii():
        return value.strip().lower()
    decomposed = unicodedata.normalize("NFKD", value.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold_sql(expr: str) -> str:
    """DuckDB counterpart of :func:`fold` (same result for the words we match)."""
    return f"strip_accents(lower(trim({expr})))"


def non_empty(values: Sequence[str | None]) -> list[str]:
    """The values that hold text other than white space, stripped."""
    return [v.strip() for v in values if v is not None and v.strip()]


def distinct(values: Sequence[str | None]) -> tuple[Counter[str], int]:
    """Distinct non-empty stripped values with their counts, and the total count.

    Samples repeat values a lot (dates, prices, countries): classifying each
    distinct value once keeps detection fast.
    """
    counts = Counter(v.strip() for v in values if v is not None)
    counts.pop("", None)
    return counts, counts.total()


def share(values: Sequence[str | None], test: Callable[[str], bool]) -> float:
    """Share of the non-empty values for which ``test`` is true (0.0 when none)."""
    counts, total = distinct(values)
    if not total:
        return 0.0
    return sum(n for v, n in counts.items() if test(v)) / total
