"""Whatever an order file holds, once it is imported every command still works.

A healthy order history plus a few wild lines (extreme and non-finite numbers,
negative quantities, dates from year 1 to 9999, odd unicode ids): the import
either succeeds or is refused with a plain message, and after a successful
import `info`, the Data page's queries, train, recommend, forecast and backtest
all work or give a plain PushwiseError (exit code 3), never another exception.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.pages.datacontent import read_content
from ml.cli import main
from ml.cli.common import EXIT_BAD_INPUT, EXIT_OK
from ml.store.overview import TABLE_VIEWS
from ml.store.project import Project

HEADER = ["order_id", "customer_id", "product_id", "order_date", "quantity", "price"]
Line = list[str]


def _history() -> list[Line]:
    """25 customers buying 8 offerings over half a year: enough to train on."""
    rng = random.Random(11)
    lines = []
    for customer in range(25):
        for day in range(0, 180, 3):
            if rng.random() < 0.25:
                lines.append(
                    [
                        f"o{customer}-{day}",
                        f"c{customer}",
                        f"p{rng.randrange(8)}",
                        (date(2024, 1, 1) + timedelta(days=day)).isoformat(),
                        str(rng.randint(1, 3)),
                        f"{rng.uniform(1, 20):.2f}",
                    ]
                )
    return lines


HISTORY = _history()

ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=1,
    max_size=8,
)
IDS = st.one_of(st.sampled_from(["c1", "c2", "p1", "p2"]), ODD_TEXT)
NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**13), 10**13).map(str),
    st.sampled_from(
        [
            "1e308",
            "-1e308",
            "1e400",
            "10000000",
            "-9999999",
            "0.000001",
            "1e-7",
            "1000000000000",
            "-0",
            "",
            "(12.50)",
            "£3.99",
        ]
    ),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(1895, 1, 1), max_value=date(2030, 12, 31)).map(
        date.isoformat
    ),
    st.sampled_from(["1900-01-01", "2024-02-30", "", "soon"]),
)
WILD_LINE = st.tuples(IDS, IDS, IDS, DATES, NUMBERS, NUMBERS).map(list)
WILD_LINES = st.lists(WILD_LINE, min_size=1, max_size=4)

# Every limit at once: a century of history, ten million units, a trillion.
NEXT_YEAR = (datetime.now() + timedelta(days=360)).date().isoformat()
EXTREMES = [
    ["w1", "c1", "p1", "1900-01-01", "10000000", "100000"],
    ["w2", "c2", "p2", NEXT_YEAR, "0.000001", "1000000000000"],
    ["w3", "c\u202e\u0007x", "p\U0001f600", "2024-03-01", "-9999999", "99999"],
    ["w4", "c3", "p3", "2024-03-02", "1e308", "1e308"],
]


def _run(*args: str) -> int:
    """Run one `pushwise` command in process; only a plain refusal may fail."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()) as err,
    ):
        code = main(list(args))
    assert code in (EXIT_OK, EXIT_BAD_INPUT), err.getvalue()
    if code == EXIT_BAD_INPUT:
        assert err.getvalue().startswith("pushwise: ")
    return code


def _imported(folder: Path, wild: list[Line]) -> str | None:
    """Import the history with the wild lines; the project's path, or None when
    the file was refused (plainly)."""
    orders = folder / "orders.csv"
    with orders.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(HISTORY[:150] + wild + HISTORY[150:])
    project = str(folder / "p.pushwise")
    if _run("import", "--project", project, str(orders)) != EXIT_OK:
        return None
    return project


def _check_summaries(project: str) -> None:
    """`pushwise info` and every query of the Data page work."""
    assert _run("info", "--project", project) == EXIT_OK
    assert _run("info", "--project", project, "--json") == EXIT_OK
    with Project.open(project) as opened:
        assert opened.info().to_text()
        content = read_content(opened.con)
        assert content.overview.order_lines >= 0
        for sql in TABLE_VIEWS.values():
            opened.con.execute(sql).df()


SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@settings(SETTINGS, max_examples=20)
@example(EXTREMES)
@given(wild=WILD_LINES)
def test_summaries_and_forecast_survive_any_import(wild: list[Line]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = _imported(Path(folder), wild)
        if project is None:
            return
        _check_summaries(project)
        out = str(Path(folder) / "forecast.csv")
        _run("forecast", "--project", project, "--out", out)


@pytest.mark.slow
@settings(SETTINGS, max_examples=4)
@example(EXTREMES)
@given(wild=WILD_LINES)
def test_train_plan_and_backtest_survive_any_import(wild: list[Line]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = _imported(Path(folder), wild)
        if project is None:
            return
        _run("train", "--project", project)
        _run("recommend", "--project", project, "--out", f"{folder}/plan.csv")
        backtest = ("backtest", "--project", project, "--folds", "1")
        _run(*backtest, "--out", f"{folder}/backtest")
