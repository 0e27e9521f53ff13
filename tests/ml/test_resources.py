"""Bundled resources and the version, as a source checkout, a wheel and the
desktop bundle find them (the wheel and the bundle themselves are built in
tests/packaging)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import ml
from ml import resources
from ml.cli import main as cli_main
from ml.errors import ProjectError

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    """The version written in pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return str(tomllib.loads(text)["project"]["version"])


def test_source_checkout_uses_the_resources_folder() -> None:
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.sample_orders().is_file()
    assert resources.resource("sample", "README.md").is_file()
    assert resources.resource("icons", "pushwise.svg").is_file()


def test_missing_resource_is_a_plain_error() -> None:
    with pytest.raises(ProjectError, match="missing from this installation"):
        resources.resource("icons", "no-such-icon.svg")


def test_bundle_uses_its_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "resources" / "sample").mkdir(parents=True)
    (tmp_path / "resources" / "sample" / "online_retail_sample.csv.gz").touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.sample_orders().parent == tmp_path / "resources" / "sample"


def test_wheel_layout_uses_the_package_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "_resources").mkdir()
    monkeypatch.setattr(resources, "PACKAGE", tmp_path)
    assert resources.resources_dir() == tmp_path / "_resources"


def test_version_comes_from_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    assert ml.__version__ == pyproject_version()
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"pushwise {pyproject_version()}"
