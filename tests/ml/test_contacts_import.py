"""Contact history from a CRM: imported like orders, stored as campaigns, and
read with the same results as a campaign saved from a push plan."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from ml.campaigns.create import create_campaign
from ml.campaigns.results import campaign_results, results_in_words
from ml.campaigns.store import campaign_pushes, campaigns
from ml.cli import main
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.project import Project
from tests.ml.test_campaigns import plan_of, write_orders

HEADER = ["Customer ID", "Campaign", "Sent Date", "Channel", "Control Group", "Offer"]
CONTACTS = [
    ["c001", "Spring mail", "2024-03-01", "email", "no", "A"],
    ["c002", "Spring mail", "2024-03-01", "email", "no", "B"],
    ["c003", "Spring mail", "2024-03-10", "email", "yes", "A"],
    ["c004", "Spring mail", "2024-03-02", "email", "Control", ""],
    ["c005", "Newsletter", "2024-03-05", "letter", "", ""],
    ["", "Newsletter", "2024-03-05", "letter", "", ""],
]


def write_contacts(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_contact_history_becomes_campaigns(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.pushwise") as project:
        report = import_file(project, write_contacts(tmp_path / "crm.csv", CONTACTS))
        assert report.kind is Kind.CONTACTS
        assert report.rows_imported == 5
        assert report.reasons == {"missing_customer_id": 1}
        found = {c.name: c for c in campaigns(project.con)}
        assert set(found) == {"Spring mail", "Newsletter"}
        spring = found["Spring mail"]
        assert str(spring.starts_at.date()) == "2024-03-01"
        assert spring.control_share == 0.5  # c003 and c004 of four customers
        assert found["Newsletter"].control_share is None
        pushes = campaign_pushes(project.con, spring.campaign_id)
        assert pushes.set_index("customer_id")["control"].to_dict() == {
            "c001": False,
            "c002": False,
            "c003": True,
            "c004": True,
        }


def test_a_later_export_adds_only_new_contacts(tmp_path: Path) -> None:
    later = [*CONTACTS[:2], ["c009", "Spring mail", "2024-03-03", "sms", "no", "C"]]
    with Project.create(tmp_path / "p.pushwise") as project:
        import_file(project, write_contacts(tmp_path / "crm.csv", CONTACTS))
        again = import_file(project, write_contacts(tmp_path / "crm2.csv", later))
        assert again.rows_imported == 1
        assert again.reasons == {"already_imported": 2}
        spring = next(c for c in campaigns(project.con) if c.name == "Spring mail")
        assert len(campaign_pushes(project.con, spring.campaign_id)) == 5


def test_uptake_counts_from_each_contact(tmp_path: Path) -> None:
    orders = [
        ("c001", "A", "2024-03-20"),  # within 28 days of its contact: counts
        ("c002", "A", "2024-03-02"),  # not the offering pushed (B)
        ("c003", "A", "2024-03-05"),  # before its own contact on 03-10
        ("c004", "Z", "2024-03-29"),  # no offering pushed: any purchase counts
        ("c001", "A", "2023-12-01"),  # the history before
    ]
    with Project.create(tmp_path / "p.pushwise") as project:
        import_file(project, write_orders(tmp_path / "orders.csv", orders))
        import_file(project, write_contacts(tmp_path / "crm.csv", CONTACTS))
        results = campaign_results(project.con, "Spring mail")
    bought = results.pushes.set_index("customer_id")["bought"].to_dict()
    assert bought == {"c001": True, "c002": False, "c003": False, "c004": True}
    assert not results.predicted and results.per_decile().empty
    words = " ".join(results_in_words(results))
    assert "1 of the 2 contacts were taken up" in words
    assert "more customers bought than would have without the push" in words


def test_a_name_taken_by_a_plan_campaign_is_kept_apart(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.pushwise") as project:
        plan = plan_of(np.random.default_rng(1))
        create_campaign(project, "Spring mail", plan, horizon_days=28, model_id=None)
        import_file(project, write_contacts(tmp_path / "crm.csv", CONTACTS))
        names = [c.name for c in campaigns(project.con)]
    assert names == ["Spring mail", "Newsletter", "Spring mail (contacts)"]


def test_cli_imports_contacts_and_reports_them(tmp_path: Path, capsys) -> None:
    project = str(tmp_path / "p.pushwise")
    crm = write_contacts(tmp_path / "crm.csv", CONTACTS)
    assert main(["import", str(crm), "--project", project]) == 0
    assert "crm.csv -> contacts" in capsys.readouterr().out
    args = ["campaign", "report", "--project", project, "--name", "Newsletter"]
    assert main([*args, "--out", str(tmp_path / "out")]) == 0
    assert "No orders after 2024-03-05" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["Control", "holdout", "Kontrollgruppe", "yes", "1"])
def test_words_for_the_control_group(tmp_path: Path, value: str) -> None:
    rows = [["c001", "X", "2024-03-01", "email", value, "A"]]
    with Project.create(tmp_path / "p.pushwise") as project:
        import_file(project, write_contacts(tmp_path / "crm.csv", rows))
        pushes = campaign_pushes(project.con, campaigns(project.con)[0].campaign_id)
    assert pushes["control"].tolist() == [True]
