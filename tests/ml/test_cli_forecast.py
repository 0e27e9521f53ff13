"""`pushwise forecast`: FORECAST.csv from a project or straight from files."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.cli import main
from ml.workflows.forecast import FORECAST_CSV_COLUMNS
from tests.conftest import SAMPLE
from tests.ml.demand_worlds import shop, steady

CHARGES = ("POST", "DOT", "M", "C2")


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> str:
    """A small orders file: 12 offerings over 40 weeks, and postage."""
    rates = {f"P{i:02d}": steady(3.0 + 2 * i) for i in range(12)}
    rates["POST"] = steady(30.0)
    lines = shop(rates, 280, seed=6)
    names = {name: f"PRODUCT {name}" for name in rates} | {"POST": "POSTAGE"}
    table = pd.DataFrame(
        {
            "InvoiceNo": range(len(lines)),
            "StockCode": lines.offering_id,
            "Description": lines.offering_id.map(names),
            "Quantity": lines.quantity.astype(int),
            "InvoiceDate": lines.ordered_at.dt.strftime("%Y-%m-%d %H:%M"),
            "UnitPrice": 2.5,
            "CustomerID": lines.customer_id.str[1:],
            "Country": "United Kingdom",
        }
    )
    path = tmp_path_factory.mktemp("orders") / "orders.csv"
    table.to_csv(path, index=False)
    return str(path)


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"offering_id": str})


def test_forecast_from_files(orders, tmp_path, capsys) -> None:
    out = tmp_path / "forecast.csv"
    assert main(["forecast", "--orders", orders, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Uptake forecast as of 2021-10-08 over 28 days: 12 offerings" in printed
    assert "Total predicted buyers" in printed
    assert "fallback" in printed
    frame = read(out)
    assert tuple(frame.columns) == FORECAST_CSV_COLUMNS
    assert sorted(frame.offering_id) == [f"P{i:02d}" for i in range(12)]  # no POST
    assert (frame.period_start == "2021-10-08").all()
    assert (frame.period_end == "2021-11-05").all()
    # P11 sells 25 a week: about 100 buyers in four weeks.
    assert frame.set_index("offering_id").predicted_buyers["P11"] == pytest.approx(
        100, rel=0.2
    )


def test_weekly_forecast_as_of_a_date(orders, tmp_path, capsys) -> None:
    out = tmp_path / "weekly.csv"
    arguments = ["forecast", "--orders", orders, "--as-of", "2021-09-01"]
    arguments += ["--horizon", "10", "--period", "week", "--out", str(out)]
    assert main(arguments) == 0
    assert "24 weekly rows" in capsys.readouterr().out
    frame = read(out)
    assert len(frame) == 12 * 2
    assert frame.period_start.unique().tolist() == ["2021-09-01", "2021-09-08"]
    assert frame.period_end.unique().tolist() == ["2021-09-08", "2021-09-11"]


@pytest.mark.slow
def test_forecast_from_a_project(tmp_path, capsys) -> None:
    project = tmp_path / "sample.pushwise"
    assert main(["import", str(SAMPLE), "--project", str(project)]) == 0
    out = tmp_path / "forecast.csv"
    assert main(["forecast", "--project", str(project), "--out", str(out)]) == 0
    assert "Uptake forecast as of 2011-12-10 over 28 days" in capsys.readouterr().out
    frame = read(out)
    assert frame.offering_id.is_unique
    assert not frame.offering_id.isin(CHARGES).any()
    assert frame.predicted_buyers.is_monotonic_decreasing
    assert (frame.lower.dropna() <= frame.upper.dropna()).all()


@pytest.mark.parametrize(
    "arguments",
    [["--period", "month"], ["--horizon", "0"], ["--as-of", "31/12/2011"]],
)
def test_unusable_options_exit_with_2(orders, tmp_path, arguments, capsys) -> None:
    command = ["forecast", "--orders", orders, *arguments]
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--out", str(tmp_path / "forecast.csv")])
    assert stopped.value.code == 2
    assert arguments[0] in capsys.readouterr().err


def test_options_that_do_not_fit_the_data_exit_with_2(orders, tmp_path, capsys):
    out = str(tmp_path / "forecast.csv")
    column = ["forecast", "--orders", orders, "--offering-column", "Colour"]
    assert main([*column, "--out", out]) == 2
    assert "usable columns: StockCode" in capsys.readouterr().err
    feedback = ["forecast", "--project", orders, "--feedback", orders]
    assert main([*feedback, "--out", out]) == 2
    assert "--feedback goes with --orders" in capsys.readouterr().err


def test_a_missing_orders_file_exits_with_2(tmp_path, capsys) -> None:
    out = str(tmp_path / "forecast.csv")
    missing = str(tmp_path / "nothing.csv")
    assert main(["forecast", "--orders", missing, "--out", out]) == 2
    assert "the file does not exist." in capsys.readouterr().err
