"""Opening the DuckDB file behind a project, with DuckDB's errors in plain words."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ml.errors import ProjectError

# A DuckDB database file starts with an 8-byte checksum followed by this magic.
_MAGIC = b"DUCK"
_MAGIC_OFFSET = 8

NOT_A_PROJECT_HINT = (
    "Open a .pushwise file made with Pushwise, or create a new project and "
    "import your files into it."
)
DAMAGED_HINT = (
    "Restore the file from a backup, or create a new project and import your "
    "files again."
)

# Substrings of DuckDB messages, matched case-insensitively. DuckDB has no error
# codes for these cases, only exception classes shared by many causes.
_LOCKED = ("could not set lock", "conflicting lock")
_NOT_DUCKDB = ("not a valid duckdb database file",)
_NEWER_STORAGE = ("newer version of duckdb", "version number")
_DAMAGED = ("corrupt database file", "could not read enough bytes", "checksum")
_PERMISSION = ("permission denied",)
# A read-write open refused for these reasons is retried read-only.
_CANNOT_WRITE = ("read-only file system", "permission denied", "read only")

COPY_HINT = "Copy it somewhere you can write to, then open the copy."


def not_a_project(
    path: Path, reason: str = "this file is not a Pushwise project."
) -> ProjectError:
    """The error for a file that is not a project at all."""
    return ProjectError(reason, file=str(path), hint=NOT_A_PROJECT_HINT)


def damaged(path: Path, detail: str) -> ProjectError:
    """The error for a project file that cannot be read back."""
    return ProjectError(
        f"the project file is damaged and cannot be read ({_plain_damage(detail)}).",
        file=str(path),
        hint=DAMAGED_HINT,
    )


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the file's bytes are wrong or missing."""
    return isinstance(exc, duckdb.Error) and any(
        part in str(exc).lower() for part in _DAMAGED
    )


def _plain_damage(detail: str) -> str:
    """DuckDB's words for the common kinds of damage, in plain words."""
    lowered = detail.lower()
    where = re.search(r"location (\d+)", detail)
    at = f" at byte {int(where.group(1)):,}" if where else ""
    if "could not read enough bytes" in lowered:
        return f"the file ends too early{at}; it may have been cut off while copying"
    if "checksum" in lowered:
        return f"part of the file was changed or worn{at}: its checksum does not match"
    return _first_line(detail)


def newer(path: Path, detail: str) -> ProjectError:
    """The error for a project written by a newer Pushwise than this one."""
    return ProjectError(
        f"this project was made with a newer version of Pushwise ({detail}).",
        file=str(path),
        hint="Update Pushwise to open it.",
    )


def locked(path: Path, detail: str) -> ProjectError:
    """The error for a project held open by another process."""
    pid = re.search(r"PID (\d+)", detail)
    where = f" (process {pid.group(1)})" if pid else ""
    return ProjectError(
        f"the project is open in another Pushwise window or program{where}.",
        file=str(path),
        hint="Close it there, then try again.",
    )


def check_file(path: Path) -> None:
    """Raise ProjectError unless path is an existing file that starts like DuckDB's."""
    if not path.exists():
        raise ProjectError(
            "the project file does not exist.",
            file=str(path),
            hint="Check the name and the folder, or create a new project.",
        )
    if path.is_dir():
        raise not_a_project(path, "this is a folder, not a Pushwise project file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(_MAGIC_OFFSET + len(_MAGIC))
    except OSError as exc:
        raise ProjectError(
            f"the file cannot be read ({exc.strerror}).",
            file=str(path),
            hint="Check that the file exists and that you may read it.",
        ) from exc
    if not head:
        raise not_a_project(
            path,
            "the file is empty, so it is not a Pushwise project "
            "(it may have been cut off while copying).",
        )
    if head[_MAGIC_OFFSET:] != _MAGIC:
        raise not_a_project(path)


def write_block(path: Path) -> str | None:
    """Why the project cannot be changed where it is, or None if it can.

    DuckDB writes the file and, beside it, its write-ahead log, so both the
    file and its folder must be writable.
    """
    if _on_read_only_disk(path):
        return "the disk or share it is on is read-only"
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "its folder is read-only"
    return None


def folder_block(folder: Path) -> str | None:
    """Why a new project cannot be made in this folder, or None if it can."""
    if _on_read_only_disk(folder):
        return "the disk or share it is on is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "the folder is read-only"
    return None


def _on_read_only_disk(path: Path) -> bool:
    statvfs = getattr(os, "statvfs", None)  # not on Windows: os.access tells
    if statvfs is None:
        return False
    try:
        return bool(statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def cannot_change(path: Path, reason: str) -> ProjectError:
    """The error for a change asked of a project opened read-only."""
    return ProjectError(f"{path} cannot be changed: {reason}.", hint=COPY_HINT)


def refused_writing(exc: duckdb.Error) -> bool:
    """Whether DuckDB could not open a file for writing (read-only, no access)."""
    return any(part in str(exc).lower() for part in _CANNOT_WRITE)


def connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB database at path, raising ProjectError in plain words."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise translate(path, exc) from exc


def connect_for_open(path: Path) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """Open read-write where the file and its folder can be written, else
    read-only; return the connection and why it is read-only (or None)."""
    reason = write_block(path)
    if reason is None:
        try:
            return connect(path, read_only=False), None
        except ProjectError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, duckdb.Error) and refused_writing(cause)):
                raise
            reason = "Pushwise may not write to the file or its folder"
    return connect(path, read_only=True), reason


def translate(path: Path, exc: duckdb.Error) -> ProjectError:
    """Turn a DuckDB error met while opening a project into a ProjectError."""
    text = str(exc)
    lowered = text.lower()
    if any(part in lowered for part in _LOCKED):
        return locked(path, text)
    if any(part in lowered for part in _NOT_DUCKDB):
        return not_a_project(path)
    if any(part in lowered for part in _NEWER_STORAGE):
        return newer(path, "its database format is newer than this version reads")
    if any(part in lowered for part in _PERMISSION):
        return ProjectError(
            "Pushwise may not open or change this file (permission denied).",
            file=str(path),
            hint="Copy it to a folder you can write to, or ask for write access.",
        )
    return damaged(path, text)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn DuckDB's damaged-file errors met while reading into ProjectError."""
    try:
        yield
    except duckdb.Error as exc:
        # DuckDB checks block checksums lazily, so damage inside a table only
        # shows when that table is read, long after the file was opened.
        if is_damage(exc):
            raise damaged(path, str(exc)) from exc
        raise


def quiet_rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is open; a failed COMMIT may have ended it."""
    with contextlib.suppress(duckdb.Error):
        con.rollback()


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown reason"
