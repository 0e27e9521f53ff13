"""`pushwise backtest`: the report's tables from a project or from files."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.backtest.report import BacktestReport
from ml.cli import main
from tests.conftest import SAMPLE


def test_out_must_be_a_folder(tmp_path, capsys) -> None:
    taken = tmp_path / "report.csv"
    taken.write_text("x\n", encoding="utf-8")
    code = main(["backtest", "--orders", str(SAMPLE), "--out", str(taken)])
    assert code == 2
    assert "--out takes a folder" in capsys.readouterr().err


def test_feedback_needs_orders(tmp_path, capsys) -> None:
    code = main(
        [
            "backtest",
            "--project",
            str(tmp_path / "p.pushwise"),
            "--feedback",
            str(SAMPLE),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    assert "--feedback goes with --orders" in capsys.readouterr().err


def test_bad_rules_are_a_bad_argument(tmp_path, capsys) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"due_share": "most"}', encoding="utf-8")
    out = tmp_path / "report"
    argv = ["backtest", "--orders", str(SAMPLE), "--rules", str(rules)]
    assert main([*argv, "--out", str(out)]) == 2
    assert f"{rules}: key 'due_share': \"most\" is not a number." in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize("folds", ["0", "two"])
def test_folds_must_be_a_positive_whole_number(tmp_path, folds) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["backtest", "--orders", str(SAMPLE), "--folds", folds, "--out", "x"])
    assert exit_info.value.code == 2


def test_too_short_a_history_is_bad_input(tmp_path, capsys) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Customer,Product,Date,Quantity,Amount\n"
        "c1,tea,2024-01-02,1,3.50\n"
        "c2,tea,2024-01-20,1,3.50\n"
        "c1,mug,2024-02-03,1,8.00\n",
        encoding="utf-8",
    )
    code = main(
        ["backtest", "--orders", str(orders), "--out", str(tmp_path / "report")]
    )
    assert code == 3
    assert "fewer folds" in capsys.readouterr().err


@pytest.mark.slow
def test_backtest_of_the_sample_project_writes_every_table(tmp_path, capsys) -> None:
    project = tmp_path / "sample.pushwise"
    assert main(["import", str(SAMPLE), "--project", str(project)]) == 0
    capsys.readouterr()
    out = tmp_path / "report"
    rules = tmp_path / "rules.json"
    rules.write_text('{"due_share": 0.5}', encoding="utf-8")
    # One earlier date: stepping back fold by fold is tested in test_backtest.py.
    argv = ["backtest", "--project", str(project), "--folds", "1", "--out", str(out)]
    code = main([*argv, "--rules", str(rules)])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Of the customers who bought something in the 28 days")
    assert "TIFU-KNN" in printed and "Wrote 10 tables to" in printed
    assert "With the push rules on, the plan caught" in printed
    # The gain over the best simple rule, paired per customer, in plain words.
    assert "percentage points" in printed and "95% sure: between" in printed
    assert "Pushwise plan" in printed

    report = BacktestReport.read(out)
    assert report.folds["as_of"].tolist() == [pd.Timestamp("2011-11-11")]
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["mode"]) == {"all", "repeat", "new"}
    assert summary["method"].iloc[:2].tolist() == ["Pushwise", "Pushwise plan"]
    all_offerings = summary.loc[summary["mode"] == "all"].set_index("method")
    assert (
        all_offerings.loc["Pushwise", "recall"]
        > all_offerings.loc["popularity", "recall"]
    )
    weekly = report.demand_weekly
    assert set(weekly["method"]) == {"Pushwise", "seasonal naive", "moving average"}
    assert (
        weekly.groupby(["fold", "method", "level"])["week_start"].nunique().eq(4).all()
    )
    # Postage and other charges are no demand: never forecast, never pushed.
    assert not weekly["offering_id"].isin(["POST", "DOT", "M"]).any()
