"""The whole campaign round trip on real data, from the command line: plan,
campaign with a control group, lists for the CRM, later orders imported,
predicted versus actual and extra uptake reported."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.cli import main

SPLIT = pd.Timestamp("2011-10-01")


@pytest.mark.slow
def test_online_retail_campaign_from_2011_10_01(
    tmp_path: Path, shared_data: Path, capsys
) -> None:
    orders = pd.read_csv(shared_data / "online-retail/online_retail.csv.gz", dtype=str)
    when = pd.to_datetime(orders["InvoiceDate"])
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    orders[when < SPLIT].to_csv(before, index=False)
    orders[when >= SPLIT].to_csv(after, index=False)
    project = str(tmp_path / "retail.pushwise")
    assert main(["import", str(before), "--project", project]) == 0
    lists = tmp_path / "lists"
    create = ["campaign", "create", "--project", project, "--name", "Autumn"]
    options = ["--as-of", "2011-10-01", "--control", "10%", "--out", str(lists)]
    assert main([*create, *options, "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert "Campaign 'Autumn' saved as of 2011-10-01 for 28 days" in out
    contacts = pd.read_csv(lists / "Autumn-contacts.csv", dtype=str)
    control = pd.read_csv(lists / "Autumn-control-group.csv", dtype=str)
    customers = contacts["customer_id"].nunique() + len(control)
    assert len(control) == pytest.approx(0.10 * customers, abs=10)
    assert not set(control["customer_id"]) & set(contacts["customer_id"])
    # The report before the later orders are in says so.
    report = ["campaign", "report", "--project", project, "--name", "Autumn"]
    assert main([*report, "--out", str(tmp_path / "early")]) == 0
    assert "No orders after 2011-10-01 are imported yet" in capsys.readouterr().out

    assert main(["import", str(after), "--project", project]) == 0
    capsys.readouterr()
    assert main([*report, "--out", str(tmp_path / "report")]) == 0
    words = capsys.readouterr().out
    assert "pushes sent to be taken up by now" in words
    assert "than would have without the push; between" in words
    table = pd.read_csv(tmp_path / "report/Autumn-predicted-vs-actual.csv")
    sent = table.set_index("group").loc["contacted"]
    # Uptake is counted from the orders themselves: every pushed pair bought
    # from 2011-10-01 to 2011-10-28 by its customer.
    later = orders[(when >= SPLIT) & (when < SPLIT + pd.Timedelta(days=28))]
    later = later.assign(customer_id=later["CustomerID"].str.replace(".0", ""))
    bought = set(zip(later["customer_id"], later["StockCode"], strict=True))
    pairs = set(zip(contacts["customer_id"], contacts["offering_id"], strict=True))
    assert sent["actual"] <= len(pairs & bought)
    assert sent["actual"] >= 0.95 * len(pairs & bought)  # returns-only lines aside
    weekly = pd.read_csv(tmp_path / "report/Autumn-weekly.csv")
    assert len(weekly) == 4 and weekly["actual"].is_monotonic_increasing
    assert (tmp_path / "report/Autumn-report.html").stat().st_size > 5_000
