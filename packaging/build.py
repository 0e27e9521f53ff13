"""Build the desktop bundle with PyInstaller (make bundle).

    .venv/bin/python packaging/build.py [--dist DIR] [--work DIR]

Writes DIST/Pushwise/ (both executables over one set of libraries, with the
licences), and on Linux also DIST/pushwise-VERSION-linux-ARCH.tar.gz, whose
Pushwise/install.sh installs it for the current user. The third-party
notices are regenerated from what the bundle holds (THIRD_PARTY_NOTICES.md
in the repository: commit it when it changed).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from notices import write_notices  # noqa: E402  (a sibling script, not a package)

NAME = "Pushwise"
LINUX_FILES = ("install.sh", "uninstall.sh", "pushwise.desktop")


def version() -> str:
    """The project's version, from pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return str(tomllib.loads(text)["project"]["version"])


def run_pyinstaller(dist: Path, work: Path) -> Path:
    """Run the spec; return the one-folder bundle."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(HERE / "pushwise.spec"),
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={dist}",
            f"--workpath={work}",
        ],
        check=True,
        # Not the repository: a pushwise.egg-info there would be taken for
        # the installed distribution's metadata.
        cwd=work,
    )
    return dist / NAME


def add_linux_files(folder: Path) -> None:
    """Put the installer, the menu entry and the licences at the top."""
    for name in LINUX_FILES:
        shutil.copy2(HERE / "linux" / name, folder / name)
    for name in ("LICENSE", "THIRD_PARTY_NOTICES.md"):
        shutil.copy2(folder / "_internal" / name, folder / name)


def make_tarball(folder: Path) -> Path:
    """Pack the folder as DIST/pushwise-VERSION-linux-ARCH.tar.gz."""
    archive = folder.parent / f"pushwise-{version()}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=NAME)
    return archive


def strip_interpreter(folder: Path) -> None:
    """Strip the symbols from libpython and the standard library's extension
    modules (a third of their size). Only these: the libraries from wheels
    were rewritten by auditwheel, and strip breaks them."""
    internal = folder / "_internal"
    files = [
        *internal.glob("libpython3*.so*"),
        *internal.glob("python3*/lib-dynload/*.so"),
    ]
    if shutil.which("strip"):
        subprocess.run(["strip", "--strip-unneeded", *map(str, files)], check=True)


def folder_size(folder: Path) -> int:
    """Bytes in the files under folder (links not counted twice)."""
    return sum(
        path.lstat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def main(argv: list[str] | None = None) -> int:
    """Build the bundle (and the Linux tarball); report sizes and time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    started = time.monotonic()
    folder = run_pyinstaller(args.dist.resolve(), args.work.resolve())
    write_notices(folder, ROOT / "THIRD_PARTY_NOTICES.md")
    linux = sys.platform.startswith("linux")
    if linux:
        strip_interpreter(folder)
        add_linux_files(folder)
    lines = [f"{folder}: {folder_size(folder) / 1e6:.0f} MB unpacked"]
    if linux:
        archive = make_tarball(folder)
        lines.append(f"{archive}: {archive.stat().st_size / 1e6:.0f} MB")
    lines.append(f"built in {time.monotonic() - started:.0f} s")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
