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

import os
import struct
import zipfile
import zlib
from typing import BinaryIO

from ml.errors import InputDataError

FREE_BYTES = 64 << 20
MAX_RATIO = 100
_PIECE = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # a ZIP member's local file header
_DAMAGED_HINT = "Open it in Excel, save it again as .xlsx, and import that file."
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


def bomb_error(
    file: str, what: str, expanded: int, compressed: int, *, declared: bool = False
) -> InputDataError:
    """The refusal of data that expands far more than real exports do
    (`declared`: as the archive says, before inflating anything)."""
    if declared:
        size = f"says it expands to {size_text(expanded)}"
    else:
        size = f"expands to more than {size_text(allowed(compressed))}"
    return InputDataError(
        f"{what} {size} from {size_text(compressed)}, over {MAX_RATIO} times its "
        "compressed size, which real exports never do. It looks like a "
        "decompression bomb, so nothing was imported.",
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
            raise bomb_error(
                file, what, info.file_size, info.compress_size, declared=True
            )
    if total_out > allowed(total_in):
        raise bomb_error(file, "the archive", total_out, total_in, declared=True)


def verify_archive(path: str, file: str) -> None:
    """Inflate every member of a ZIP container (an .xlsx) without keeping it,
    counting the bytes the compressed data really makes (headers can lie), so
    that a library that unpacks it in memory afterwards meets only checked
    sizes; refuses a bomb and damaged data."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
        check_archive(file, members)
        compressed = sum(info.compress_size for info in members)
        guard = ExpansionGuard(file, "the archive", compressed)
        with open(path, "rb") as handle:
            for info in members:
                made = _inflate_member(handle, info, guard)
                if made is not None and made != info.file_size:
                    raise InputDataError(
                        f"'{info.filename}' inside the archive holds "
                        f"{'more' if made > info.file_size else 'less'} data than "
                        "the archive says, so the file is damaged or built to "
                        "exhaust memory; nothing was imported.",
                        file=file,
                        hint=_DAMAGED_HINT,
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, struct.error) as exc:
        raise InputDataError(
            f"the file is a damaged ZIP container ({exc}).",
            file=file,
            hint=_DAMAGED_HINT,
        ) from exc


def _inflate_member(
    handle: BinaryIO, info: zipfile.ZipInfo, guard: ExpansionGuard
) -> int | None:
    """Bytes the member's data makes, counted (not kept) and guarded while
    inflating; stops one chunk past its declared size. None for a compression
    other than stored or deflate (the workbook reader refuses those anyway)."""
    handle.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no header for '{info.filename}'")
    handle.seek(header[-2] + header[-1], os.SEEK_CUR)  # name and extra field
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    inflater = zlib.decompressobj(-15)  # raw deflate, as inside a ZIP
    left, data, made = info.compress_size, b"", 0
    while not inflater.eof:
        if not data and left:
            data = handle.read(min(left, _PIECE))
            left -= len(data)
            if not data:
                break  # the file ends early: the size check reports it
        out = inflater.decompress(data, _PIECE)
        data = inflater.unconsumed_tail
        if not out and not data and not left:
            break
        made += len(out)
        guard.add(expanded=len(out))
        if made > info.file_size:
            break
    return made
