"""Decompression bombs (.gz, .zip, .xlsx; honest and lying archive headers)
are refused within seconds, with one line, the project unchanged and the
import's peak memory under 500 MB.

The bombs are built in tmp_path without ever holding their expanded data: a
deflate segment ending in a full flush is a self-contained run of blocks, so
repeating it N times on disk is valid data for N copies of its text (and a gzip
file may be several gzip files one after the other)."""

from __future__ import annotations

import gzip
import struct
import time
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ml.errors import InputDataError
from ml.reading import limits, read_table, sources, stream
from ml.reading.limits import ExpansionGuard
from tests.reliability.faults import import_ids, make_orders_csv, make_project, run_cli

MIB = 1 << 20
PEAK_RSS_LIMIT_KB = 500 * 1024
HEADER = b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
LINE = (
    b"536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26,2.55,17850\n"
)
BOMB = "It looks like a decompression bomb, so nothing was imported."


def _block(line: bytes, size: int = MIB) -> bytes:
    return line * (size // len(line))  # whole lines, about `size`


def _deflate_segment(data: bytes) -> bytes:
    """Raw deflate blocks for `data` that reference nothing before them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


_FINAL = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def write_gzip_bomb(path: Path, expanded: int) -> Path:
    """A .csv.gz of the header and `expanded` bytes of one repeated order line."""
    block = _block(LINE, 16 * MIB)
    member = gzip.compress(block, compresslevel=9, mtime=0)
    with path.open("wb") as handle:
        handle.write(gzip.compress(HEADER + block, compresslevel=9, mtime=0))
        for _ in range(expanded // len(block) - 1):
            handle.write(member)
    return path


def _write_zip(path: Path, members: list[tuple[str, list[bytes], int, int]]) -> None:
    """A ZIP of deflated members given as (name, deflate parts, crc, size to
    declare); the parts are written as they come."""
    central = b""
    with path.open("wb") as handle:
        for name, parts, crc, declared in members:
            offset = handle.tell()
            raw = name.encode()
            compressed = sum(len(part) for part in parts)
            fields = (20, 0, 8, 0, 0x21, crc, compressed, declared, len(raw), 0)
            handle.write(struct.pack("<I5H3I2H", 0x04034B50, *fields) + raw)
            for part in parts:
                handle.write(part)
            central += (
                struct.pack("<I6H3I5H2I", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset)
                + raw
            )
        start = handle.tell()
        count = len(members)
        handle.write(central)
        end = struct.pack(
            "<I4H2IH", 0x06054B50, 0, 0, count, count, len(central), start, 0
        )
        handle.write(end)


def _deflated(data: bytes) -> tuple[list[bytes], int, int]:
    return [_deflate_segment(data), _FINAL], zlib.crc32(data), len(data)


def _huge(
    text: bytes, copies: int, head: bytes = b"", tail: bytes = b""
) -> list[bytes]:
    segment = _deflate_segment(text)
    return [_deflate_segment(head), *[segment] * copies, _deflate_segment(tail), _FINAL]


def write_zip_bomb(path: Path, *, lie: bool) -> Path:
    """A .zip with one CSV of about 4 GiB (4095 MiB); `lie`: its header says 1 MiB."""
    block = _block(LINE)
    copies = 4095
    parts = _huge(block, copies, head=HEADER)
    declared = MIB if lie else len(HEADER) + copies * len(block)
    crc = zlib.crc32(HEADER + block) if lie else 0
    _write_zip(path, [("orders.csv", parts, crc, declared)])
    return path


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row><c t="inlineStr"><is><t>InvoiceNo</t></is></c>'
    b'<c t="inlineStr"><is><t>Quantity</t></is></c></row>'
)
_SHEET_ROW = b'<row><c t="inlineStr"><is><t>536365</t></is></c><c><v>6</v></c></row>'
_SHEET_TAIL = b"</sheetData></worksheet>"
_XLSX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/content-types"><Default '
    b'Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
    b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    b'name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    b'sheet1.xml"/></Relationships>',
}


def write_xlsx(path: Path, rows: int, *, lie: bool = False) -> Path:
    """An .xlsx whose sheet holds `rows` copies of one row (about 1 MiB of XML
    per 14,000 rows); `lie`: the archive says the sheet XML is 1 MiB."""
    per_block = MIB // len(_SHEET_ROW)
    block = _SHEET_ROW * per_block
    copies, rest = divmod(rows, per_block)
    parts = _huge(block, copies, head=_SHEET_HEAD, tail=_SHEET_ROW * rest + _SHEET_TAIL)
    size = len(_SHEET_HEAD) + copies * len(block) + rest * len(_SHEET_ROW)
    size += len(_SHEET_TAIL)
    crc = 0
    if not lie and size < 64 * MIB:  # small enough to check the CRC of
        crc = zlib.crc32(_SHEET_HEAD + block * copies + _SHEET_ROW * rest + _SHEET_TAIL)
    members = [(name, *_deflated(data)) for name, data in _XLSX_PARTS.items()]
    members.append(("xl/worksheets/sheet1.xml", parts, crc, MIB if lie else size))
    _write_zip(path, members)
    return path


def _run_import(tmp_path: Path, target: Path) -> tuple[int, str, int, float]:
    """`pushwise import TARGET` in a child: exit code, stderr, peak RSS (KB) and
    seconds, into a project that already holds one import."""
    project = make_project(tmp_path, make_orders_csv(tmp_path, lines=200))
    peak = tmp_path / "peak.txt"
    # VmHWM: this process's own peak; ru_maxrss would count the forked parent.
    prelude = (
        "import atexit, re\n"
        "def _peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)\n"
        f"atexit.register(lambda: open({str(peak)!r}, 'w').write(_peak()))"
    )
    started = time.perf_counter()
    done = run_cli(["import", str(target), "--project", str(project)], prelude=prelude)
    seconds = time.perf_counter() - started
    assert import_ids(project) == [1]  # the project is unchanged
    return done.returncode, done.stderr, int(peak.read_text()), seconds


def _assert_refused(outcome: tuple[int, str, int, float], name: str) -> None:
    code, err, peak_kb, seconds = outcome
    assert code == 3, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"pushwise: {name}: ")
    assert "Traceback" not in err
    assert peak_kb < PEAK_RSS_LIMIT_KB, f"peak RSS {peak_kb // 1024} MB"
    assert seconds < 30


@pytest.mark.slow
def test_gzip_bomb_is_refused_early(tmp_path: Path) -> None:
    bomb = write_gzip_bomb(tmp_path / "orders.csv.gz", 1 << 30)
    assert bomb.stat().st_size < 4 * MIB
    outcome = _run_import(tmp_path, bomb)
    _assert_refused(outcome, "orders.csv.gz")
    assert "the gzip-compressed data expands to more than 64 MB" in outcome[1]
    assert BOMB in outcome[1]


@pytest.mark.slow
@pytest.mark.parametrize("lie", [False, True])
def test_zip_bomb_is_refused_early(tmp_path: Path, lie: bool) -> None:
    bomb = write_zip_bomb(tmp_path / "orders.zip", lie=lie)
    assert bomb.stat().st_size < 16 * MIB
    outcome = _run_import(tmp_path, bomb)
    _assert_refused(outcome, "orders.zip")
    if lie:  # zipfile stops at the declared size, where the checksum fails
        assert "'orders.csv' inside the ZIP archive cannot be unpacked" in outcome[1]
    else:
        assert (
            "'orders.csv' inside the archive says it expands to 4.0 GB" in (outcome[1])
        )


@pytest.mark.slow
@pytest.mark.parametrize("lie", [False, True])
def test_xlsx_bomb_is_refused_early(tmp_path: Path, lie: bool) -> None:
    bomb = write_xlsx(tmp_path / "orders.xlsx", rows=40_000_000, lie=lie)
    assert bomb.stat().st_size < 16 * MIB
    outcome = _run_import(tmp_path, bomb)
    _assert_refused(outcome, "orders.xlsx")
    if lie:  # stopped one chunk past the size it declares
        assert "holds more data than the archive says" in outcome[1]
    else:
        assert "'xl/worksheets/sheet1.xml' inside the archive says it" in outcome[1]


def test_small_workbook_of_the_same_shape_reads(tmp_path: Path) -> None:
    raw = read_table(write_xlsx(tmp_path / "small.xlsx", rows=100))
    assert raw.table.num_rows == 100
    assert raw.headers == ["InvoiceNo", "Quantity"]


def test_guard_allows_small_files_and_real_ratios() -> None:
    guard = ExpansionGuard("a.csv.gz", "the data")
    guard.add(compressed=1000, expanded=limits.FREE_BYTES)  # tiny but repetitive
    guard = ExpansionGuard("b.csv.gz", "the data")
    guard.add(compressed=100 * MIB, expanded=1500 * MIB)  # 15x, a real export
    with pytest.raises(InputDataError, match="over 100 times its compressed size"):
        guard.add(compressed=0, expanded=10_000 * MIB)


def test_reader_never_holds_the_whole_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clean file is parsed while it streams: the text held at any moment
    stays at a few chunks, whatever the file's size (was: all of it)."""
    chunk = 256 << 10
    monkeypatch.setattr(sources, "_FILE_CHUNK", chunk)
    held: list[int] = []
    real_load = stream.TextStream._load_one

    def load_and_measure(self: stream.TextStream) -> bool:
        loaded = real_load(self)
        held.append(sum(len(part) for part in self._kept if part is not None))
        return loaded

    monkeypatch.setattr(stream.TextStream, "_load_one", load_and_measure)
    path = tmp_path / "orders.csv"
    with path.open("wb") as handle:
        handle.write(HEADER)
        for number in range(250_000):  # about 20 MB, 80 chunks
            handle.write(LINE.replace(b"536365", str(number).encode()))
    raw = read_table(path)
    assert raw.table.num_rows == 250_000
    assert max(held) <= 10 * chunk < path.stat().st_size // 5


def test_parquet_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    """50 million copies of one value fit in a few hundred KB of Parquet."""
    path = tmp_path / "orders.parquet"
    batch = pa.table({"Quantity": pa.array([6] * 2_000_000, pa.int8())})
    with pq.ParquetWriter(path, batch.schema) as writer:
        for _ in range(25):
            writer.write_table(batch)
    assert path.stat().st_size < MIB
    with pytest.raises(InputDataError, match=BOMB):
        read_table(path)


def test_large_binary_file_is_refused_from_its_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 64 MB binary file named .csv (a video, a database) is refused from its
    first bytes, without loading the rest into memory."""
    held: list[int] = []
    real_load = stream.TextStream._load_one

    def load_and_measure(self: stream.TextStream) -> bool:
        loaded = real_load(self)
        held.append(sum(len(part) for part in self._kept if part is not None))
        return loaded

    monkeypatch.setattr(stream.TextStream, "_load_one", load_and_measure)
    path = tmp_path / "orders.csv"
    noise = bytes(range(256)) * (MIB // 256)
    with path.open("wb") as handle:
        for _ in range(64):
            handle.write(noise)
    with pytest.raises(InputDataError, match="the file is not a text table"):
        read_table(path)
    assert max(held) <= 8 * MIB
