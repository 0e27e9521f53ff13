"""`pushwise train` saves the project's model; `pushwise recommend` reuses it."""

from __future__ import annotations

import re

import pytest

from ml.cli import main
from ml.store import Project
from ml.store.savedmodels import list_models
from tests.conftest import SAMPLE


@pytest.mark.slow
def test_train_saves_a_model_that_recommend_then_uses(tmp_path, capsys) -> None:
    project = str(tmp_path / "sample.pushwise")
    assert main(["import", str(SAMPLE), "--project", project]) == 0
    capsys.readouterr()
    assert main(["train", "--project", project]) == 0
    trained, validation, saved = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"Trained as of 2011-12-10 for a 28-day horizon in [\d.]+ s, on [\d,]+ "
        r"purchase lines of 872 customers and [\d,]+ offerings\.",
        trained,
    )
    assert validation.startswith(
        "Held-out window 2011-11-12 to 2011-12-09: "
    ) and re.search(r"calibration gap 0\.0\d\d\d ", validation)
    with Project.open(project) as opened:
        (meta,) = list_models(opened)
    assert saved == f"Saved in {project} as model {meta.model_id}."

    out = tmp_path / "plan.csv"
    assert main(["recommend", "--project", project, "--out", str(out)]) == 0
    note, *_ = capsys.readouterr().out.splitlines()
    assert note.startswith("Using the model saved in the project on ")
    assert note.endswith("(as of 2011-12-10, 28-day horizon).")


def test_train_needs_an_existing_project(tmp_path, capsys) -> None:
    code = main(["train", "--project", str(tmp_path / "none.pushwise")])
    assert code == 2
    assert "the file does not exist." in capsys.readouterr().err


def test_too_short_a_history_is_bad_input_and_saves_nothing(tmp_path, capsys):
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "Customer ID,Product,Order date,Quantity\n"
        "c1,A,2024-01-02,1\nc2,B,2024-01-20,1\n",
        encoding="utf-8",
    )
    project = tmp_path / "short.pushwise"
    assert main(["import", str(orders), "--project", str(project)]) == 0
    assert main(["train", "--project", str(project)]) == 3
    assert "too short for two 28-day training windows" in capsys.readouterr().err
    with Project.open(project) as opened:
        assert list_models(opened) == []
