"""`pushwise recommend`: a push plan from a project or straight from files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from ml.cli import main
from ml.plan import PLAN_COLUMNS, PlanRules
from ml.plan.rulesfile import load_project_rules, save_project_rules
from ml.store import Project
from tests.conftest import SAMPLE


@pytest.fixture(scope="module", autouse=True)
def user_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One signing key for the module, as on one user's computer: the model the
    first plan trains and saves in the sample project is reused by the next
    ones (with a key per test, each would train its own)."""
    folder = tmp_path_factory.mktemp("user-config")
    os.environ["PUSHWISE_CONFIG_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("sample")
    project = folder / "sample.pushwise"
    assert main(["import", str(SAMPLE), "--project", str(project)]) == 0
    customers = folder / "customers.csv"
    customers.write_text(
        "Customer ID,Opted out\n12350,yes\n12360,no\n", encoding="utf-8"
    )
    assert (
        main(
            ["import", str(customers), "--project", str(project), "--kind", "customers"]
        )
        == 0
    )
    return str(project)


@pytest.mark.slow
def test_plan_from_a_project(sample_project, tmp_path, capsys) -> None:
    out = tmp_path / "plan.csv"
    assert (
        main(
            ["recommend", "--project", sample_project, "--top", "5", "--out", str(out)]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "Push plan as of 2011-12-10" in said
    # The sample's customers buy again what they returned: returns do not block.
    assert "Returns: decided from your data. Your customers buy again" in said
    assert "so it does not block the offering" in said
    plan = pd.read_csv(out, dtype={"customer_id": str, "offering_id": str})
    assert list(plan.columns) == list(PLAN_COLUMNS)
    assert plan.groupby("customer_id").size().max() == 5
    assert (plan.groupby("customer_id")["rank"].min() == 1).all()
    assert "12350" not in set(plan.customer_id)  # opted out: never pushed
    assert "12360" in set(plan.customer_id)
    assert plan.reason.notna().all() and (plan.expected_revenue >= 0).all()
    assert not plan.offering_id.isin(["POST", "DOT", "M", "C2"]).any()  # charges
    copurchase = plan.reason[plan.reason.str.startswith("bought ")]
    assert len(copurchase) and not copurchase.str.match(r"bought \w+;").any()


@pytest.mark.slow
def test_new_only_plan_from_files_never_repeats_a_purchase(tmp_path) -> None:
    out = tmp_path / "plan.csv"
    assert (
        main(
            [
                "recommend",
                "--orders",
                str(SAMPLE),
                "--new-only",
                "--top",
                "3",
                "--as-of",
                "2011-11-01",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    plan = pd.read_csv(out, dtype={"customer_id": str, "offering_id": str})
    history = pd.read_csv(SAMPLE, dtype=str)
    history = history[pd.to_datetime(history.InvoiceDate) < "2011-11-01"]
    bought = set(
        zip(history.CustomerID.str.removesuffix(".0"), history.StockCode, strict=True)
    )
    pushed = set(zip(plan.customer_id, plan.offering_id, strict=True))
    assert pushed and not pushed & bought


def test_feedback_needs_orders(tmp_path, capsys) -> None:
    code = main(
        [
            "recommend",
            "--project",
            str(SAMPLE),
            "--feedback",
            str(SAMPLE),
            "--out",
            str(tmp_path / "p.csv"),
        ]
    )
    assert code == 2
    assert "--feedback goes with --orders" in capsys.readouterr().err


def test_bad_date_is_a_bad_argument(tmp_path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "recommend",
                "--orders",
                str(SAMPLE),
                "--as-of",
                "31/12/2011",
                "--out",
                str(tmp_path / "p.csv"),
            ]
        )
    assert exit_info.value.code == 2


@pytest.mark.slow
def test_unknown_offering_column_names_the_usable_ones(
    sample_project, tmp_path, capsys
) -> None:
    code = main(
        [
            "recommend",
            "--project",
            sample_project,
            "--offering-column",
            "Country",
            "--out",
            str(tmp_path / "p.csv"),
        ]
    )
    assert code == 2
    assert "usable columns: StockCode" in capsys.readouterr().err


@pytest.mark.slow
def test_rules_file_is_used_saved_in_the_project_and_said(
    sample_project, tmp_path, capsys
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        '{"due_share": 0.5, "max_per_customer": 3, "block_returns": true}',
        encoding="utf-8",
    )
    out = tmp_path / "plan.csv"
    argv = ["recommend", "--project", sample_project, "--out", str(out)]
    try:
        assert main([*argv, "--rules", str(rules)]) == 0
        said = capsys.readouterr().out
        assert f"Push rules from {rules} saved in the project." in said
        assert "Hold-back: until due (50% of the usual interval)" in said
        assert "Returns: a return blocks the offering for that customer" in said
        plan = pd.read_csv(out, dtype={"customer_id": str, "offering_id": str})
        assert plan.groupby("customer_id").size().max() == 3
        with Project.open(sample_project) as project:
            assert load_project_rules(project) == PlanRules(
                due_share=0.5, max_per_customer=3, block_returns=True
            )
        assert main(argv) == 0  # no --rules: the project's rules
        assert "(50% of the usual interval)" in capsys.readouterr().out
        again = pd.read_csv(out, dtype={"customer_id": str})
        assert again.groupby("customer_id").size().max() == 3
    finally:
        with Project.open(sample_project) as project:
            save_project_rules(project, PlanRules())
