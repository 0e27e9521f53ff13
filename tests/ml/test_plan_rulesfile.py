"""Push rules as JSON: RULES.json files, their errors, and rules saved in a project."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.cli import main
from ml.errors import ProjectError
from ml.plan import PlanRules
from ml.plan.rulesfile import (
    RULES_SETTING,
    RulesFileError,
    load_project_rules,
    read_rules,
    rules_from_json,
    rules_to_json,
    save_project_rules,
)
from ml.store import Project
from tests.conftest import SAMPLE


def _error(text: str) -> str:
    with pytest.raises(RulesFileError) as caught:
        rules_from_json(text, source="rules.json")
    return caught.value.message


def test_a_rules_object_sets_the_fields_it_names() -> None:
    rules = rules_from_json(
        '{"due_share": 0.5, "max_per_customer": 5.0, "skip_inactive": false}',
        source="rules.json",
    )
    assert rules == PlanRules(due_share=0.5, max_per_customer=5, skip_inactive=False)
    assert isinstance(rules.max_per_customer, int)
    assert rules_from_json("{}", source="r") == PlanRules()


def test_an_old_rules_file_with_fixed_days_still_works() -> None:
    old = rules_from_json('{"recent_purchase_days": 7}', source="old.json")
    assert old.recent_purchase_days == 7
    due = rules_from_json('{"recent_purchase_days": null}', source="new.json")
    assert due.recent_purchase_days is None


def test_rules_round_trip_through_json() -> None:
    rules = PlanRules(due_share=0.25, recent_purchase_days=3, min_probability=0.1)
    assert rules_from_json(rules_to_json(rules), source="r") == rules


def test_unknown_key_names_the_file_the_key_and_the_closest_key() -> None:
    message = _error('{"due_shares": 0.5}')
    assert message.startswith("rules.json: unknown key 'due_shares'.")
    assert "Did you mean 'due_share'?" in message
    assert "recent_purchase_days" in message  # every key is listed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"due_share": "half"}', "key 'due_share': \"half\" is not a number."),
        ('{"due_share": null}', "key 'due_share': null is not a number."),
        ('{"max_per_customer": 7.5}', "'max_per_customer': 7.5 is not a whole"),
        ('{"max_per_customer": true}', "'max_per_customer': true is not a whole"),
        ('{"skip_inactive": 1}', "key 'skip_inactive': 1 is not true or false."),
        ('{"recent_purchase_days": "7"}', '"7" is not a whole number or null.'),
        ('{"due_share": 1.5}', "key due_share must be between 0 and 1, got 1.5."),
        ('{"max_per_customer": 0}', "key max_per_customer must be a whole number"),
    ],
)
def test_bad_values_name_the_key(text: str, expected: str) -> None:
    message = _error(text)
    assert message.startswith("rules.json: ")
    assert expected in message
    assert "leave the key out to use the default" in message


def test_text_that_is_no_json_object_is_reported_where() -> None:
    assert "line 2, column 1: not valid JSON" in _error('{"due_share": 0.5,\n}')
    assert "holds no JSON object" in _error("[0.5]")


def test_a_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match="no such file"):
        read_rules(tmp_path / "none.json")
    path = tmp_path / "rules.json"
    path.write_text('\ufeff{"due_share": 0.75}', encoding="utf-8")  # with a BOM
    assert read_rules(path).due_share == 0.75


def test_rules_saved_in_the_project_come_back(tmp_path: Path) -> None:
    path = tmp_path / "p.pushwise"
    with Project.open(path, create=True) as project:
        assert load_project_rules(project) == PlanRules()
        save_project_rules(project, PlanRules(due_share=0.5, max_per_customer=4))
    with Project.open(path) as project:
        assert load_project_rules(project) == PlanRules(
            due_share=0.5, max_per_customer=4
        )
        project.save_setting(RULES_SETTING, '{"due_share": 2}')
        with pytest.raises(ProjectError, match="saved push rules cannot be used"):
            load_project_rules(project)


def test_recommend_with_bad_rules_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text('{"due_share": 0.5, "cap": 3}', encoding="utf-8")
    out = tmp_path / "plan.csv"
    argv = ["recommend", "--orders", str(SAMPLE), "--rules", str(rules)]
    assert main([*argv, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert f"{rules}: unknown key 'cap'." in error
    assert not out.exists()
    missing = ["--rules", str(tmp_path / "none.json"), "--out", str(out)]
    assert main(["recommend", "--orders", str(SAMPLE), *missing]) == 2
    assert "none.json: no such file." in capsys.readouterr().err
