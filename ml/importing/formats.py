"""Decide how each mapped column's text is read (date order, number format, scale)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from ml.columns import DATE_COLUMNS, NUMBER_COLUMNS, Columns
from ml.errors import InputDataError
from ml.mapping.mapping import ColumnMapping
from ml.parsing.dates import DateFormat, detect_date_format
from ml.parsing.numbers import NumberFormat, detect_number_format
from ml.parsing.ratings import RatingScale, detect_rating_scale

SAMPLE_SIZE = 5_000
_INTEGRAL_FLOAT = re.compile(r"^-?\d+\.0+$")
ID_COLUMNS = frozenset({Columns.CUSTOMER, Columns.OFFERING, Columns.ORDER})
DETECTED_COLUMNS = DATE_COLUMNS | NUMBER_COLUMNS | ID_COLUMNS | {Columns.RATING}


@dataclass(frozen=True, slots=True)
class ColumnFormats:
    """How the text of each mapped column is converted, decided from its values."""

    dates: dict[str, DateFormat] = field(default_factory=dict)
    numbers: dict[str, NumberFormat] = field(default_factory=dict)
    rating: RatingScale | None = None
    # Id columns written as floats by a spreadsheet or Spark ("17850.0"): the
    # ".0" is dropped so ids match those of other exports.
    integral_float_ids: frozenset[str] = frozenset()

    def descriptions(self) -> dict[str, str]:
        """Plain-language description of each decision, keyed by canonical column."""
        found = {name: fmt.description for name, fmt in self.dates.items()}
        found.update({name: fmt.description for name, fmt in self.numbers.items()})
        if self.rating is not None:
            found[Columns.RATING] = self.rating.description
        for name in sorted(self.integral_float_ids):
            found[name] = "whole numbers written with '.0'; the '.0' is dropped"
        return found


def sample_values(column: pa.ChunkedArray, limit: int = SAMPLE_SIZE) -> list[str]:
    """Distinct non-empty values of a column, evenly spread when there are many."""
    distinct = pc.unique(column.drop_null())
    if len(distinct) > limit:
        step = len(distinct) / limit
        distinct = distinct.take(pa.array([int(i * step) for i in range(limit)]))
    return [value for value in distinct.to_pylist() if value and value.strip()]


def detect_formats(
    table: pa.Table,
    mapping: ColumnMapping,
    *,
    file: str,
    day_first_default: bool,
) -> ColumnFormats:
    """Look at the values of every mapped column and decide how to convert them."""
    dates: dict[str, DateFormat] = {}
    numbers: dict[str, NumberFormat] = {}
    rating: RatingScale | None = None
    integral_ids: set[str] = set()
    for match in mapping.matches:
        if match.source is None or match.canonical not in DETECTED_COLUMNS:
            continue
        values = sample_values(table.column(match.source))
        if match.canonical in DATE_COLUMNS:
            date_format = detect_date_format(
                values, day_first_default=day_first_default, day_first=mapping.day_first
            )
            if date_format is None and values:
                raise InputDataError(
                    f"the values (e.g. '{values[0]}') are not dates.",
                    file=file,
                    column=match.source,
                    hint="Map the date column to a column that holds dates.",
                )
            if date_format is not None:
                dates[match.canonical] = date_format
        elif match.canonical in NUMBER_COLUMNS:
            numbers[match.canonical] = detect_number_format(values)
        elif match.canonical == Columns.RATING:
            rating = detect_rating_scale(values, header=match.source)
            if rating is None and values:
                raise InputDataError(
                    f"the values (e.g. '{values[0]}') are not ratings on a scale "
                    "Pushwise knows (stars, 0-10, thumbs, satisfaction words).",
                    file=file,
                    column=match.source,
                    hint="Map the rating to another column, or leave it unmapped.",
                )
        elif match.canonical in ID_COLUMNS and _all_integral_floats(values):
            integral_ids.add(match.canonical)
    return ColumnFormats(dates, numbers, rating, frozenset(integral_ids))


def _all_integral_floats(values: Sequence[str]) -> bool:
    return bool(values) and all(_INTEGRAL_FLOAT.match(v.strip()) for v in values)
