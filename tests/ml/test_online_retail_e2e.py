"""End to end: the full UCI Online Retail file through the CLI, every line accounted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ONLINE_RETAIL, ROOT

LINES = 541_909  # the published UCI count
DUPLICATES = 5_268  # exact duplicate lines (README: present in the original)
CANCELLATIONS = 9_288  # InvoiceNo starting with "C"; 37 of them are duplicates
OTHER_NEGATIVES = 1_336  # negative quantity without "C": write-offs, no customer
BAD_DEBT = 2  # "A" invoices with a negative price and positive quantity


@pytest.mark.slow
def test_full_online_retail_import_accounts_for_every_line(tmp_path, shared_data):
    project = tmp_path / "retail.pushwise"
    cli = [sys.executable, "-m", "ml.cli"]
    imported = subprocess.run(
        [*cli, "import", str(ONLINE_RETAIL), "--project", str(project)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert imported.returncode == 0, imported.stderr
    assert "UCI Online Retail" in imported.stdout

    shown = subprocess.run(
        [*cli, "info", "--project", str(project), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    info = json.loads(shown.stdout)
    (log,) = info["imports"]
    assert log["rows_read"] == LINES
    assert log["rows_imported"] + log["rows_returns"] + log["rows_rejected"] == LINES
    assert log["reasons"] == {"duplicate_line": DUPLICATES, "negative_amount": BAD_DEBT}
    assert log["rows_returns"] == CANCELLATIONS - 37 + OTHER_NEGATIVES
    assert info["returns"]["rows"] == log["rows_returns"]
    orders = info["orders"]
    assert orders["rows"] == log["rows_imported"]
    assert orders["customers"] == 4_339  # customers with at least one purchase
    assert orders["first"].startswith("2010-12-01T08:26")
    assert orders["last"].startswith("2011-12-09T12:50")
    assert orders["offerings"] == 3_941
    assert orders["revenue"] == pytest.approx(10_642_110.80, abs=0.01)
    # Lines without a customer are kept as anonymous demand: the 133,320 of them
    # that are neither duplicates, returns nor bad-debt adjustments (pandas count).
    assert info["anonymous_rows"] == 133_320
