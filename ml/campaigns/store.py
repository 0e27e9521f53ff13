"""Campaigns in the project file: saved once, frozen, read back by name."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import duckdb
import pandas as pd

from ml.campaigns.campaign import PUSH_COLUMNS, Campaign
from ml.errors import InputDataError
from ml.store.project import Project

_FIELDS = """campaign_id, name, created_at, starts_at, horizon_days, source,
             model_id, control_share, seed, details_json"""


def save_campaign(
    project: Project, campaign: Campaign, pushes: pd.DataFrame
) -> Campaign:
    """Store a new campaign and its pushes (PUSH_COLUMNS) in one transaction;
    its id is given here. A name already used is refused."""
    if find_campaign(project.con, campaign.name, missing_ok=True) is not None:
        raise InputDataError(
            f"the project already has a campaign named '{campaign.name}'.",
            hint="Choose another name: a campaign, once saved, never changes.",
        )
    frame = pushes.loc[:, list(PUSH_COLUMNS)]
    with project.transaction() as con:
        row = con.execute(
            "SELECT coalesce(max(campaign_id), 0) + 1 FROM campaigns"
        ).fetchone()
        campaign_id = int(row[0]) if row else 1
        con.execute(
            f"INSERT INTO campaigns ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                campaign_id,
                campaign.name,
                campaign.created_at,
                campaign.starts_at.to_pydatetime(),
                campaign.horizon_days,
                campaign.source,
                campaign.model_id,
                campaign.control_share,
                campaign.seed,
                json.dumps(dict(campaign.details), sort_keys=True),
            ],
        )
        con.register("campaign_rows", frame)
        try:
            con.execute(
                f"""INSERT INTO campaign_pushes ({", ".join(PUSH_COLUMNS)},
                        campaign_id)
                    SELECT {", ".join(PUSH_COLUMNS)}, {campaign_id}
                    FROM campaign_rows"""
            )
        finally:
            con.unregister("campaign_rows")
    return replace(campaign, campaign_id=campaign_id)


def campaigns(con: duckdb.DuckDBPyConnection) -> list[Campaign]:
    """Every campaign of the project (`con`: its connection), oldest first."""
    rows = con.execute(
        f"SELECT {_FIELDS} FROM campaigns ORDER BY campaign_id"
    ).fetchall()
    return [_campaign(row) for row in rows]


def find_campaign(
    con: duckdb.DuckDBPyConnection, name: str, *, missing_ok: bool = False
) -> Campaign | None:
    """The campaign of this name; a missing one is an error naming those there
    are (or None with `missing_ok`)."""
    every = campaigns(con)
    found = [c for c in every if c.name == name]
    if found or missing_ok:
        return found[0] if found else None
    names = ", ".join(f"'{c.name}'" for c in every) or "none yet"
    raise InputDataError(
        f"the project has no campaign named '{name}' (its campaigns: {names}).",
        hint="Check the name, or save the push plan as a campaign first.",
    )


def campaign_pushes(con: duckdb.DuckDBPyConnection, campaign_id: int) -> pd.DataFrame:
    """A campaign's pushes (PUSH_COLUMNS), by customer and rank."""
    return con.execute(
        f"""SELECT {", ".join(PUSH_COLUMNS)} FROM campaign_pushes
            WHERE campaign_id = ? ORDER BY customer_id, rank, offering_id""",
        [campaign_id],
    ).df()


def _campaign(row: tuple[object, ...]) -> Campaign:
    (cid, name, created, starts, horizon, source, model, share, seed, details) = row
    assert isinstance(created, datetime) and isinstance(starts, datetime)
    return Campaign(
        campaign_id=int(str(cid)),
        name=str(name),
        created_at=created,
        starts_at=pd.Timestamp(starts),
        horizon_days=int(str(horizon)),
        source=str(source),
        model_id=None if model is None else str(model),
        control_share=None if share is None else float(str(share)),
        seed=None if seed is None else int(str(seed)),
        details=json.loads(str(details)),
    )
