"""Errors the engine raises, each saying what, where, what was found and what to do."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator

_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_DISK_FULL_WORDS = ("no space left on device", "file too large", "disk quota exceeded")


class Cancelled(BaseException):
    """The user asked a long job to stop; derives from BaseException so that
    ``except Exception`` cannot swallow it."""


class PushwiseError(Exception):
    """A problem the user can act on, located in a file, row and column."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The full one-paragraph message: where, what, and what to do."""
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where)
        text = f"{text}: {self.reason}" if text else self.reason
        if self.hint:
            text = f"{text} {self.hint}"
        return text


class InputDataError(PushwiseError):
    """The input file cannot be read or imported as it is (CLI exit code 3)."""


class ProjectError(PushwiseError):
    """The project file is missing, damaged or from an unknown version."""


def disk_full(error: BaseException) -> str | None:
    """None unless the error (or its cause) is a full disk or a file-size limit;
    then the file being written ("" when unknown; a write-ahead log is named
    as its project)."""
    for link in _chain(error):
        text = str(link)
        if isinstance(link, OSError) and link.errno in _DISK_FULL_ERRNOS:
            return str(link.filename or "").removesuffix(".wal")
        if any(word in text.lower() for word in _DISK_FULL_WORDS):
            named = re.search(r'file "([^"]+)"', text)
            return named.group(1).removesuffix(".wal") if named else ""
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
