"""A file that changes while it is imported (an export still being written, a
copy still running) is refused whole, and the complete file imports later."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import ml.importing.importer as importer
import ml.reading.sources as sources
from ml.cli import main as cli
from tests.reliability.faults import import_ids, make_orders_csv, order_count

CHANGED = "the file changed while it was being imported; nothing was imported."


def _base_project(tmp_path: Path) -> tuple[Path, Path, int]:
    """A project with one earlier import (and its order count), and a second
    orders file to import."""
    (tmp_path / "first").mkdir()
    first = make_orders_csv(tmp_path / "first", lines=300)
    project = tmp_path / "shop.pushwise"
    assert cli(["import", str(first), "--project", str(project)]) == 0
    orders = make_orders_csv(tmp_path, lines=3_000)
    return project, orders, order_count(project)


def _assert_refused_then_imports(
    project: Path,
    orders: Path,
    before: int,
    outcome: tuple[int, str],
    restore: Callable[[], None],
) -> None:
    code, err = outcome
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert f"orders.csv: {CHANGED}" in lines[0]
    assert "Wait until the file is completely written" in lines[0]
    assert "Traceback" not in err
    assert import_ids(project) == [1]
    assert order_count(project) == before
    restore()
    assert cli(["import", str(orders), "--project", str(project)]) == 0
    assert import_ids(project) == [1, 2]
    assert order_count(project) > before


@pytest.mark.parametrize("change", ["truncate", "append"])
def test_file_changed_after_hashing_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: str,
) -> None:
    project, orders, before = _base_project(tmp_path)
    complete = orders.read_bytes()
    real_read = importer.read_table

    def read_after_change(path: Path, **kwargs: object) -> object:
        # The export tool rewrites the file between the hash and the read.
        if change == "truncate":
            orders.write_bytes(complete[: len(complete) // 10])
        else:
            orders.write_bytes(complete + complete[-200:])
        return real_read(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "read_table", read_after_change)
    capsys.readouterr()
    code = cli(["import", str(orders), "--project", str(project)])
    err = capsys.readouterr().err
    monkeypatch.setattr(importer, "read_table", real_read)
    _assert_refused_then_imports(
        project, orders, before, (code, err), lambda: orders.write_bytes(complete)
    )


def test_file_growing_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project, orders, before = _base_project(tmp_path)
    complete = orders.read_bytes()
    real_chunks = sources._file_chunks

    def chunks_while_writing(*args: object) -> Iterator[bytes]:
        # After the reader took the first block, the writer adds more lines.
        read = real_chunks(*args)  # type: ignore[arg-type]
        yield next(read)
        with orders.open("ab") as handle:
            handle.write(complete[-5_000:])
        yield from read

    monkeypatch.setattr(sources, "_FILE_CHUNK", 16 << 10)
    monkeypatch.setattr(sources, "_file_chunks", chunks_while_writing)
    capsys.readouterr()
    code = cli(["import", str(orders), "--project", str(project)])
    err = capsys.readouterr().err
    monkeypatch.undo()
    _assert_refused_then_imports(
        project, orders, before, (code, err), lambda: orders.write_bytes(complete)
    )
