"""What one file says about its columns: header scores and value profiles, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from ml.mapping.headers import header_score
from ml.mapping.normalize import LINE_COLUMN, data_headers
from ml.mapping.values import (
    LOOSE,
    ColumnProfile,
    numbers_of,
    profile_column,
    value_score,
)
from ml.mapping.width import check_width

Sample = Mapping[str, Sequence[str | None]]

MIN_CONFIDENCE = 0.4  # weaker guesses are not proposed at all
HAS_HEADER = 0.5  # header evidence this strong says "the file has this column"
VALUES_ONLY_MAX = 0.55  # values alone never look sure: the user is asked to confirm
VALUES_ONLY_MIN = 0.6  # value score needed to propose a column no header names


def sample_columns(table: Any, *, rows: int = 2000) -> dict[str, list[str | None]]:
    """Return `rows` values of each column of a pyarrow table, from rows spread
    evenly over the table (an export sorted by date or customer shows its
    variety only across the whole file)."""
    head = table
    if table.num_rows > rows:
        # Contiguous runs are far cheaper to cut than scattered single rows.
        runs = min(20, rows)
        run = rows // runs
        step = (table.num_rows - run) // (runs - 1)
        head = pa.concat_tables(table.slice(i * step, run) for i in range(runs))
    return {
        name: head.column(name).to_pylist()
        for name in head.column_names
        if name != LINE_COLUMN
    }


def combine(header: float, values: float | None, canonical: str) -> float:
    """Return the confidence from header evidence adjusted by value evidence."""
    if values is None:
        return header
    if values >= 0.7:
        # The values confirm: move part of the way to certainty. A weak header
        # ("customer" in "customer_state") is not made strong by values that
        # merely fit; state codes look like ids too.
        return header + (1 - header) * 0.5 * values if header >= HAS_HEADER else header
    if values < 0.3:  # they contradict: a date column without dates is wrong
        # Ids and labels may look like anything, except almost nothing at all.
        loose = canonical in LOOSE and values >= 0.15
        return header * ((0.7 if loose else 0.3) + values)
    return header * (0.85 + 0.15 * values)


class Evidence:
    """Headers, value profiles and header scores of one file, computed once."""

    def __init__(self, headers: Sequence[str], sample: Sample) -> None:
        self.raw_headers = tuple(headers)
        self.headers = data_headers(headers)
        self.sample = sample
        self._profiles: dict[str, ColumnProfile] = {}
        self._cleaned: dict[str, list[str | None]] = {}
        self._numbers: dict[str, list[float | None]] = {}

    def profile(self, header: str) -> ColumnProfile:
        """Return the value profile of a column (empty when not sampled)."""
        if header not in self._profiles:
            self._profiles[header] = profile_column(self.sample.get(header, ()))
        return self._profiles[header]

    def cleaned(self, header: str) -> list[str | None]:
        """Return a column's sample values stripped, None for empty ones."""
        if header not in self._cleaned:
            self._cleaned[header] = [
                v.strip() if v is not None and v.strip() else None
                for v in self.sample.get(header, ())
            ]
        return self._cleaned[header]

    def numbers(self, header: str) -> list[float | None]:
        """Return a column's sample values as numbers (None: not a number)."""
        if header not in self._numbers:
            self._numbers[header] = numbers_of(self.sample.get(header, ()))
        return self._numbers[header]

    def has_values(self, header: str) -> bool:
        """Return whether the sample holds values of this column."""
        return header in self.sample

    def confidence(self, canonical: str, header: str) -> float:
        """Return the header's score for a canonical column, checked by its values."""
        profile = self.profile(header)
        values = value_score(canonical, profile) if profile.count else None
        return combine(header_score(canonical, header), values, canonical)

    def has(self, *canonicals: str) -> bool:
        """Return whether some header clearly names one of these columns."""
        return any(
            self.confidence(c, h) >= HAS_HEADER
            for c in canonicals
            for h in self.headers
        )

    def best_source(self, canonical: str) -> str | None:
        """Return the header that most clearly names a canonical column, if any."""
        scored = [(header_score(canonical, h), h) for h in self.headers]
        score, header = max(scored, default=(0.0, None), key=lambda s: s[0])
        return header if score >= HAS_HEADER else None


_last: list[Evidence] = []


def evidence_of(headers: Sequence[str], sample: Sample) -> Evidence:
    """Return the evidence of a file, reusing the last one (infer_kind, then
    infer_mapping on the same sample profile the columns once). Refuses a file
    too wide to be an export (ml.mapping.width)."""
    check_width(headers)
    if _last and _last[0].sample is sample and _last[0].raw_headers == tuple(headers):
        return _last[0]
    ev = Evidence(headers, sample)
    _last[:] = [ev]
    return ev
