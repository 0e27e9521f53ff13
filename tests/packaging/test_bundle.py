"""The desktop bundle, built in a temporary folder and run from outside the
repository as a user would: no virtual environment, no PYTHONPATH, a fresh
home folder (make bundle-check; about ten minutes)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
GUI = "pushwise-gui"
CLI = "pushwise"
MIN_SCREENSHOT_BYTES = 5_000
SHOWN = re.compile(r"window shown: ([\d.]+) s")

pytestmark = pytest.mark.bundle


@dataclass(frozen=True)
class Bundle:
    """A built bundle: its folder, tarball, build time and first contents."""

    folder: Path
    tarball: Path
    build_seconds: float
    files: frozenset[str]


def run(command: list[str | Path], **options: Any) -> subprocess.CompletedProcess[str]:
    """Run a command; fail with its output when it exits non-zero."""
    done = subprocess.run(command, capture_output=True, text=True, **options)
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


def contents(folder: Path) -> frozenset[str]:
    """Every path under folder, relative to it."""
    return frozenset(str(path.relative_to(folder)) for path in folder.rglob("*"))


def user_env(home: Path) -> dict[str, str]:
    """A user's environment: no virtualenv, PYTHONPATH or Pushwise variables,
    home at `home`, the offscreen Qt platform."""
    venv_bin = Path(sys.executable).parent.resolve()
    path = os.pathsep.join(
        entry
        for entry in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
        if entry and Path(entry).resolve() != venv_bin
    )
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": path,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


def report(line: str) -> None:
    """Show a measured figure in the test output."""
    sys.stdout.write(f"\n[bundle] {line}\n")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """The bundle and tarball, built by packaging/build.py into a temporary folder."""
    base = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    run(
        [
            sys.executable,
            ROOT / "packaging" / "build.py",
            "--dist",
            base / "dist",
            "--work",
            base / "work",
        ]
    )
    seconds = time.monotonic() - started
    folder = base / "dist" / "Pushwise"
    tarball = next((base / "dist").glob("pushwise-*-linux-*.tar.gz"))
    size = sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )
    packed = tarball.stat().st_size
    report(f"built in {seconds:.0f} s; {size / 1e6:.0f} MB unpacked")
    report(f"tarball {packed / 1e6:.0f} MB")
    return Bundle(folder, tarball, seconds, contents(folder))


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the repository."""
    return tmp_path_factory.mktemp("outside")


def pyproject_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return str(tomllib.loads(text)["project"]["version"])


def test_both_executables_share_one_folder(bundle: Bundle) -> None:
    for name in (
        GUI,
        CLI,
        "install.sh",
        "uninstall.sh",
        "pushwise.desktop",
        "LICENSE",
        "THIRD_PARTY_NOTICES.md",
    ):
        assert (bundle.folder / name).is_file(), name
    internal = bundle.folder / "_internal"
    assert (internal / "licenses" / "PySide6_Essentials" / "LGPL-3.0.txt").is_file()
    assert (internal / "resources" / "sample" / "README.md").is_file()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "platforms/libqoffscreen.so",
        "platforms/libqxcb.so",
        "iconengines/libqsvgicon.so",
        "imageformats/libqsvg.so",
    ):
        assert (plugins / plugin).is_file(), plugin


def test_cli_version_is_pyproject_version(bundle: Bundle, outside: Path) -> None:
    done = run(
        [bundle.folder / CLI, "--version"], cwd=outside, env=user_env(outside / "home")
    )
    assert done.stdout.strip() == f"pushwise {pyproject_version()}"


def test_cli_demo_runs_and_keeps_the_key_in_the_user_folder(
    bundle: Bundle, outside: Path
) -> None:
    home = outside / "home"
    started = time.monotonic()
    run(
        [bundle.folder / CLI, "demo", "--out", outside / "demo"],
        cwd=outside,
        env=user_env(home),
    )
    report(f"pushwise demo: {time.monotonic() - started:.0f} s")
    assert (outside / "demo" / "report.html").stat().st_size > 10_000
    assert (outside / "demo" / "plan.csv").is_file()
    assert any((home / ".config" / "pushwise").iterdir())  # the signing key


def test_cli_imports_parquet_and_excel(bundle: Bundle, outside: Path) -> None:
    orders = pd.read_csv(
        ROOT / "resources" / "sample" / "online_retail_sample.csv.gz", nrows=300
    )
    orders.to_parquet(outside / "orders.parquet")
    orders.to_excel(outside / "orders.xlsx", index=False)
    for name in ("orders.parquet", "orders.xlsx"):
        project = outside / f"{name}.pushwise"
        run(
            [bundle.folder / CLI, "import", outside / name, "--project", project],
            cwd=outside,
            env=user_env(outside / "home"),
        )
        done = run(
            [bundle.folder / CLI, "info", "--project", project],
            cwd=outside,
            env=user_env(outside / "home"),
        )
        assert "orders" in done.stdout.lower()


def test_the_cluster_extra_is_left_out_and_named(bundle: Bundle, outside: Path) -> None:
    """Dask is not in the bundle: asking for a cluster says how to get it."""
    orders = outside / "cluster-orders.csv"
    sample = ROOT / "resources" / "sample" / "online_retail_sample.csv.gz"
    pd.read_csv(sample, nrows=300).to_csv(orders, index=False)
    project = outside / "cluster.pushwise"
    env = user_env(outside / "home")
    imported = [bundle.folder / CLI, "import", orders, "--project", project]
    run(imported, cwd=outside, env=env)
    out = outside / "forecast.csv"
    asked = ["forecast", "--project", project, "--out", out]
    done = subprocess.run(
        [bundle.folder / CLI, *asked, "--scheduler", "tcp://127.0.0.1:8786"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=env,
    )
    assert done.returncode == 3
    assert "Dask is not installed" in done.stderr
    assert "pip install 'pushwise[cluster]'" in done.stderr
    assert not out.exists()


def screenshots(folder: Path) -> dict[str, Path]:
    return {path.name: path for path in sorted(folder.glob("*.png"))}


def assert_real_picture(path: Path) -> None:
    """More than a few KB, and more than one colour."""
    assert path.stat().st_size > MIN_SCREENSHOT_BYTES, path.name
    image = QImage(str(path))
    assert not image.isNull(), path.name
    small = image.scaled(24, 24, Qt.AspectRatioMode.IgnoreAspectRatio)
    colours = {small.pixel(x, y) for x in range(24) for y in range(24)}
    assert len(colours) > 4, path.name


def test_gui_self_test_shows_the_same_pages_as_from_source(
    bundle: Bundle, outside: Path
) -> None:
    out = outside / "self-test-bundle"
    started = time.monotonic()
    run(
        [bundle.folder / GUI, "--self-test", out],
        cwd=outside,
        env=user_env(outside / "home"),
        timeout=1800,
    )
    report(f"bundle self-test: {time.monotonic() - started:.0f} s")
    text_file = out / "self-test.txt"
    if text_file.exists():
        found = SHOWN.search(text_file.read_text(encoding="utf-8"))
        if found:
            report(f"cold start (launch to window shown): {found.group(1)} s")
    source_out = outside / "self-test-source"
    run(
        [sys.executable, "-m", "app.main", "--self-test", source_out],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=1800,
    )
    pictures = screenshots(out)
    assert pictures
    assert set(pictures) == set(screenshots(source_out))
    for path in pictures.values():
        assert_real_picture(path)


def test_tarball_installs_for_the_user_and_uninstalls(
    bundle: Bundle, tmp_path: Path
) -> None:
    with tarfile.open(bundle.tarball) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    home = tmp_path / "home"
    env = user_env(home)
    run(
        ["sh", tmp_path / "unpacked" / "Pushwise" / "install.sh"], cwd=tmp_path, env=env
    )
    data = home / ".local" / "share"
    target = data / "pushwise"
    entry = (data / "applications" / "pushwise.desktop").read_text(encoding="utf-8")
    assert f'Exec="{target}/pushwise-gui" %F' in entry
    assert (data / "icons" / "hicolor" / "256x256" / "apps" / "pushwise.png").is_file()
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "pushwise.svg").is_file()
    done = run([home / ".local" / "bin" / CLI, "--version"], cwd=tmp_path, env=env)
    assert pyproject_version() in done.stdout
    run(["sh", target / "uninstall.sh"], cwd=tmp_path, env=env)
    assert not target.exists()
    assert not (data / "applications" / "pushwise.desktop").exists()
    assert not (home / ".local" / "bin" / CLI).exists()


def test_nothing_was_written_beside_the_executables(bundle: Bundle) -> None:
    # Runs last: settings, logs and the signing key went to the user's folders.
    assert contents(bundle.folder) == bundle.files
