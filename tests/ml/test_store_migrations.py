"""Old project files keep opening: stored old projects and the upgrade machinery."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ml.errors import ProjectError
from ml.store import Project, migrations, schema

PROJECTS = Path(__file__).resolve().parents[1] / "data" / "projects"

REGENERATE = (
    "If schema v1 has not been released yet, regenerate the fixture with "
    "`.venv/bin/python -m tests.data.projects.make_v1`; otherwise bump "
    "SCHEMA_VERSION and add a migration (see ml/store/migrations.py)."
)


def _stored_project(tmp_path: Path, version: int) -> Path:
    """Unpack a stored old project into tmp_path (opening may upgrade it)."""
    path = tmp_path / f"v{version}.pushwise"
    path.write_bytes(
        gzip.decompress((PROJECTS / f"v{version}.pushwise.gz").read_bytes())
    )
    return path


def _columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _version_on_disk(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return int(row[0])


def test_every_schema_version_has_one_upgrade_step() -> None:
    assert sorted(migrations.MIGRATIONS) == list(range(1, schema.SCHEMA_VERSION))


def test_every_old_schema_version_has_a_stored_project() -> None:
    for version in range(1, schema.SCHEMA_VERSION + 1):
        assert (PROJECTS / f"v{version}.pushwise.gz").is_file(), version


def test_stored_v1_project_opens_with_its_data(tmp_path: Path) -> None:
    path = _stored_project(tmp_path, 1)
    with Project.open(path) as project:
        assert project.schema_version == schema.SCHEMA_VERSION
        info = project.info()
        assert info.summary() == (
            "2 customers · 4 offerings · 4 order lines · 2010-12-01 to 2010-12-09"
        )
        assert (info.returns_rows, info.feedback_rows, info.anonymous_rows) == (1, 1, 1)
        assert info.revenue == 100.82
        orders = project.find_import("sha256-orders.csv", "orders")
        assert orders is not None
        assert orders.reasons == {"bad_date": 1}
        assert orders.notes == ("Skipped 1 report footer line.",)
        assert project.rejects(orders.import_id)["value"].tolist() == ["31/02/2010"]
        assert project.saved_mapping("sig-orders", "orders") == '{"kind": "orders"}'
        assert project.next_import_id() == 3


def test_stored_v2_project_opens_with_its_push_rules(tmp_path: Path) -> None:
    path = _stored_project(tmp_path, 2)
    with Project.open(path) as project:
        assert project.info().orders_rows == 4
        rules = project.setting("plan_rules")
        assert rules is not None and '"due_share": 0.25' in rules
        assert project.saved_mapping("sig-orders", "orders") == '{"kind": "orders"}'


def test_v1_project_upgraded_to_v2_has_no_saved_settings(tmp_path: Path) -> None:
    path = _stored_project(tmp_path, 1)
    with Project.open(path) as project:
        assert project.setting("plan_rules") is None
        project.save_setting("plan_rules", "{}")
    with Project.open(path) as project:
        assert project.setting("plan_rules") == "{}"
        assert project.meta()["migrated_from"] == "1"


def test_stored_v1_project_upgrades_to_the_schema_of_a_new_project(
    tmp_path: Path,
) -> None:
    old = _stored_project(tmp_path, 1)
    Project.open(old).close()
    new = tmp_path / "new.pushwise"
    Project.create(new).close()
    assert _columns(old) == _columns(new), REGENERATE


def _install_migrations(
    monkeypatch: pytest.MonkeyPatch, steps: dict[int, migrations.Migration]
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", max(steps) + 1)
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)


def test_upgrade_steps_run_once_and_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stored_project(tmp_path, 1)
    calls: list[int] = []
    # The new tables must be there.
    real_v1_to_v2, real_v2_to_v3 = migrations.MIGRATIONS[1], migrations.MIGRATIONS[2]

    def v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
        calls.append(1)
        real_v1_to_v2(con)
        con.execute("ALTER TABLE orders ADD COLUMN discount DOUBLE")

    def v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
        calls.append(2)
        real_v2_to_v3(con)
        con.execute("UPDATE orders SET discount = 0")

    _install_migrations(monkeypatch, {1: v1_to_v2, 2: v2_to_v3})
    with Project.open(path) as project:
        assert project.schema_version == 3
        assert project.meta()["migrated_from"] == "1"
        discounts = project.con.execute("SELECT DISTINCT discount FROM orders")
        assert discounts.fetchall() == [(0.0,)]
    with Project.open(path) as project:  # already upgraded: nothing runs again
        assert project.schema_version == 3
    assert calls == [1, 2]
    assert _version_on_disk(path) == 3


def test_a_failing_upgrade_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stored_project(tmp_path, 1)

    def v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("ALTER TABLE orders ADD COLUMN discount DOUBLE")
        con.execute("DELETE FROM orders")

    def v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("disk on fire")

    _install_migrations(monkeypatch, {1: v1_to_v2, 2: v2_to_v3})
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert "could not be upgraded from format 1 to 3" in message
    assert "The file was not changed" in message

    assert _version_on_disk(path) == 1
    assert ("discount", "DOUBLE") not in _columns(path)["orders"]
    monkeypatch.undo()
    with Project.open(path) as project:  # the old version still opens it as before
        assert project.info().orders_rows == 4


def test_a_single_failing_step_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stored_project(tmp_path, 1)

    def v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE plans (plan_id VARCHAR)")
        con.execute("SELECT no_such_column FROM orders")

    _install_migrations(monkeypatch, {1: v1_to_v2})
    with pytest.raises(ProjectError, match="could not be upgraded"):
        Project.open(path)
    assert _version_on_disk(path) == 1
    assert "plans" not in _columns(path)


def test_a_missing_upgrade_step_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _stored_project(tmp_path, 1)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(migrations, "MIGRATIONS", {})
    with pytest.raises(ProjectError, match="cannot upgrade a project from format 1"):
        Project.open(path)
    assert _version_on_disk(path) == 1


def test_v2_project_upgraded_to_v3_has_no_campaigns_and_can_save_one(
    tmp_path: Path,
) -> None:
    from ml.campaigns.store import campaign_pushes, campaigns, save_campaign
    from tests.data.projects.make_v3 import CAMPAIGN, PUSHES

    path = _stored_project(tmp_path, 2)
    with Project.open(path) as project:
        assert project.meta()["migrated_from"] == "2"
        assert campaigns(project.con) == []
        assert project.setting("plan_rules") is not None  # v2's data kept
        saved = save_campaign(project, CAMPAIGN, PUSHES)
    with Project.open(path) as project:
        assert [c.name for c in campaigns(project.con)] == ["Spring push"]
        pushes = campaign_pushes(project.con, saved.campaign_id)
        assert pushes["control"].tolist() == [True, False, False]


def test_stored_v2_project_upgrades_to_the_schema_of_a_new_project(
    tmp_path: Path,
) -> None:
    old = _stored_project(tmp_path, 2)
    Project.open(old).close()
    new = tmp_path / "new.pushwise"
    Project.create(new).close()
    assert _columns(old) == _columns(new), REGENERATE


def test_stored_v3_project_opens_with_its_campaign(tmp_path: Path) -> None:
    from ml.campaigns.store import find_campaign

    with Project.open(_stored_project(tmp_path, 3)) as project:
        campaign = find_campaign(project.con, "Spring push")
        assert campaign is not None
        assert campaign.control_share == 0.5 and campaign.seed == 7
        assert campaign.ends_at == pd.Timestamp("2011-01-07")
