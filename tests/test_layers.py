"""The engine (ml) must stay usable without Qt: checked two ways."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import ml
from tests.conftest import ROOT


def _ml_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(ml.__path__, prefix="ml.")
        if not info.name.startswith("ml.cli")
    ] + ["ml.cli"]


def test_importing_every_ml_module_loads_no_qt() -> None:
    modules = _ml_modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "gui = {'PySide6', 'pyqtgraph', 'app', 'shiboken6'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in gui)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"ml loaded GUI modules: {result.stdout}"


def test_import_linter_contract_holds() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
