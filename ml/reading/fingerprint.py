"""Notice a file that changes while it is imported (still being written or
replaced), so that part of a file is never stored as if it were all of it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ml.errors import InputDataError

_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class FileState:
    """What a file was when its import began: size, times, identity and hash."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    sha256: str


class ReadDigest:
    """SHA-256 of a file's bytes as the reader takes them from the disk."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0
        self.finished = False

    def update(self, data: bytes) -> None:
        """Add bytes just read from the file."""
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> None:
        """Mark the end of the file as reached."""
        self.finished = True

    @property
    def sha256(self) -> str | None:
        """The hash of every byte read, once the end was reached (else None)."""
        return self._hash.hexdigest() if self.finished else None


def file_state(path: Path) -> FileState:
    """The file's state now: stat before and after hashing must agree."""
    before = os.stat(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    state = _state(before, digest.hexdigest())
    if _state(os.stat(path), state.sha256) != state:
        raise changed_error(path.name)
    return state


def check_unchanged(path: Path, before: FileState, read_sha256: str | None) -> None:
    """Refuse when the file is not what it was when the import began, or when
    the bytes the reader took from it are not the bytes that were hashed."""
    try:
        now = _state(os.stat(path), before.sha256)
    except OSError as exc:
        raise changed_error(path.name) from exc
    if now != before or (read_sha256 is not None and read_sha256 != before.sha256):
        raise changed_error(path.name)


def changed_error(file: str) -> InputDataError:
    """The refusal of a file that changed while it was being imported."""
    return InputDataError(
        "the file changed while it was being imported; nothing was imported.",
        file=file,
        hint="Wait until the file is completely written (or copied) and import "
        "it again.",
    )


def _state(stat: os.stat_result, sha256: str) -> FileState:
    return FileState(
        stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, sha256
    )
