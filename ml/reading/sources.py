"""Find out what a file is (first bytes, then name) and load its text bytes."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ml.errors import InputDataError
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


def open_source(path: str | Path, *, limit: int | None = None) -> Source:
    """Resolve `path` to a format; load (at most `limit` bytes of) its text."""
    path = Path(path)
    file = path.name
    if not path.is_file():
        raise InputDataError(
            "the file does not exist or is not a file.",
            file=file,
            hint="Check the path and choose the file again.",
        )
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
    if kind in ("xlsx", "xls", "parquet"):
        return Source(path, file, kind, TextStream.of(b""), True, tuple(notes))
    if kind == "gz":
        chunks = _gunzip(path.read_bytes(), file)
    elif kind == "zip":
        chunks, note = _unzip(path, file)
        notes.append(note)
    else:
        chunks = _file_chunks(path, file)
    text = TextStream(chunks, file)
    if limit is None:
        return Source(path, file, "csv", text, True, tuple(notes))
    data = text.prefix(limit + 1)
    complete = len(data) <= limit
    data = data if complete else data[:limit]
    return Source(path, file, "csv", TextStream.of(data), complete, tuple(notes))


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


def _file_chunks(path: Path, file: str) -> Iterator[bytes]:
    """A plain file in chunks, so that parsing can start before it is all read."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_FILE_CHUNK):
                yield chunk
    except OSError as exc:
        raise InputDataError(
            f"the file cannot be read ({exc.strerror or exc}).",
            file=file,
            hint="Check that the file is not open elsewhere and that you may read it.",
        ) from exc


def _gunzip(raw: bytes, file: str) -> Iterator[bytes]:
    """Inflate gzip data piece by piece (zlib is about twice gzip.decompress)."""
    view = memoryview(raw)
    pos = 0
    try:
        while pos < len(raw):
            # wbits 31: gzip framing; loop for files made of several gzip members.
            inflater = zlib.decompressobj(31)
            while not inflater.eof and pos < len(raw):
                piece = view[pos : pos + _PIECE]
                pos += len(piece)
                chunk = inflater.decompress(piece)
                if chunk:
                    yield chunk
            if not inflater.eof:
                raise zlib.error("the compressed data ends early")
            pos -= len(inflater.unused_data)
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
    name = tables[0].filename
    return _member_chunks(path, name, file), f"Read {name} from inside {file}"


def _member_chunks(path: Path, name: str, file: str) -> Iterator[bytes]:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise InputDataError(
            f"'{name}' inside the ZIP archive cannot be unpacked ({exc}).",
            file=file,
            hint="Unpack the archive yourself and import the CSV.",
        ) from exc
