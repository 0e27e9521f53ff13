"""BacktestReport on its own: the summary, the headline and its CSV files."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from ml.backtest.report import BacktestReport
from ml.errors import ProjectError
from tests.ml.backtest_builders import customer_recall, small_report


@pytest.fixture(scope="module")
def report() -> BacktestReport:
    return small_report()


def test_summary_averages_the_folds_per_method_and_mode(report) -> None:
    summary = report.summary()
    assert list(zip(summary["mode"], summary["method"], strict=True)) == [
        ("all", "Pushwise"),
        ("all", "popularity"),
        ("repeat", "Pushwise"),
        ("repeat", "popularity"),
        ("new", "Pushwise"),
        ("new", "popularity"),
    ]
    first = summary.iloc[0]
    assert first["folds"] == 2 and first["k"] == 10 and first["customers"] == 50
    assert first["recall"] == pytest.approx(0.45)  # (0.4 + 0.5) / 2
    assert summary.iloc[1]["recall"] == pytest.approx(0.25)


def test_headline_says_how_much_each_list_caught_in_plain_words(report) -> None:
    assert report.headline() == (
        "Of the customers who bought something in the 28 days after each of 2 "
        "earlier dates, the top-10 push list caught about 1 in 2 (45%) of what "
        "they bought; the best simple rule (“Push the best sellers”) caught about "
        "1 in 4 (25%). That is 20.0 percentage points more (95% sure: between "
        "+18.0 and +22.0)."
        " Its forecast of buyers per offering was off by 30% of the actual total "
        "(best simple rule: 40%). Its forecast of all offerings together was off "
        "by 10%, and the actual total fell inside its range in 1 of 2 periods "
        "(the range is meant to hold it about 8 times in 10)."
    )


@pytest.mark.parametrize(
    ("gain", "said"),
    [
        (
            0.0,
            "The difference, +0.0 percentage points, is within what chance "
            "gives on 100 customers' lists (95% sure: between -2.0 and +2.0): "
            "about the same.",
        ),
        (
            -0.05,
            "That is 5.0 percentage points fewer (95% sure: between -7.0 and -3.0).",
        ),
    ],
)
def test_headline_says_whether_the_gain_is_more_than_chance(
    report, gain: float, said: str
) -> None:
    """The gain over the best simple rule is paired per customer and fold, and
    only called more or fewer when its 95% interval leaves out zero."""
    even = dataclasses.replace(report, customer_recall=customer_recall(gain))
    assert said in even.headline()
    low_gain, low, high, pairs = even.recall_gain("popularity")
    assert pairs == 100
    assert low <= low_gain <= high


def test_an_empty_report_has_a_headline_too(report) -> None:
    empty = dataclasses.replace(report, list_metrics=report.list_metrics.iloc[:0])
    assert empty.headline() == "The backtest has no results to summarise."
    assert empty.summary().empty


def test_written_tables_read_back_unchanged_even_odd_offering_ids(
    report, tmp_path
) -> None:
    weekly = report.demand_weekly.copy()
    weekly["offering_id"] = weekly["offering_id"].map({"a": "NA", "b": "00123"})
    odd = dataclasses.replace(report, demand_weekly=weekly)
    odd.write(tmp_path)
    again = BacktestReport.read(tmp_path)
    # Same values, exactly; text columns may come back as pandas' string dtype.
    for field in dataclasses.fields(BacktestReport):
        pd.testing.assert_frame_equal(
            getattr(again, field.name),
            getattr(odd, field.name),
            check_exact=True,
            check_dtype=False,
        )


def test_writing_onto_a_file_or_reading_an_empty_folder_is_refused(
    report, tmp_path
) -> None:
    taken = tmp_path / "report.csv"
    taken.write_text("x\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="not a folder"):
        report.write(taken)
    with pytest.raises(ProjectError, match=r"folds\.csv: has no backtest table"):
        BacktestReport.read(tmp_path)
