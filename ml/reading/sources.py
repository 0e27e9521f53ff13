"""Find out what a file is (first bytes, then name) and load its text bytes."""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ml.errors import InputDataError
from ml.reading.fingerprint import ReadDigest
from ml.reading.limits import ExpansionGuard, check_archive, verify_archive
from ml.reading.stream import TextStream

TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".tab", ".txt", ".psv", ".dat", ""})
SUPPORTED = (
    "CSV or TSV text (also .csv.gz or a .zip with one CSV), Excel (.xlsx, .xls) "
    "or Parquet"
)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of old .xls workbooks
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_GZIP = b"\x1f\x8b"
_PARQUET = b"PAR1"
_PIECE = 1 << 17  # compressed bytes inflated per chunk (about 1 MB of text)
_CHUNK = 1 << 20
_FILE_CHUNK = 4 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """A file resolved to one format; text formats come with their (raw) bytes."""

    path: Path
    file: str  # base name shown to users
    format: str  # "csv" | "xlsx" | "xls" | "parquet"
    text: TextStream  # raw text bytes for "csv" (loaded on demand), else empty
    complete: bool  # False when only the first bytes were loaded (preview)
    notes: tuple[str, ...]
    digest: ReadDigest | None = None  # hash of the file's bytes as read (text)


def open_source(path: str | Path, *, limit: int | None = None) -> Source:
    """Resolve `path` to a format; load (at most `limit` bytes of) its text."""
    path = Path(path)
    file = path.name
    check_regular_file(path)
    with path.open("rb") as handle:
        magic = handle.read(8)
    suffix = path.suffix.lower()
    kind = _kind_from_magic(path, magic)
    if kind is None:
        kind = _text_kind(path, suffix)
    notes: list[str] = []
    expected = _kind_from_suffix(suffix)
    if expected is not None and expected != kind:
        notes.append(
            f"{file} is really {_describe(kind)} despite its name; read it as one"
        )
    if kind == "xlsx":
        verify_archive(str(path), file)
    if kind in ("xlsx", "xls", "parquet"):
        return Source(path, file, kind, TextStream.of(b""), True, tuple(notes))
    digest = ReadDigest()
    if kind == "gz":
        chunks = _gunzip(path, file, digest)
    elif kind == "zip":
        chunks, note = _unzip(path, file)
        notes.append(note)  # zipfile reads the archive: digest stays unfinished
    else:
        chunks = _file_chunks(path, file, digest)
    text = TextStream(chunks, file)
    if limit is None:
        return Source(path, file, "csv", text, True, tuple(notes), digest)
    data = text.prefix(limit + 1)
    complete = len(data) <= limit
    data = data if complete else data[:limit]
    return Source(path, file, "csv", TextStream.of(data), complete, tuple(notes))


def reopen(source: Source) -> Source:
    """The same file opened again from its start, for a second reading."""
    return open_source(source.path)


def not_a_file_reason(path: Path) -> str | None:
    """Why `path` cannot be imported as a file (missing, a folder, a device), or
    None for a regular file. Never opens it: reading /dev/zero would not end."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "the file does not exist."
    except OSError as exc:
        return f"the file cannot be opened ({exc.strerror or exc})."
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file; choose a file inside it."
    if not stat.S_ISREG(mode):
        return (
            "this is not a regular file but a device, pipe or socket, so it "
            "cannot be imported; save the data to a file and import that."
        )
    return None


def check_regular_file(path: Path) -> None:
    """Refuse a path that is missing, a folder or a device, saying which."""
    reason = not_a_file_reason(path)
    if reason is not None:
        raise InputDataError(
            reason,
            file=path.name or str(path),
            hint="Check the path and choose the file again.",
        )


def _kind_from_magic(path: Path, magic: bytes) -> str | None:
    if magic.startswith(_OLE2):
        return "xls"
    if magic.startswith(_PARQUET):
        return "parquet"
    if magic.startswith(_GZIP):
        return "gz"
    if magic.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputDataError(
                f"the file looks like a ZIP archive but cannot be opened ({exc}).",
                file=path.name,
                hint="Download or export the file again.",
            ) from exc
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    return None


def _text_kind(path: Path, suffix: str) -> str:
    """A file without a binary signature: text, if its name allows it.

    Web apps often save CSV/TSV or HTML under an Excel name; text is read as CSV,
    a web page is refused with a hint.
    """
    if suffix in TEXT_SUFFIXES:
        return "csv"
    if suffix not in (".xls", ".xlsx", ".xlsm", ".parquet", ".pq"):
        raise InputDataError(
            f"'{suffix}' files are not a format Pushwise can read.",
            file=path.name,
            hint=f"Save the data as {SUPPORTED}.",
        )
    with path.open("rb") as handle:
        start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] == b"<":
        raise InputDataError(
            f"the file is named '{suffix}' but is a web page (HTML) or XML "
            "document, not a table file.",
            file=path.name,
            hint="Open it in Excel and save it as .xlsx, or export the data as CSV.",
        )
    return "csv"


def _kind_from_suffix(suffix: str) -> str | None:
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".xls", ".parquet", ".zip"):
        return suffix[1:]
    if suffix == ".pq":
        return "parquet"
    if suffix == ".gz":
        return "gz"
    return "csv" if suffix in TEXT_SUFFIXES and suffix else None


def _describe(kind: str) -> str:
    return {
        "xlsx": "an Excel workbook (.xlsx)",
        "xls": "an old Excel workbook (.xls)",
        "parquet": "a Parquet file",
        "gz": "a gzip-compressed file",
        "zip": "a ZIP archive",
        "csv": "a text (CSV) file",
    }[kind]


def unreadable(exc: OSError, file: str) -> InputDataError:
    """The error for a file the system would not let Pushwise read."""
    return InputDataError(
        f"the file cannot be read ({exc.strerror or exc}).",
        file=file,
        hint="Check that the file is not open elsewhere and that you may read it.",
    )


def _file_chunks(path: Path, file: str, digest: ReadDigest) -> Iterator[bytes]:
    """A plain file in chunks, so that parsing can start before it is all read."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_FILE_CHUNK):
                digest.update(chunk)
                yield chunk
            digest.finish()
    except OSError as exc:
        raise unreadable(exc, file) from exc


def _gunzip(path: Path, file: str, digest: ReadDigest) -> Iterator[bytes]:
    """Inflate a gzip file piece by piece (zlib is about twice gzip.decompress),
    at most _CHUNK bytes at a time, refusing a bomb as soon as it shows."""
    guard = ExpansionGuard(file, "the gzip-compressed data")
    # wbits 31: gzip framing; a new inflater for each member of a multi-member file.
    inflater = zlib.decompressobj(31)
    data = b""
    try:
        with path.open("rb") as handle:
            while True:
                if not data:
                    data = handle.read(_PIECE)
                    if not data:
                        break
                    digest.update(data)
                if inflater.eof:
                    inflater = zlib.decompressobj(31)
                chunk = inflater.decompress(data, _CHUNK)
                rest = (
                    inflater.unused_data if inflater.eof else inflater.unconsumed_tail
                )
                guard.add(compressed=len(data) - len(rest), expanded=len(chunk))
                data = rest
                if chunk:
                    yield chunk
            digest.finish()
        if not inflater.eof:
            chunk = inflater.flush()  # output held back by the size limit
            if chunk:
                guard.add(expanded=len(chunk))
                yield chunk
            if not inflater.eof:
                raise zlib.error("the compressed data ends early")
    except OSError as exc:
        raise unreadable(exc, file) from exc
    except zlib.error as exc:
        raise InputDataError(
            f"the gzip-compressed data is damaged ({exc}).",
            file=file,
            hint="Download or export the file again.",
        ) from exc


def _unzip(path: Path, file: str) -> tuple[Iterator[bytes], str]:
    """The one CSV inside a ZIP archive, as chunks; refuses none or several."""
    with zipfile.ZipFile(path) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and not info.filename.startswith("__MACOSX/")
            and not PurePosixPath(info.filename).name.startswith(".")
        ]
    tables = [
        info
        for info in members
        if PurePosixPath(info.filename).suffix.lower() in TEXT_SUFFIXES - {""}
    ]
    if len(tables) != 1:
        inside = ", ".join(info.filename for info in members) or "nothing"
        found = "no CSV file" if not tables else f"{len(tables)} CSV files"
        raise InputDataError(
            f"the ZIP archive holds {found} (inside: {inside}).",
            file=file,
            hint="Pushwise reads a ZIP with exactly one CSV; unpack it and "
            "choose the file to import.",
        )
    member = tables[0]
    check_archive(file, [member])  # what the archive declares, before inflating
    note = f"Read {member.filename} from inside {file}"
    return _member_chunks(path, member, file), note


def _member_chunks(path: Path, member: zipfile.ZipInfo, file: str) -> Iterator[bytes]:
    name = member.filename
    what = f"'{name}' inside the archive"
    guard = ExpansionGuard(file, what, member.compress_size)
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as handle:
            # zipfile stops at the declared size; counting guards the cap anyway.
            while chunk := handle.read(_CHUNK):
                guard.add(expanded=len(chunk))
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise InputDataError(
            f"'{name}' inside the ZIP archive cannot be unpacked ({exc}).",
            file=file,
            hint="Unpack the archive yourself and import the CSV.",
        ) from exc
