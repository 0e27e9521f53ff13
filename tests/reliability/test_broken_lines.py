"""One broken line costs that line, not the file: a NUL byte in a value, or a
quote that is never closed, is left out with its reason and line number, the
rest is imported, and every line is accounted for. Real binary files are
still refused whole."""

from __future__ import annotations

import gzip
import random
import zlib
from pathlib import Path

import pyarrow.compute as pc
import pytest

from ml.cli import main as cli
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.reading import read_preview, read_table, text
from ml.store.project import Project

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID"


def _line(number: int) -> str:
    return (
        f"{536000 + number},{85000 + number},MUG NUMBER {number},{number % 5 + 1},"
        f"2010-12-{number % 28 + 1:02d} 08:26,{number % 7 + 1}.55,{17000 + number}"
    )


def _orders(lines: int, broken: dict[int, str]) -> str:
    """A CSV of `lines` physical lines (header on line 1); `broken` replaces
    the given lines."""
    rows = [HEADER] + [_line(n) for n in range(2, lines + 1)]
    for number, replacement in broken.items():
        rows[number - 1] = replacement
    return "\n".join(rows) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.open(tmp_path / "shop.pushwise", create=True) as opened:
        yield opened


def _rejects(project: Project, import_id: int) -> list[tuple[int, str]]:
    frame = project.rejects(import_id)
    return list(zip(frame["line"].tolist(), frame["reason_code"].tolist(), strict=True))


def test_nul_byte_in_a_value_leaves_out_that_line_only(
    tmp_path: Path, project: Project
) -> None:
    nul_line = _line(20).replace("MUG NUMBER 20", "MUG\x00NUMBER 20")
    path = tmp_path / "orders.csv"
    path.write_text(_orders(40, {20: nul_line}), encoding="utf-8")

    report = import_file(project, path)

    assert report.rows_read == 39  # 40 lines, one of them the header
    assert report.rows_imported == 38
    assert report.rows_rejected == 1
    assert report.reasons == {"nul_byte": 1}
    assert _rejects(project, report.import_id) == [(20, "nul_byte")]
    message = project.rejects(report.import_id)["message"].iloc[0]
    assert message.startswith("orders.csv, row 20, column 'Description': this line ")
    assert "NUL byte" in message
    assert "Left out 1 line holding a NUL byte (binary data) (line 20)" in " ".join(
        report.read_info.notes
    )


def test_unclosed_quote_leaves_out_that_line_and_reads_on(
    tmp_path: Path, project: Project
) -> None:
    broken = _line(10).replace("MUG NUMBER 10", '"MUG NUMBER 10')
    path = tmp_path / "orders.csv"
    path.write_text(_orders(42, {10: broken}), encoding="utf-8")

    report = import_file(project, path)

    assert report.rows_read == 41
    assert report.rows_imported == 40
    assert report.reasons == {"unclosed_quote": 1}
    assert _rejects(project, report.import_id) == [(10, "unclosed_quote")]
    lines = project.con.execute("SELECT min(line), max(line) FROM orders").fetchone()
    assert lines == (2, 42)


def test_several_broken_lines_and_ragged_ones_keep_exact_accounting(
    tmp_path: Path,
) -> None:
    path = tmp_path / "orders.csv"
    broken = {
        5: _line(5) + ",",
        9: _line(9) + ",extra",
        12: _line(12).replace("MUG", "M\x00UG"),
        30: _line(30).replace("MUG", '"MUG'),
    }
    path.write_text(_orders(42, broken), encoding="utf-8")
    raw = read_table(path)
    bad = [(b.line, b.reason_code) for b in raw.bad_lines]
    assert bad == [
        (5, "wrong_field_count"),
        (9, "wrong_field_count"),
        (12, "nul_byte"),
        (30, "unclosed_quote"),
    ]
    lines = raw.table.column("__line__").to_pylist()
    assert lines == [n for n in range(2, 43) if n not in broken]
    assert raw.table.num_rows + len(raw.bad_lines) == 41
    preview = read_preview(path, rows=200)
    assert [(b.line, b.reason_code) for b in preview.bad_lines] == bad


def test_cli_imports_the_rest_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(_orders(42, {10: _line(10).replace("MUG", '"MUG')}))
    project = tmp_path / "shop.pushwise"
    assert cli(["import", str(path), "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "unclosed_quote" in out


def _png() -> bytes:
    pixels = random.Random(3).randbytes(30_000)
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + zlib.compress(pixels)


def test_real_binary_files_are_still_refused(tmp_path: Path) -> None:
    png = tmp_path / "orders.csv"
    png.write_bytes(_png())
    with pytest.raises(InputDataError, match="the file is not a text table"):
        read_table(png)
    with Project.open(tmp_path / "other.pushwise", create=True):
        pass
    disguised = tmp_path / "orders2.csv"
    disguised.write_bytes((tmp_path / "other.pushwise").read_bytes())
    with pytest.raises(InputDataError, match="the file is not a text table"):
        read_table(disguised)
    with pytest.raises(InputDataError, match="not a format Pushwise can read"):
        read_table(tmp_path / "other.pushwise")


@pytest.mark.parametrize("compressed", [False, True])
def test_streamed_read_equals_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compressed: bool
) -> None:
    """Ragged, blank and trailing blank lines, a NUL byte and an open quote in a
    file long enough to be parsed while it streams: the same rows, lines and
    bad lines as the whole-text path."""
    broken = {
        70: _line(70) + ",extra",
        90: "",
        91: ",,,,,,",
        120: _line(120)[:20],
        150: "   ",
    }
    body = _orders(300, broken) + "\n\n"
    variants = {
        "plain": body,
        "nul": body.replace("MUG NUMBER 200", "MUG\x00200"),
        "quote": body.replace("MUG NUMBER 250", '"MUG NUMBER 250'),
    }
    for name, content in variants.items():
        path = tmp_path / f"{name}.csv"
        data = content.encode()
        if compressed:
            path = path.with_suffix(".csv.gz")
            data = gzip.compress(data)
        path.write_bytes(data)
        streamed = read_table(path)
        with monkeypatch.context() as patch:
            patch.setattr(text, "_read_while_loading", lambda *args: None)
            careful = read_table(path)
        assert streamed.table.equals(careful.table), name
        assert streamed.bad_lines == careful.bad_lines, name
        assert streamed.info == careful.info, name
        lines = streamed.table.num_rows + len(streamed.bad_lines)
        assert lines + len(streamed.info.skipped_lines) == 302 - 1, name


def test_file_that_turns_out_not_utf8_midway_is_read_again(tmp_path: Path) -> None:
    """Streaming stops at a Windows-1252 byte far past the first 64 KB; the
    file is read again from the start as Windows-1252, all of it."""
    path = tmp_path / "orders.csv"
    content = _orders(3_000, {2_500: _line(2_500).replace("MUG", "CAF\xc9 MUG")})
    path.write_bytes(content.encode("cp1252"))
    raw = read_table(path)
    assert raw.info.encoding == "cp1252"
    assert raw.table.num_rows == 2_999
    assert raw.bad_lines == ()
    row = raw.table.filter(pc.equal(raw.table.column("__line__"), 2_500))
    assert row.column("Description").to_pylist() == ["CAFÉ MUG NUMBER 2500"]
