"""Upgrading project files made by older versions of Pushwise, one step per version.

How to change the schema (ml/store/schema.py) once a version has been released:

1. Bump ``SCHEMA_VERSION`` and change ``TABLES``/``VIEWS`` to the new shape (new
   projects are created from them directly).
2. Add ``MIGRATIONS[old] = _v<old>_to_v<new>``: SQL that turns an old project into
   exactly that shape. Never edit a released migration.
3. Before bumping, save a small project of the old version under
   tests/data/projects/ (see make_v1.py); tests open every stored old project.

The ``meta`` table (key, value) and its keys ``application`` and
``schema_version`` are the one thing that must never change: they are how any
version, older or newer, recognises a project and its version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

import ml
from ml.errors import ProjectError
from ml.store.connection import quiet_rollback

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2 adds the settings table (the project's push rules)."""
    con.execute("""
        CREATE TABLE settings (
            key VARCHAR PRIMARY KEY,
            value_json VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )""")


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3 adds campaigns and the pushes of each (with its control group)."""
    for table in ("campaigns", "campaign_pushes"):
        con.execute(CAMPAIGN_TABLES_V3[table])


# The DDL as version 3 first wrote it: a released step never changes, even
# when schema.py moves on.
CAMPAIGN_TABLES_V3 = {
    "campaigns": """
        CREATE TABLE campaigns (
            campaign_id INTEGER PRIMARY KEY,
            name VARCHAR NOT NULL UNIQUE,
            created_at TIMESTAMP NOT NULL,
            starts_at TIMESTAMP NOT NULL,
            horizon_days INTEGER NOT NULL,
            source VARCHAR NOT NULL,
            model_id VARCHAR,
            control_share DOUBLE,
            seed BIGINT,
            details_json VARCHAR NOT NULL
        )""",
    "campaign_pushes": """
        CREATE TABLE campaign_pushes (
            campaign_id INTEGER NOT NULL,
            customer_id VARCHAR NOT NULL,
            offering_id VARCHAR,
            rank INTEGER,
            probability DOUBLE,
            expected_revenue DOUBLE,
            reason VARCHAR,
            control BOOLEAN NOT NULL,
            contacted_at TIMESTAMP,
            channel VARCHAR,
            import_id INTEGER,
            line BIGINT,
            line_hash UHUGEINT
        )""",
}

# MIGRATIONS[v] upgrades a project from schema version v to v + 1.
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(
    con: duckdb.DuckDBPyConnection, path: Path, from_version: int, to_version: int
) -> None:
    """Upgrade a project from from_version to to_version, all steps or none."""
    missing = [v for v in range(from_version, to_version) if v not in MIGRATIONS]
    if missing:
        raise ProjectError(
            f"this version of Pushwise cannot upgrade a project from format "
            f"{from_version} (no upgrade step from format {missing[0]}).",
            file=str(path),
            hint="The file was not changed. Please report this problem.",
        )
    # One transaction for all steps: if any step fails, the file stays at its
    # old version, so the Pushwise that made it can still open it.
    con.begin()
    try:
        for version in range(from_version, to_version):
            MIGRATIONS[version](con)
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                [str(version + 1)],
            )
        con.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [
                ["migrated_by", ml.__version__],
                ["migrated_at", datetime.now(UTC).isoformat(timespec="seconds")],
                ["migrated_from", str(from_version)],
            ],
        )
        con.commit()
    except Exception as exc:
        quiet_rollback(con)
        raise ProjectError(
            f"this project could not be upgraded from format {from_version} to "
            f"{to_version} ({exc}).",
            file=str(path),
            hint="The file was not changed. Please report this problem.",
        ) from exc
    except BaseException:
        quiet_rollback(con)
        raise
