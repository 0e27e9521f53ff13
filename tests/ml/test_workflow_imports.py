"""The import use case (ml.workflows.imports): what the wizard, the window and
`pushwise import` ask of the engine, on a real Online Retail slice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.cli import main
from ml.importing.report import REASON_TEXT
from ml.mapping.mapping import ColumnMapping
from ml.store.project import Project
from ml.workflows.imports import (
    PREVIEW_ROWS,
    REJECT_COLUMNS,
    ImportRequest,
    file_sheets,
    import_files,
    preview_rows,
    propose_mapping,
    read_preview,
    rejects_frame,
    run_import,
)
from tests.conftest import ROOT

SLICE = ROOT / "tests" / "data" / "reading" / "online_retail_head.csv"
SLICE_ROWS = 449  # data rows of the slice (its lines 2-450)


@pytest.fixture
def orders_with_faults(tmp_path: Path) -> Path:
    """The real slice with two faults a real export has: line 451 repeats line 6
    exactly, line 452 is line 4 with a day that does not exist."""
    lines = SLICE.read_bytes().splitlines(keepends=True)
    bad_day = lines[3].replace(b"2010-12-01 08:26:00", b"2010-12-32 08:26:00")
    assert bad_day != lines[3]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"".join(lines) + lines[5] + bad_day)
    return path


def test_the_proposed_mapping_imports_and_the_rejects_come_back_in_words(
    orders_with_faults: Path, tmp_path: Path
) -> None:
    raw = read_preview(orders_with_faults, rows=PREVIEW_ROWS)
    assert file_sheets(orders_with_faults) == []
    proposal = propose_mapping(None, raw)
    assert str(proposal.detected_kind) == "orders"
    assert proposal.mapping.missing_required() == ()
    preview = preview_rows(raw, proposal.mapping)
    assert preview.problem is None and preview.rejected == 0  # faults are past it

    with Project.create(tmp_path / "p.pushwise") as project:
        outcome = run_import(
            project, ImportRequest(orders_with_faults, proposal.mapping)
        )
        report = outcome.report
        assert report.rows_read == SLICE_ROWS + 2
        assert report.rows_rejected == 2
        assert report.rows_imported + report.rows_returns == SLICE_ROWS
        assert report.import_id is not None
        # The wizard's report table and its CSV export: one row per reject,
        # in file order, the reason in words beside its code.
        rejects = outcome.rejects
        assert tuple(rejects.columns) == REJECT_COLUMNS
        assert rejects["file"].tolist() == ["orders.csv", "orders.csv"]
        assert rejects["line"].tolist() == [451, 452]
        assert rejects["reason_code"].tolist() == ["duplicate_line", "bad_date"]
        assert rejects["reason"].tolist() == [
            REASON_TEXT["duplicate_line"],
            REASON_TEXT["bad_date"],
        ]
        assert rejects["column"].tolist()[1] == "InvoiceDate"
        assert rejects["value"].tolist()[1] == "2010-12-32 08:26:00"
        assert (
            rejects["message"]
            .tolist()[1]
            .startswith(
                "orders.csv, row 452, column 'InvoiceDate': '2010-12-32 08:26:00' "
                "is not a date."
            )
        )
        # The Data page's import history reads the same rows back.
        stored = rejects_frame(project.rejects(report.import_id), report.file)
        pd.testing.assert_frame_equal(stored, rejects)
        # The next file of this layout gets the mapping the import used.
        again = propose_mapping(project, raw)
        assert again.saved
        assert _sources(again.mapping) == _sources(proposal.mapping)


def test_pushwise_import_writes_the_rejects_the_wizard_shows(
    orders_with_faults: Path, tmp_path: Path
) -> None:
    project = tmp_path / "cli.pushwise"
    assert main(["import", str(orders_with_faults), "--project", str(project)]) == 0
    written = pd.read_csv(tmp_path / "cli-import1-rejects.csv", dtype=str)
    with Project.create(tmp_path / "wizard.pushwise") as wizard:
        shown = run_import(wizard, ImportRequest(orders_with_faults)).rejects
    assert tuple(written.columns) == REJECT_COLUMNS
    expected = shown.fillna("").astype(str)
    assert written.fillna("").to_dict("records") == expected.to_dict("records")


def test_import_files_shares_the_progress_and_imports_each_file(
    tmp_path: Path,
) -> None:
    seen: list[float] = []
    with Project.create(tmp_path / "p.pushwise") as project:
        reports = import_files(
            project,
            [SLICE, SLICE.with_name("online_retail_pound.csv")],
            report=lambda fraction, message: seen.append(fraction),
        )
        assert [r.rows_read for r in reports] == [SLICE_ROWS, 32]
        assert len(project.imports()) == 2
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert any(0.4 < fraction < 0.6 for fraction in seen)  # the second file's start


def _sources(mapping: ColumnMapping) -> dict[str, str | None]:
    return {match.canonical: match.source for match in mapping.matches}
