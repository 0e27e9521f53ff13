"""No dead code: every function, class and method in app/ and ml/ is used.

A definition counts as used when its name is referred to anywhere in app/,
ml/ or tests/ (a name, an attribute, an import, or a short identifier-like
string such as a getattr name), or in pyproject.toml (entry points). Only the
definition itself does not count. A cheap check, not a proof: a same-named
use elsewhere keeps a definition alive, but nothing nobody calls survives.
"""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A workflow named for a worker process: "ml.workflows.train:train_and_check".
WORKER_TASK = re.compile(r"[\w.]+:(\w+)")
# Methods the caller never names: Qt overrides (camelCase), Python's own
# protocols (__dunder__) and what the io machinery calls on a stream.
CALLED_BY_PYTHON_OR_QT = re.compile(r"^(__\w+__|[a-z]+[A-Z]\w*)$")
IO_METHODS = frozenset(dir(io.RawIOBase)) | frozenset(dir(io.TextIOBase))


def _sources(*folders: str) -> list[Path]:
    return sorted(path for name in folders for path in (ROOT / name).rglob("*.py"))


def _used_names(paths: list[Path]) -> set[str]:
    used: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name.rsplit(".", 1)[-1])
            elif isinstance(node, ast.Constant) and _is_identifier(node.value):
                used.add(node.value)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                named = WORKER_TASK.fullmatch(node.value)
                if named:
                    used.add(named.group(1))
    return used


def _is_identifier(value: object) -> bool:
    return isinstance(value, str) and IDENTIFIER.fullmatch(value) is not None


def _definitions(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(name, line, is_method) of the module's functions, classes and methods."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, kinds):
            yield node.name, node.lineno, False
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, kinds):
                    yield member.name, member.lineno, True


def test_every_function_class_and_method_is_used() -> None:
    code = _sources("app", "ml")
    used = _used_names([*code, *_sources("tests")])
    used |= set(IDENTIFIER.findall((ROOT / "pyproject.toml").read_text()))
    dead = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in code
        for name, line, is_method in _definitions(path)
        if name not in used
        and not CALLED_BY_PYTHON_OR_QT.match(name)
        and not (is_method and name in IO_METHODS)
    ]
    assert dead == [], "defined but never used:\n" + "\n".join(dead)
