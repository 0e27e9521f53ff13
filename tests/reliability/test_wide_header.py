"""A file with a huge header (100,000 columns) is refused with a plain message
before any header is matched, instead of taking minutes and gigabytes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ml.cli import main
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.mapping import apply_saved, infer_mapping
from ml.mapping.width import MAX_COLUMNS
from ml.store.project import Project

COLUMNS = ["order_id", "customer_id", "product_id", "order_date", "quantity"]
VALUES = ["1", "c1", "p1", "2024-01-05", "2"]


def _wide_file(folder: Path, width: int, rows: int = 2) -> Path:
    extra = width - len(COLUMNS)
    header = COLUMNS + [f"extra_{i}" for i in range(extra)]
    line = ",".join(VALUES + ["x"] * extra)
    path = folder / f"wide{width}.csv"
    path.write_text(",".join(header) + "\n" + f"{line}\n" * rows, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


@pytest.fixture
def no_header_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any header is matched against the synonyms."""

    def refuse(*_: object) -> tuple[float, int]:
        raise AssertionError("headers were matched although the file is refused")

    monkeypatch.setattr("ml.mapping.headers.phrase_match", refuse)


def test_one_column_over_the_limit_is_refused_before_matching(
    project: Project, tmp_path: Path, no_header_matching: None
) -> None:
    path = _wide_file(tmp_path, MAX_COLUMNS + 1)
    with pytest.raises(InputDataError) as raised:
        import_file(project, path)
    assert raised.value.message == (
        "the file has 1,001 columns; an order, feedback, offering or customer "
        "export has a few dozen (Pushwise maps at most 1,000). Check that this is "
        "the right file, or export only the columns you need."
    )
    assert project.imports() == []


def test_every_mapping_entry_refuses_a_too_wide_header(no_header_matching: None):
    headers = COLUMNS + [f"extra_{i}" for i in range(MAX_COLUMNS)]
    with pytest.raises(InputDataError, match="1,005 columns"):
        infer_mapping(headers, {}, "orders")
    with pytest.raises(InputDataError, match="1,005 columns"):
        apply_saved("{}", headers, "orders")


@pytest.mark.slow
def test_a_file_at_the_limit_is_still_mapped(project: Project, tmp_path: Path):
    report = import_file(project, _wide_file(tmp_path, MAX_COLUMNS))
    assert report.rows_imported == 1
    assert [m.source for m in report.mapping.matches if m.source] == [
        "customer_id",
        "product_id",
        "order_date",
        "quantity",
        "order_id",
    ]


@pytest.mark.slow
def test_a_very_wide_file_gives_one_plain_line_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's 100,000 columns took 145 s to map; 20,000 make the point."""
    path = _wide_file(tmp_path, 20_000, rows=1)
    target = tmp_path / "p.pushwise"
    assert main(["import", "--project", str(target), str(path)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("pushwise: the file has 20,000 columns;")
    assert err.count("\n") == 1
