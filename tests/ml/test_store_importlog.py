"""The import log (what was imported, what was rejected) and remembered mappings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ml.columns import Kind
from ml.errors import Cancelled
from ml.store import ImportRecord, Project


def _record(import_id: int, **changes: object) -> ImportRecord:
    record = ImportRecord(
        import_id=import_id,
        file_name="orders.csv",
        file_path="/home/anna/exports/orders.csv",
        content_hash="3f2a9c",
        size_bytes=48_213,
        kind=Kind.ORDERS,
        imported_at=datetime(2024, 5, 1, 9, 30, 15),
        mapping_json='{"kind": "orders", "matches": []}',
        read_info={
            "file": "orders.csv",
            "format": "csv",
            "encoding": "cp1252",
            "delimiter": ";",
            "sheet": None,
            "header_line": 3,
            "notes": ["Skipped 2 report header lines."],
            "skipped_lines": [1, 2],
        },
        rows_read=1_204,
        rows_imported=1_190,
        rows_returns=9,
        rows_rejected=5,
        reasons={"bad_date": 3, "missing_offering": 2},
        notes=("Skipped 2 report header lines.", "Dates are day-first (31/12/2024)."),
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.create(tmp_path / "shop.pushwise") as project:
        yield project


def test_a_new_project_starts_at_import_1(project: Project) -> None:
    assert project.next_import_id() == 1
    assert project.imports() == []
    assert project.find_import("3f2a9c", "orders") is None


def test_import_record_round_trips(project: Project, tmp_path: Path) -> None:
    record = _record(project.next_import_id())
    with project.transaction():
        project.add_import(record)
    project.close()
    with Project.open(tmp_path / "shop.pushwise") as reopened:
        assert reopened.imports() == [record]
        found = reopened.find_import("3f2a9c", Kind.ORDERS)
        assert found == record
        assert found is not None
        assert found.kind == "orders"
        assert found.read_info["skipped_lines"] == [1, 2]
        assert reopened.next_import_id() == 2


def test_find_import_matches_bytes_and_kind(project: Project) -> None:
    project.add_import(_record(1))
    project.add_import(_record(2, content_hash="77aa01"))
    project.add_import(_record(3, kind="feedback"))  # same bytes as another kind
    project.add_import(_record(4, imported_at=datetime(2024, 6, 1)))
    found = project.find_import("3f2a9c", "orders")
    assert found is not None and found.import_id == 4  # the latest
    feedback = project.find_import("3f2a9c", "feedback")
    assert feedback is not None and feedback.import_id == 3
    assert project.find_import("77aa01", "feedback") is None
    assert [r.import_id for r in project.imports()] == [1, 2, 3, 4]
    assert project.next_import_id() == 5


def test_an_import_logged_in_a_cancelled_transaction_is_not_kept(
    project: Project,
) -> None:
    with pytest.raises(Cancelled), project.transaction():
        project.add_import(_record(project.next_import_id()))
        raise Cancelled
    assert project.imports() == []
    assert project.next_import_id() == 1


def test_an_aware_import_time_is_kept_as_local_time(project: Project) -> None:
    moment = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    project.add_import(_record(1, imported_at=moment))
    stored = project.imports()[0].imported_at
    assert stored.tzinfo is None
    assert stored == moment.astimezone().replace(tzinfo=None)


def test_rejects_lists_the_rejected_rows_of_one_import(project: Project) -> None:
    project.con.execute(
        """
        INSERT INTO rejects VALUES
        (1, 118, 'Order date', '31/02/2024', 'bad_date',
         'orders.csv, row 118, column ''Order date'': ''31/02/2024'' is not a date.'),
        (1, 7, NULL, 'a;b;c', 'wrong_field_count',
         'orders.csv, row 7: 3 fields where the header has 8.'),
        (2, 5, 'Rating', 'great', 'bad_rating', 'reviews.csv, row 5: ...')
        """
    )
    frame = project.rejects(1)
    assert list(frame.columns) == [
        "line",
        "column_name",
        "value",
        "reason_code",
        "message",
    ]
    assert frame["line"].tolist() == [7, 118]
    assert frame["reason_code"].tolist() == ["wrong_field_count", "bad_date"]
    assert frame["column_name"].isna().tolist() == [True, False]
    assert "31/02/2024" in frame["message"].iloc[1]


def test_rejects_of_a_clean_import_is_empty_with_its_columns(project: Project) -> None:
    frame = project.rejects(1)
    assert frame.empty
    assert list(frame.columns) == [
        "line",
        "column_name",
        "value",
        "reason_code",
        "message",
    ]


def test_mapping_is_remembered_per_layout_and_kind(
    project: Project, tmp_path: Path
) -> None:
    assert project.saved_mapping("sig-1", "orders") is None
    project.save_mapping("sig-1", Kind.ORDERS, '{"v": 1}')
    project.save_mapping("sig-1", "feedback", '{"v": "feedback"}')
    project.save_mapping("sig-2", "orders", '{"v": "other layout"}')
    project.close()
    with Project.open(tmp_path / "shop.pushwise") as reopened:
        assert reopened.saved_mapping("sig-1", "orders") == '{"v": 1}'
        assert reopened.saved_mapping("sig-1", Kind.FEEDBACK) == '{"v": "feedback"}'
        assert reopened.saved_mapping("sig-2", "orders") == '{"v": "other layout"}'
        assert reopened.saved_mapping("sig-3", "orders") is None


def test_saving_a_mapping_again_replaces_it(project: Project) -> None:
    project.save_mapping("sig-1", "orders", '{"v": 1}')
    with project.transaction():
        project.save_mapping("sig-1", "orders", '{"v": 2}')
        project.save_mapping("sig-1", "orders", '{"v": 3}')
    assert project.saved_mapping("sig-1", "orders") == '{"v": 3}'
    count = project.con.execute("SELECT count(*) FROM mappings").fetchone()
    assert count == (1,)


def test_a_mapping_saved_in_a_failed_import_is_not_kept(project: Project) -> None:
    project.save_mapping("sig-1", "orders", '{"v": 1}')
    with pytest.raises(ValueError), project.transaction():
        project.save_mapping("sig-1", "orders", '{"v": 2}')
        raise ValueError("import failed")
    assert project.saved_mapping("sig-1", "orders") == '{"v": 1}'
