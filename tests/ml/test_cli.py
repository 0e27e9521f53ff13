"""The `pushwise import` and `pushwise info` commands."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ml.cli import main
from ml.cli.common import ProgressPrinter
from tests.conftest import SAMPLE


def test_import_then_info_json(tmp_path, capsys) -> None:
    project = tmp_path / "p.pushwise"
    assert main(["import", str(SAMPLE), "--project", str(project)]) == 0
    printed = capsys.readouterr().out
    assert "Imported" in printed and "rejected" in printed
    assert "duplicate_line" in printed
    rejects = pd.read_csv(tmp_path / "p-import1-rejects.csv")
    assert len(rejects) == printed_count(printed, "rejected")
    assert set(rejects.reason_code) == {"duplicate_line"}
    assert rejects.message.str.startswith(f"{SAMPLE.name}, row ").all()
    assert main(["info", "--project", str(project), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert set(info["orders"]) >= {
        "rows",
        "customers",
        "offerings",
        "first",
        "last",
        "revenue",
    }
    assert info["orders"]["first"].startswith("2010-12-01")
    assert info["returns"]["rows"] > 0
    assert info["feedback"] == {"rows": 0}
    (log,) = info["imports"]
    assert log["file"] == SAMPLE.name and log["kind"] == "orders"
    assert log["rows_read"] == (
        log["rows_imported"] + log["rows_returns"] + log["rows_rejected"]
    )
    assert sum(log["reasons"].values()) == log["rows_rejected"]


def printed_count(text: str, word: str) -> int:
    """The number printed just after `word` ("rejected 887" -> 887)."""
    after = text.split(f"{word} ", 1)[1]
    return int(after.split()[0].rstrip(";,").replace(",", ""))


def test_bad_data_exits_3_with_one_line_and_creates_no_project(tmp_path, capsys):
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some,words\nno,dates,here\n", encoding="utf-8")
    project = tmp_path / "p.pushwise"
    assert main(["import", str(bad), "--project", str(project)]) == 3
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "notes.csv" in error
    assert not project.exists()


def test_missing_file_exits_2(tmp_path, capsys) -> None:
    code = main(
        ["import", str(tmp_path / "nope.csv"), "--project", str(tmp_path / "p")]
    )
    assert code == 2
    assert "nope.csv" in capsys.readouterr().err


def test_unknown_kind_is_a_bad_argument(tmp_path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(SAMPLE), "--project", str(tmp_path / "p"), "--kind", "x"])
    assert exit_info.value.code == 2


def test_saved_mapping_can_be_edited_and_passed_back(tmp_path, capsys) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Kunde,Artikel,Datum,Notiz\nc1,p1,2024-01-05,A\nc2,p2,2024-01-06,B\n",
        encoding="utf-8",
    )
    saved = tmp_path / "mapping.json"
    project = tmp_path / "p.pushwise"
    args = ["import", str(orders), "--project", str(project)]
    assert main([*args, "--save-mapping", str(saved)]) == 0
    mapping = json.loads(saved.read_text(encoding="utf-8"))
    mapping["columns"]["category"] = "Notiz"
    saved.write_text(json.dumps(mapping), encoding="utf-8")
    edited = tmp_path / "orders2.csv"
    edited.write_text(orders.read_text(encoding="utf-8").replace("c1", "c3"))
    other = tmp_path / "q.pushwise"
    assert (
        main(["import", str(edited), "--project", str(other), "--mapping", str(saved)])
        == 0
    )
    assert "category" in capsys.readouterr().out


def test_info_on_missing_project_exits_2(tmp_path, capsys) -> None:
    assert main(["info", "--project", str(tmp_path / "none.pushwise")]) == 2


def test_corrupt_project_exits_3(tmp_path, capsys) -> None:
    broken = tmp_path / "broken.pushwise"
    broken.write_bytes(b"this is not a database" * 100)
    assert main(["info", "--project", str(broken)]) == 3
    assert "broken.pushwise" in capsys.readouterr().err


def test_help_lists_the_commands(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "import" in out and "info" in out


def test_progress_without_a_terminal_is_a_line_now_and_then_for_long_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `make run` without a terminal: a 5-minute demo must not look stuck, and
    # a quick command prints nothing but its result.
    now = [0.0]
    printer = ProgressPrinter(terminal=False, every_s=15.0, clock=lambda: now[0])
    printer(0.1, "Reading the orders")
    now[0] = 10.0
    printer(0.2, "Learning")
    assert capsys.readouterr().err == ""
    now[0] = 16.0
    printer(0.3, "Learning from the purchases")
    now[0] = 20.0
    printer(0.4, "Checking")
    now[0] = 31.0
    printer(0.6, "Checking at 2011-11-11")
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        " 30%  Learning from the purchases",
        " 60%  Checking at 2011-11-11",
    ]
