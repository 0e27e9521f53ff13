"""Keep the bundle lean: what pushwise.spec leaves out of PyInstaller's
analysis after the hooks have collected it.

PyInstaller's hooks collect whole packages: every Qt platform plugin and
theme, every pyarrow library, sources and headers. ``lean`` drops the files
matching ``DROP`` and then, on Linux, every shared library that no kept
Python extension, Qt plugin or the interpreter still needs (the GTK stack a
dropped theme plugin pulled in, pyarrow's Flight and S3 libraries).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from fnmatch import fnmatch
from pathlib import PurePath

from PyInstaller.depend.bindepend import get_imports

TocEntry = tuple[str, str, str]

# Destination paths (inside the bundle's _internal folder) never needed.
DROP = (
    # Qt: only the offscreen, xcb and wayland platforms; no GTK theme (it
    # drags in the whole GTK stack), no input devices without a window system,
    # no translations (the app speaks English).
    "*/plugins/platforms/*eglfs*",
    "*/plugins/platforms/*linuxfb*",
    "*/plugins/platforms/*minimal*",
    "*/plugins/platforms/*vnc*",
    "*/plugins/platforms/*vkkhrdisplay*",
    "*/plugins/egldeviceintegrations/*",
    "*/plugins/generic/*",
    "*/plugins/platformthemes/*gtk3*",
    "*/plugins/platforminputcontexts/*virtualkeyboard*",
    "*/Qt/translations/*",
    # pyarrow: no Flight RPC, cloud file systems or Parquet encryption; no
    # C++ headers, Cython sources or extra copies of one library.
    "*arrow*flight*",
    "*libarrow_s3*",
    "*parquet_encryption*",
    "pyarrow/libarrow_python.so",
    "pyarrow/libarrow_python.so.*.*.*",
    "pyarrow/include/*",
    "pyarrow/src/*",
    # Packages' own test suites and their data.
    "*/tests/*",
    "*.pyx",
    "*.pxd",
    "*.pxi",
)


def dropped(destination: str) -> bool:
    """True if the file at this bundle path is left out."""
    path = destination.replace("\\", "/")
    return any(fnmatch(path, pattern) for pattern in DROP)


def lean(
    binaries: list[TocEntry], datas: list[TocEntry]
) -> tuple[list[TocEntry], list[TocEntry]]:
    """Binaries and data files minus the dropped ones and, on Linux, the
    libraries nothing needs; links whose target went go too."""
    binaries = [entry for entry in binaries if not dropped(entry[0])]
    datas = [entry for entry in datas if not dropped(entry[0])]
    if sys.platform.startswith("linux"):
        binaries = needed_libraries(binaries)
    kept = {entry[0] for entry in binaries + datas}
    datas = [entry for entry in datas if entry[2] != "SYMLINK" or entry[1] in kept]
    return binaries, datas


def is_root(entry: TocEntry) -> bool:
    """Loaded by Python or Qt themselves: an extension module (some hooks file
    them as plain binaries), a Qt plugin, libpython."""
    destination, _source, kind = entry
    name = PurePath(destination).name
    return (
        kind == "EXTENSION"
        or ".cpython-" in name
        or ".abi3." in name
        or "/plugins/" in destination.replace("\\", "/")
        or name.startswith("libpython")
    )


def needed_libraries(entries: list[TocEntry]) -> list[TocEntry]:
    """Drop shared libraries that no root needs, directly or through others."""
    by_name: dict[str, list[TocEntry]] = defaultdict(list)
    for entry in entries:
        if entry[2] in ("BINARY", "SYMLINK"):
            by_name[PurePath(entry[0]).name].append(entry)
    queue = [entry[1] for entry in entries if entry[2] != "SYMLINK" and is_root(entry)]
    seen: set[str] = set()
    needed: set[str] = set()
    while queue:
        source = queue.pop()
        if source in seen:
            continue
        seen.add(source)
        for name, _path in get_imports(source):
            base = PurePath(name).name
            if base in by_name and base not in needed:
                needed.add(base)
                queue += [e[1] for e in by_name[base] if e[2] != "SYMLINK"]
    return [
        entry
        for entry in entries
        if entry[2] not in ("BINARY", "SYMLINK")
        or is_root(entry)
        or PurePath(entry[0]).name in needed
    ]
