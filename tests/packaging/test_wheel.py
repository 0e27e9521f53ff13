"""The wheel carries every module and the resources, and an installed wheel
finds them (and its version) away from the source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT],
        check=True,
        capture_output=True,
    )
    return next(out.glob("pushwise-*.whl"))


def test_wheel_holds_every_module_and_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        path.relative_to(ROOT).as_posix()
        for package in ("app", "ml")
        for path in (ROOT / package).rglob("*.py")
    }
    assert sources <= names
    for resource in (
        "sample/online_retail_sample.csv.gz",
        "sample/README.md",
        "icons/pushwise.svg",
        "icons/pushwise-256.png",
    ):
        assert f"ml/_resources/{resource}" in names


def test_installed_wheel_finds_resources_and_version(
    wheel: Path, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            target,
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import ml, ml.resources as r;"
        "print(ml.__version__);"
        "print(r.sample_orders());"
        "print(r.resource('icons', 'pushwise.svg'))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    version, sample, icon = done.stdout.split("\n")[:3]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert version == tomllib.loads(text)["project"]["version"]
    assert Path(sample) == target / "ml" / "_resources" / "sample" / Path(sample).name
    assert Path(sample).is_file()
    assert Path(icon).is_file()
