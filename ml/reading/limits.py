"""Caps on how far compressed data may expand: refuse decompression bombs early.

Real exports compress 2-15x (the shared data sets: 1.8x to 9x; Excel sheet XML
up to about 30x); the bombs met in testing expand 250-1000x. Up to FREE_BYTES of
expanded data are always allowed, so small, very repetitive files still read;
beyond that the expanded bytes must stay within MAX_RATIO times the compressed
bytes they came from. The check runs while inflating, on the bytes actually
produced (archive headers can lie), so a bomb is refused after at most
FREE_BYTES plus one piece, whatever it claims.
"""

from __future__ import annotations

import zipfile
import zlib

from ml.errors import InputDataError

FREE_BYTES = 64 << 20
MAX_RATIO = 100
_HINT = (
    "If the file is genuine, unpack it yourself and import the unpacked CSV "
    "(or, for a workbook, save the sheet as CSV in Excel)."
)


def allowed(compressed: int) -> int:
    """Expanded bytes allowed for `compressed` bytes of compressed input."""
    return max(FREE_BYTES, MAX_RATIO * compressed)


def size_text(size: int) -> str:
    """A byte count for people: '4.0 GB', '14 MB', '900 bytes'."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.0f} MB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.0f} KB"
    return f"{size} bytes"


def bomb_error(file: str, what: str, expanded: int, compressed: int) -> InputDataError:
    """The refusal of data that expands far more than real exports do."""
    return InputDataError(
        f"{what} expands to more than {size_text(expanded)} from "
        f"{size_text(compressed)}, over {MAX_RATIO} times its compressed size, "
        "which real exports never do. It looks like a decompression bomb, so "
        "nothing was imported.",
        file=file,
        hint=_HINT,
    )


class ExpansionGuard:
    """Counts compressed bytes used and expanded bytes made; refuses a bomb."""

    def __init__(self, file: str, what: str, compressed: int = 0) -> None:
        self.file = file
        self.what = what
        self.compressed = compressed  # known up front (zip members) or counted
        self.expanded = 0

    def add(self, *, compressed: int = 0, expanded: int = 0) -> None:
        """Count more bytes; raise InputDataError once past the cap."""
        self.compressed += compressed
        self.expanded += expanded
        if self.expanded > allowed(self.compressed):
            raise bomb_error(self.file, self.what, self.expanded, self.compressed)


def check_archive(file: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP (or .xlsx) whose members claim to expand too far, before
    any is inflated: each member, and all of them together."""
    total_in = total_out = 0
    for info in members:
        total_in += info.compress_size
        total_out += info.file_size
        if info.file_size > allowed(info.compress_size):
            what = f"'{info.filename}' inside the archive"
            raise bomb_error(file, what, info.file_size, info.compress_size)
    if total_out > allowed(total_in):
        raise bomb_error(file, "the archive", total_out, total_in)


def verify_archive(path: str, file: str, *, chunk: int = 1 << 20) -> None:
    """Inflate every member of a ZIP container (an .xlsx) without keeping it,
    refusing a bomb and damaged data, so that a library that unpacks it all
    in memory afterwards meets only sizes that were checked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            check_archive(file, members)
            compressed = sum(info.compress_size for info in members)
            guard = ExpansionGuard(file, "the archive", compressed)
            for info in members:
                # zipfile stops at the declared size and checks the CRC, so a
                # member that hides more than it declares fails here.
                with archive.open(info) as handle:
                    while data := handle.read(chunk):
                        guard.add(expanded=len(data))
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise InputDataError(
            f"the file is a damaged ZIP container ({exc}).",
            file=file,
            hint="Open it in Excel, save it again as .xlsx, and import that file.",
        ) from exc
