"""Uptake counted in many windows at once (ml/demand/windows.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.demand import window_uptake
from ml.demand.windows import DayLines
from tests.ml.builders import purchases_frame as frame

AS_OF = pd.Timestamp("2024-03-01")


def lines() -> tuple[pd.DataFrame, DayLines]:
    data = frame(
        [
            ("c1", "mug", "2024-02-01 10:00", 1),  # day -29
            ("c1", "mug", "2024-02-20 09:00", 2),  # day -10: same buyer again
            ("c2", "mug", "2024-02-29 23:59", 4),  # day -1
            (None, "mug", "2024-02-25", 7),  # anonymous: never a buyer
            ("c3", "tea", "2024-02-10", 1),  # day -20
            ("c3", "tea", "2024-03-02", 1),  # after as_of: day 1
        ]
    )
    return data, DayLines.from_purchases(data, AS_OF, pd.Index(["mug", "tea"]))


def test_distinct_buyers_match_window_uptake_for_every_end() -> None:
    data, encoded = lines()
    ends = np.array([-20, -10, -9, 0, 2])
    for length in (1, 7, 10, 28, 60):
        counts = encoded.distinct_buyers(ends, length)
        for column, end in enumerate(ends):
            stop = AS_OF + pd.Timedelta(days=int(end))
            start = stop - pd.Timedelta(days=length)
            expected = window_uptake(data, start, stop)["buyers"]
            expected = expected.reindex(["mug", "tea"], fill_value=0)
            assert counts[:, column].tolist() == expected.tolist(), (length, end)


def test_sums_count_every_line_and_last_day_finds_the_latest() -> None:
    _, encoded = lines()
    ends = np.array([-10, 0])
    # mug's last 28 days: c1's second line, the anonymous one and c2's.
    assert encoded.sums(ends, 28).tolist() == [[1.0, 3.0], [1.0, 1.0]]
    units = encoded.sums(ends, 28, encoded.quantity)
    assert units.tolist() == [[1.0, 13.0], [1.0, 1.0]]
    np.testing.assert_array_equal(
        encoded.last_day_before(np.array([-30, -10, 0])),
        [[np.nan, -29.0, -1.0], [np.nan, -20.0, -20.0]],
    )
