"""Weekly uptake series, window actuals and the protocol's offerings."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.demand import horizon_actuals, protocol_offerings, weekly_series
from tests.ml.builders import purchases_frame as frame

AS_OF = pd.Timestamp("2024-03-01")  # a Friday: weeks run Friday to Thursday


@pytest.fixture
def mugs() -> pd.DataFrame:
    return frame(
        [
            ("c0", "lamp", "2024-01-26 09:00", 1),  # first day of data
            ("c1", "mug", "2024-02-09 10:00", 2),  # week of 02-09
            ("c1", "mug", "2024-02-10 10:00", 1),  # same customer, same week
            ("c2", "mug", "2024-02-15 23:59", 3),  # Thursday: still 02-09's week
            (None, "mug", "2024-02-12 12:00", 5),  # anonymous demand
            (None, "mug", "2024-02-13 12:00", 1),
            ("c3", "mug", "2024-02-29 08:00", 4),  # week of 02-23
            ("c4", "mug", "2024-03-01 00:00", 9),  # at as_of: not in the series
        ]
    )


def test_weeks_end_at_as_of_and_count_distinct_identified_buyers(mugs) -> None:
    series = weekly_series(mugs, as_of=AS_OF)
    mug = series[series.offering_id == "mug"].set_index("week_start")
    assert list(mug.index) == list(
        pd.to_datetime(["2024-02-09", "2024-02-16", "2024-02-23"])
    )
    assert mug.buyers.tolist() == [2, 0, 1]  # c1 twice in a week counts once
    assert mug.units.tolist() == [6.0, 0.0, 4.0]
    assert mug.anonymous_lines.tolist() == [2, 0, 0]
    assert mug.anonymous_units.tolist() == [6.0, 0.0, 0.0]
    assert mug.index.max() + pd.Timedelta(days=7) == AS_OF


def test_series_start_at_each_offerings_first_sale_and_keep_zero_weeks(mugs) -> None:
    series = weekly_series(mugs, as_of=AS_OF)
    lamp = series[series.offering_id == "lamp"]
    assert lamp.week_start.min() == pd.Timestamp("2024-01-26")
    assert lamp.buyers.tolist() == [1, 0, 0, 0, 0]  # sold once, then nothing
    assert series.groupby("offering_id").size().to_dict() == {"lamp": 5, "mug": 3}


def test_rows_at_or_after_as_of_change_nothing(mugs) -> None:
    later = frame([("c9", "mug", "2024-03-05", 1), ("c9", "new", "2024-03-02", 1)])
    both = pd.concat([mugs, later], ignore_index=True)
    pd.testing.assert_frame_equal(
        weekly_series(both, as_of=AS_OF), weekly_series(mugs, as_of=AS_OF)
    )


def test_weeks_keeps_only_the_most_recent(mugs) -> None:
    series = weekly_series(mugs, as_of=AS_OF, weeks=2)
    assert sorted(series.week_start.unique()) == list(
        pd.to_datetime(["2024-02-16", "2024-02-23"])
    )


def test_a_partly_observed_first_week_is_dropped() -> None:
    # Data start on a Monday; the week from the Friday before is only 4/7 seen.
    data = frame([("c1", "mug", "2024-02-19 10:00", 1), ("c2", "mug", "2024-02-27", 1)])
    series = weekly_series(data, as_of=AS_OF)
    assert series.week_start.tolist() == [pd.Timestamp("2024-02-23")]
    assert series.buyers.tolist() == [1]


def test_no_purchases_before_as_of_gives_an_empty_series_with_columns(mugs) -> None:
    series = weekly_series(mugs, as_of=pd.Timestamp("2024-01-01"))
    assert series.empty
    assert list(series.columns) == [
        "offering_id",
        "week_start",
        "buyers",
        "units",
        "anonymous_lines",
        "anonymous_units",
    ]


def test_horizon_actuals_counts_distinct_buyers_in_the_window_only() -> None:
    data = frame(
        [
            ("c1", "mug", "2024-02-29 23:59", 1),  # before the window
            ("c1", "mug", "2024-03-01 00:00", 1),  # first instant: in
            ("c1", "mug", "2024-03-03", 1),  # same buyer again
            ("c2", "mug", "2024-03-28 23:59", 1),  # last instant: in
            ("c3", "mug", "2024-03-29 00:00", 1),  # window end: out
            (None, "mug", "2024-03-04", 1),  # anonymous: not a buyer
            (None, "tea", "2024-03-04", 1),  # only anonymous: absent
        ]
    )
    actual = horizon_actuals(data, AS_OF, 28)
    assert actual.to_dict() == {"mug": 2}


def test_protocol_offerings_are_the_most_purchased_lines_before_as_of() -> None:
    rows = [("c1", "a", "2024-01-05", 1)] * 3 + [("c2", "b", "2024-01-05", 1)] * 2
    rows += [(None, "c", "2024-01-05", 1)] * 2 + [("c3", "d", "2024-01-05", 1)]
    rows += [("c1", "d", "2024-03-05", 1)] * 9  # after as_of: not counted
    data = frame(rows)
    assert protocol_offerings(data, AS_OF, n=3) == ["a", "b", "c"]  # b, c tie: by id
    assert protocol_offerings(data, AS_OF, n=3, identified_only=True) == [
        "a",
        "b",
        "d",
    ]
    assert protocol_offerings(data, AS_OF, level="category") == ["a", "b", "c", "d"]


def test_a_frame_without_the_needed_columns_is_explained() -> None:
    with pytest.raises(ValueError, match="no column 'ordered_at'"):
        weekly_series(
            pd.DataFrame({"customer_id": [], "offering_id": [], "quantity": []}),
            as_of=AS_OF,
        )
    bad = frame([("c1", "mug", "2024-01-05", 1)]).astype({"ordered_at": "str"})
    with pytest.raises(TypeError, match="not timestamps"):
        horizon_actuals(bad, AS_OF)
    with pytest.raises(ValueError, match="horizon_days must be at least 1"):
        horizon_actuals(frame([]), AS_OF, 0)
