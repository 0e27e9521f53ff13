"""Light names stay light: the push rules load without the heavy libraries,
so the GUI can show and edit them without waiting for the engine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("sklearn", "pandas", "numpy", "scipy", "duckdb", "pyarrow")


def _loaded_after(code: str) -> list[str]:
    """The heavy packages a fresh interpreter has loaded after running code."""
    check = (
        f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return [name for name in result.stdout.strip().split(",") if name]


@pytest.mark.parametrize(
    "code",
    [
        "from ml.plan.rules import RULES, RULE_WORDS, PlanRules, removed_in_words",
        "from ml.plan.rulesfile import rules_from_json, rules_to_json, saved_rules",
        "from ml.plan import RULES, PlanRules",
    ],
)
def test_rules_import_without_scikit_learn_or_pandas(code: str) -> None:
    assert _loaded_after(code) == []


def test_the_plan_package_still_gives_its_heavy_names() -> None:
    assert "pandas" in _loaded_after("from ml.plan import PushPlan, build_plan")


@pytest.mark.parametrize(
    "code",
    [
        "from ml.workflows.results import CandidatesSummary, ModelResult",
        "from ml.plan.pushplan import PushPlan",
        "from ml.backtest import charts",
        "from ml.modelmeta import ModelMeta",
    ],
)
def test_what_the_window_unpickles_loads_no_model_code(code: str) -> None:
    # Results come back from worker processes; the window keeps its memory.
    assert {"sklearn", "scipy"} & set(_loaded_after(code)) == set()


def test_the_command_line_starts_without_scikit_learn() -> None:
    # `pushwise import` and `pushwise info` need none of it (2-3 s less).
    loaded = _loaded_after("from ml.cli.commands import build_parser; build_parser()")
    assert {"sklearn", "scipy"} & set(loaded) == set()
