"""Third-party notices for what a built bundle really holds.

    .venv/bin/python packaging/notices.py dist/Pushwise

Reads the module archives of the bundle's executables and the files beside
them, finds the installed distributions they came from, and writes
THIRD_PARTY_NOTICES.md (name, version, licence, home page of each) into the
repository and the bundle, and each distribution's licence files into the
bundle's licenses/ folder. build.py runs it after every build.
"""

from __future__ import annotations

import shutil
import sys
import sysconfig
import textwrap
from importlib import metadata
from pathlib import Path

from PyInstaller.archive.readers import CArchiveReader, NotAnArchiveError
from PyInstaller.loader.pyimod01_archive import ArchiveReadError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OWN = "pushwise"
QT_DISTRIBUTIONS = {"pyside6-essentials", "shiboken6"}
URL_LABELS = (
    "homepage",
    "home",
    "source",
    "source code",
    "repository",
    "documentation",
)
LICENCE_WORDS = ("licen", "copying", "notice", "authors")
CLASSIFIER_LICENCES = {
    "License :: OSI Approved :: BSD License": "BSD",
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
}

HEADER = """# Third-party notices

Pushwise is released under the MIT licence (LICENSE). The desktop app bundles
the Python interpreter and the libraries listed below, each under its own
licence. In the app folder the full licence texts are in `licenses/`, one
folder per distribution, beside this file.

This file is generated from the contents of a built bundle by
`packaging/notices.py`; do not edit it by hand.

## Qt for Python (PySide6) and Qt: LGPL-3.0

The user interface is built on Qt 6 and Qt for Python (PySide6 and shiboken6),
used under the GNU Lesser General Public License version 3 (texts in
`licenses/PySide6_Essentials/`: LGPL-3.0.txt and the GPL-3.0.txt it builds
on). Pushwise does not modify Qt. You may replace the Qt libraries with your
own ABI-compatible builds of the same Qt version: in the app folder they are
the shared libraries in `_internal/PySide6/Qt/lib/` (Linux: `libQt6*.so.6`;
Windows: `_internal/PySide6/Qt6*.dll`; macOS: the `Qt*.framework` folders in
`Pushwise.app/Contents/Frameworks/PySide6/Qt/lib/`), and the plugins in
`_internal/PySide6/Qt/plugins/`. Replace the files in place, keeping their
names. The source code of Qt is available from https://www.qt.io and
https://download.qt.io (qt-everywhere-src for the version listed below), and
that of Qt for Python from https://code.qt.io/cgit/pyside/pyside-setup.git.

## Sample data: CC BY 4.0

The bundled sample is a filtered slice of Chen, D. (2015). *Online Retail*
[Dataset]. UCI Machine Learning Repository, https://doi.org/10.24432/C5BW33,
licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).
Lines were selected by customer, otherwise unmodified; see
`resources/sample/README.md`.

## Python

The Python {python} interpreter and standard library, under the Python
Software Foundation License (PSF-2.0), https://www.python.org.

## Python packages

| Distribution | Version | Licence | Home page |
| --- | --- | --- | --- |
"""

FOOTER = """
## Libraries of the operating system

On Linux the bundle also carries these shared libraries from the build
machine, each under the licence of the operating system package it came from
(on Debian: /usr/share/doc/PACKAGE/copyright):

{libraries}
"""


def bundle_module_names(folder: Path) -> set[str]:
    """Top-level module names in the executables' archives and beside them."""
    names: set[str] = set()
    for path in folder.iterdir():
        if not path.is_file():
            continue
        try:
            archive = CArchiveReader(str(path))
        except (ArchiveReadError, NotAnArchiveError, OSError, ValueError):
            continue
        for entry, (*_, kind) in archive.toc.items():
            if kind == "z":  # the PYZ: every pure-Python module
                pyz = archive.open_embedded_archive(entry)
                names |= {name.split(".")[0] for name in pyz.toc}
    internal = internal_folder(folder)
    names |= {path.name.split(".")[0] for path in internal.iterdir()}
    return names


def internal_folder(folder: Path) -> Path:
    """The bundle's folder of libraries and data (PyInstaller's _internal)."""
    return folder / "_internal"


def bundled_distributions(folder: Path) -> list[metadata.Distribution]:
    """The installed distributions whose modules the bundle holds, by name."""
    owners = metadata.packages_distributions()
    names = {
        dist
        for module in bundle_module_names(folder)
        for dist in owners.get(module, [])
    }
    found = {metadata.distribution(name) for name in names}
    unique = {_key(dist): dist for dist in found if _key(dist) != OWN}
    return [unique[key] for key in sorted(unique)]


def system_libraries(folder: Path) -> list[str]:
    """Shared libraries beside the modules that no Python package brought
    (the others are links into the packages' folders)."""
    return sorted(
        path.name
        for path in internal_folder(folder).iterdir()
        if path.name.startswith("lib")
        and ".so" in path.name
        and not path.is_symlink()
        and not path.name.startswith("libpython")
    )


def licence(dist: metadata.Distribution) -> str:
    """The distribution's licence, as it declares it."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    declared = str(meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) < 60:
        return declared
    for classifier in meta.get_all("Classifier") or []:
        if classifier in CLASSIFIER_LICENCES:
            return CLASSIFIER_LICENCES[classifier]
    return "see its licence files"


def home_page(dist: metadata.Distribution) -> str:
    """The distribution's home page, else its source or documentation."""
    meta = dist.metadata
    if meta.get("Home-page"):
        return str(meta["Home-page"])
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        urls.setdefault(label.strip().lower(), url.strip())
    for label in URL_LABELS:
        if label in urls:
            return urls[label]
    return next(iter(urls.values()), "")


def notices_text(folder: Path, dists: list[metadata.Distribution]) -> str:
    """THIRD_PARTY_NOTICES.md for the bundle at folder."""
    python = sys.version.split()[0]
    rows = [
        f"| {dist.metadata['Name']} | {dist.version} | {licence(dist)} | "
        f"{home_page(dist)} |"
        for dist in dists
    ]
    text = HEADER.format(python=python) + "\n".join(rows) + "\n"
    libraries = system_libraries(folder)
    if libraries:
        names = textwrap.fill(
            ", ".join(libraries) + ".", width=79, break_on_hyphens=False
        )
        text += FOOTER.format(libraries=names)
    return text


def copy_licence_texts(folder: Path, dists: list[metadata.Distribution]) -> None:
    """Each distribution's licence files into licenses/NAME/ in the bundle."""
    target = internal_folder(folder) / "licenses"
    shutil.rmtree(target, ignore_errors=True)
    for dist in dists:
        name = str(dist.metadata["Name"])
        for file in dist.files or []:
            parts = file.parts
            inside = parts[0].endswith(".dist-info") and len(parts) > 1
            if inside and any(word in file.name.lower() for word in LICENCE_WORDS):
                destination = target / name / Path(*parts[1:])
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(str(dist.locate_file(file))), destination)
        if _key(dist) in QT_DISTRIBUTIONS:
            (target / name).mkdir(parents=True, exist_ok=True)
            for text in (HERE / "licenses").iterdir():
                shutil.copy2(text, target / name / text.name)
    python = target / "Python"
    python.mkdir(parents=True)
    shutil.copy2(Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt", python)


def write_notices(folder: Path, repo_copy: Path) -> bool:
    """Write the notices into the bundle and repo_copy; True if it changed."""
    dists = bundled_distributions(folder)
    text = notices_text(folder, dists)
    (internal_folder(folder) / "THIRD_PARTY_NOTICES.md").write_text(text, "utf-8")
    copy_licence_texts(folder, dists)
    before = repo_copy.read_text("utf-8") if repo_copy.exists() else ""
    if text == before:
        return False
    repo_copy.write_text(text, "utf-8")
    sys.stderr.write(f"{repo_copy.name} changed: commit it (and rebuild for macOS)\n")
    return True


def _key(dist: metadata.Distribution) -> str:
    return str(dist.metadata["Name"]).lower().replace("_", "-")


if __name__ == "__main__":
    write_notices(Path(sys.argv[1]), ROOT / "THIRD_PARTY_NOTICES.md")
