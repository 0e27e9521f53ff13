"""The folder `pushwise demo` writes into: used only when it is new, empty or
an earlier demo's output, so that the demo never deletes or overwrites a
file of the user's.

An earlier demo's output is recognised by the marker file the demo leaves
there (MARKER, listing what it wrote), or, for folders written before the
marker existed, by holding the demo's project and nothing but files with the
demo's own names. Only the demo's own file names are ever replaced: the
marker's list is shown to people, never trusted for deleting.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ml.errors import PushwiseError

MARKER = ".pushwise-demo"
# Files an operating system drops into any folder it shows; not the user's work.
_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_EXAMPLES = 3  # foreign files named in the message


class DemoFolderError(PushwiseError):
    """The folder given for the demo cannot be used (nothing was changed)."""


def check_demo_folder(folder: Path, outputs: Sequence[str], project: str) -> None:
    """Raise DemoFolderError unless folder is missing, empty or an earlier
    demo's output; `outputs` are the demo's files, relative, "/"-separated."""
    if folder.exists() and not folder.is_dir():
        raise DemoFolderError(
            "is a file, not a folder for the demo.",
            file=str(folder),
            hint="Choose a folder name with --out.",
        )
    if not folder.exists():
        return
    blocked = _blocked(folder, outputs)
    if (folder / MARKER).is_file() and not blocked:
        return
    foreign = blocked or _foreign_files(folder, outputs)
    if not foreign and ((folder / project).is_file() or not _entries(folder)):
        return  # empty, or written by a demo from before the marker
    found = foreign or sorted(_entries(folder))
    shown = ", ".join(found[:_EXAMPLES]) + (", …" if len(found) > _EXAMPLES else "")
    raise DemoFolderError(
        f"already holds files an earlier demo did not write ({shown}). The demo "
        "writes only into a new or empty folder, or one an earlier demo wrote, "
        "so that none of your files is replaced; nothing was changed.",
        file=str(folder),
        hint="Choose a new folder with --out, for example --out pushwise-demo-2.",
    )


def prepare_demo_folder(folder: Path, outputs: Sequence[str], project: str) -> None:
    """Make folder ready for the demo: check it (check_demo_folder), create
    it, remove the files an earlier demo wrote there (only the demo's own
    names; anything else stays) and leave the marker listing `outputs`."""
    check_demo_folder(folder, outputs, project)
    folder.mkdir(parents=True, exist_ok=True)
    for name in outputs:
        # Removed rather than overwritten: a symbolic link left in their
        # place must not make the demo write through it into another file.
        (folder / name).unlink(missing_ok=True)
    lines = [
        "# Written by `pushwise demo`. A later `pushwise demo --out` into this",
        "# folder replaces these files (and only these):",
        *outputs,
    ]
    (folder / MARKER).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _entries(folder: Path) -> list[str]:
    with os.scandir(folder) as found:
        return [entry.name for entry in found if entry.name not in _LITTER]


def _blocked(folder: Path, outputs: Sequence[str]) -> list[str]:
    """Where the demo writes a file, a folder stands; where it writes into a
    subfolder, a link to somewhere else stands (the demo would write there)."""
    found = [name + "/" for name in outputs if (folder / name).is_dir()]
    subfolders = {str(PurePosixPath(name).parent) for name in outputs} - {"."}
    return found + sorted(name for name in subfolders if (folder / name).is_symlink())


def _foreign_files(folder: Path, outputs: Sequence[str]) -> list[str]:
    """Files and folders in folder (and in the demo's subfolders) that are
    not the demo's, relative and sorted; only the demo's subfolders are
    looked into, so a large folder given by mistake is not walked through."""
    own = set(outputs)
    subfolders = {str(PurePosixPath(name).parent) for name in outputs} - {"."}
    foreign = []
    for name in sorted(_entries(folder)):
        path = folder / name
        if name in subfolders and path.is_dir() and not path.is_symlink():
            foreign += [
                f"{name}/{inner}"
                for inner in sorted(_entries(path))
                if f"{name}/{inner}" not in own
            ]
        elif name not in own:
            foreign.append(name + ("/" if path.is_dir() else ""))
    return foreign
