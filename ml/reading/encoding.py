"""Decide a text file's encoding deterministically and hand on UTF-8 bytes.

Rules, in order: a byte-order mark decides (UTF-8, UTF-16 LE/BE); UTF-16 without a
mark is recognised by its zero bytes; many NUL or control bytes mean "not text";
pure ASCII and valid UTF-8 are UTF-8; otherwise, when valid UTF-8 multibyte
sequences occur anywhere, the file mixes encodings and is refused; otherwise it is
Windows-1252 when every high byte is defined there, else Latin-1. No statistics, so
the same bytes always give the same answer.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ml.errors import InputDataError
from ml.reading.model import ENCODING_NAMES

_REEXPORT = "Open it in a text editor or Excel and save it again as 'CSV UTF-8'."
_NOT_TEXT_HINT = (
    "Export the data from your CRM or shop system as CSV or Excel and import that file."
)
# Control bytes that never occur in text tables (tab, LF, VT, FF, CR, ^Z are allowed).
_CONTROL = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), *range(0x1B, 0x20), 0x7F])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_NOT_CONTINUATION = bytes([*range(0x80), *range(0xC0, 0x100)])  # of UTF-8
_NOT_C1 = bytes([*range(0x80), *range(0xA0, 0x100)])  # C1: bytes 0x80-0x9F
# Bytes Windows-1252 leaves undefined; a file using them is Latin-1.
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# A well-formed UTF-8 multibyte sequence (RFC 3629, no surrogates or overlongs).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}"
    rb"|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_SAMPLE = 1 << 16
_SCAN = 1 << 22  # bytes looked at at once for UTF-8 sequences (bounds memory)
_CODECS = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}  # these drop a byte-order mark


class NotText(InputDataError):
    """The bytes are binary data (a program, image or database), not a table."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text as UTF-8 bytes without a byte-order mark, and what it was read as."""

    data: bytes
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"
    note: str | None


def decode_text(raw: bytes, file: str, *, complete: bool = True) -> Decoded:
    """Detect the encoding of `raw` and return it as UTF-8 (see module rules)."""
    if raw.startswith(codecs.BOM_UTF8):
        data = raw[3:] if complete else _cut_at_newline(raw[3:])
        _reject_binary(data, file)
        _check_utf8(data, file, after_bom=True)
        return Decoded(data, "utf-8-sig", None)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_utf16(raw, "utf-16", file, complete)
    bomless = _bomless_utf16(raw[:4096])
    if bomless is not None:
        return _decode_utf16(raw, bomless, file, complete)
    _reject_binary(raw, file)
    data = raw if complete else _cut_at_newline(raw)
    if data.isascii() or _is_utf8(data):
        return Decoded(data, "utf-8", None)
    return _decode_single_byte(data, file)


def decode_as(
    raw: bytes, encoding: str, file: str, *, complete: bool = True
) -> Decoded:
    """Read `raw` as the encoding the user chose (a key of ENCODING_NAMES)."""
    if encoding not in ENCODING_NAMES:
        raise ValueError(f"unknown encoding {encoding!r}")
    name = ENCODING_NAMES[encoding]
    codec = _CODECS.get(encoding, encoding)
    if codec == "utf-16" and not raw.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        codec = _bomless_utf16(raw[:4096]) or "utf-16-le"
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        text = decoder.decode(raw, final=complete)
    except UnicodeDecodeError as exc:
        byte = raw[exc.start : exc.start + 1]
        before = raw[: exc.start].decode(codec, "replace")
        row = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        raise InputDataError(
            f"the file cannot be read as {name} text: byte 0x{byte.hex().upper()} "
            f"is not valid there.",
            file=file,
            row=row,
            hint="Choose another encoding, or let Pushwise detect it.",
        ) from exc
    data = text.encode("utf-8")
    _reject_binary(data, file)
    if not complete:
        data = _cut_at_newline(data)
    return Decoded(data, encoding, f"Read the file as {name} text, as chosen")


def line_of(data: bytes, offset: int) -> int:
    """1-based physical line (CR, LF or CRLF ends a line) holding byte `offset`."""
    lone_cr = data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset)
    return data.count(b"\n", 0, offset) + lone_cr + 1


def _cut_at_newline(data: bytes) -> bytes:
    """Drop a possibly cut last line (and half a character) from a file prefix."""
    end = max(data.rfind(b"\n"), data.rfind(b"\r"))
    return data[: end + 1] if end >= 0 else data


def _is_utf8(data: bytes) -> bool:
    """Validate UTF-8 in Arrow's vectorised checker: far cheaper than a decode."""
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    array = pa.Array.from_buffers(
        pa.large_string(), 1, [None, offsets, pa.py_buffer(data)]
    )
    try:
        array.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _check_utf8(data: bytes, file: str, *, after_bom: bool) -> None:
    if data.isascii() or _is_utf8(data):
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _raise_not_utf8(data, exc.start, file, after_bom=after_bom)


def _raise_not_utf8(data: bytes, bad: int, file: str, *, after_bom: bool) -> None:
    byte = data[bad : bad + 1]
    shown = byte.decode("cp1252", errors="replace")
    if after_bom:
        why = "the file starts with a UTF-8 byte-order mark"
    else:
        example = UTF8_MULTIBYTE.search(data)
        assert example is not None  # only called for mixed files
        char = example.group().decode("utf-8")
        why = f"row {line_of(data, example.start())} is UTF-8 ('{char}')"
    raise InputDataError(
        f"the file is not valid UTF-8 text: byte 0x{byte.hex().upper()} "
        f"('{shown}' in Windows-1252) cannot be read as UTF-8, although {why}. "
        "The file mixes two encodings, so no single one reads it correctly.",
        file=file,
        row=line_of(data, bad),
        hint=_REEXPORT,
    )


def has_utf8_multibyte(data: bytes) -> bool:
    """True when `data` holds a sequence UTF8_MULTIBYTE matches, found with
    numpy (the regular expression takes 30 s per GB on Windows-1252 text)."""
    # Every sequence has a continuation byte right after its lead, and most
    # single-byte text has none of those: one fast C pass says so.
    if not data.translate(None, _NOT_CONTINUATION):
        return False
    view = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(view), _SCAN):
        part = view[start : start + _SCAN]
        leads = np.flatnonzero((part >= 0xC2) & (part <= 0xF4)) + start
        if leads.size and _any_sequence(view, leads):
            return True
    return False


def _any_sequence(view: npt.NDArray[np.uint8], leads: npt.NDArray[np.intp]) -> bool:
    """Whether a well-formed UTF-8 sequence starts at any of the `leads`."""

    def after(k: int) -> npt.NDArray[np.uint8]:
        """The k-th byte after each lead (0, never a continuation, past the end)."""
        at = leads + k
        inside = at < len(view)
        found = np.zeros(len(leads), dtype=np.uint8)
        found[inside] = view[at[inside]]
        return found

    lead = view[leads]
    b1, b2, b3 = after(1), after(2), after(3)
    c1, c2, c3 = ((b & 0xC0) == 0x80 for b in (b1, b2, b3))
    two = (lead <= 0xDF) & c1
    three_lead = (
        ((lead == 0xE0) & (b1 >= 0xA0))
        | (((lead >= 0xE1) & (lead <= 0xEC)) | (lead == 0xEE) | (lead == 0xEF))
        | ((lead == 0xED) & (b1 <= 0x9F))
    )
    four_lead = (
        ((lead == 0xF0) & (b1 >= 0x90))
        | ((lead >= 0xF1) & (lead <= 0xF3))
        | ((lead == 0xF4) & (b1 <= 0x8F))
    )
    found = two | (three_lead & c1 & c2) | (four_lead & c1 & c2 & c3)
    return bool(found.any())


def _decode_single_byte(data: bytes, file: str) -> Decoded:
    # Bytes 0x80-0xBF: UTF-8 continuation bytes, and (0x80-0x9F) the only ones
    # where Windows-1252 and Latin-1 differ. Text has few or none of them.
    middle = data.translate(None, _NOT_CONTINUATION)
    if middle and has_utf8_multibyte(data):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            _raise_not_utf8(data, exc.start, file, after_bom=False)
    if any(byte in middle for byte in _CP1252_UNDEFINED):
        encoding, name = "latin-1", "Latin-1 (ISO-8859-1)"
    else:
        encoding, name = "cp1252", "Windows-1252 (Western European)"
    note = f"The file is not UTF-8; read it as {name} text"
    # Without bytes 0x80-0x9F the two read alike, and Latin-1 needs no table.
    codec = encoding if middle.translate(None, _NOT_C1) else "latin-1"
    return Decoded(data.decode(codec).encode("utf-8"), encoding, note)


def _bomless_utf16(sample: bytes) -> str | None:
    """UTF-16 without a mark: nearly every other byte is zero (mostly-Latin text)."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_zero = sample[0 : 2 * pairs : 2].count(0)
    odd_zero = sample[1 : 2 * pairs : 2].count(0)
    if odd_zero >= 0.6 * pairs and even_zero <= 0.02 * pairs:
        return "utf-16-le"
    if even_zero >= 0.6 * pairs and odd_zero <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _decode_utf16(raw: bytes, codec: str, file: str, complete: bool) -> Decoded:
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        text = decoder.decode(raw, final=complete)
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start - exc.start % 2].decode(codec, errors="replace")
        row = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
        raise InputDataError(
            "the file is marked as UTF-16 text but has bytes that are not valid "
            f"UTF-16 ({exc.reason}).",
            file=file,
            row=row,
            hint=_REEXPORT,
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    data = text.encode("utf-8")
    _reject_binary(data, file)
    if not complete:
        data = _cut_at_newline(data)
    return Decoded(data, "utf-16", None)


def _reject_binary(data: bytes, file: str) -> None:
    """Many NUL or control bytes mean this is not text. A few (a NUL byte in one
    value) are not refused here: the line holding one is left out alone."""
    sample = data[:_SAMPLE]
    controls = len(sample.translate(None, _NOT_CONTROL))
    nuls = data.count(b"\x00")
    if controls <= max(8, len(sample) // 100) and nuls <= max(8, len(data) >> 10):
        return
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotText(
            "the file is not a text table: it holds binary data (NUL bytes), "
            "like a program, image or database file.",
            file=file,
            row=line_of(data, nul),
            hint=_NOT_TEXT_HINT,
        )
    raise NotText(
        "the file is not a text table: it is full of control bytes, like a "
        "program, image or database file.",
        file=file,
        hint=_NOT_TEXT_HINT,
    )
