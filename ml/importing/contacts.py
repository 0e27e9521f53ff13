"""Contact history from a CRM stored as campaigns, so that what a campaign run
outside Pushwise did is read the same way as one saved from a push plan.

Each campaign name in the file is one campaign (a file without a campaign
column is one campaign named after it); rows of a name imported before are
added to that campaign. A campaign starts at its first contact; each contact's
uptake is counted over the horizon from its own contact date.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from ml.campaigns.campaign import FROM_CONTACTS
from ml.columns import Columns

C = Columns
DEFAULT_HORIZON_DAYS = 28
_NAMES = "import_contact_campaigns"


def store_contacts(con: duckdb.DuckDBPyConnection, source: str, file: str) -> int:
    """Write the good rows of `source` into campaign_pushes under their
    campaigns (made when new); return how many were written."""
    fallback = f"Contacts from {file}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {_NAMES} AS
            SELECT DISTINCT coalesce({C.CAMPAIGN}, ?) AS name FROM {source}""",
        [fallback],
    )
    _name_apart_from_plans(con)
    con.execute(f"ALTER TABLE {_NAMES} ADD COLUMN campaign_id INTEGER")
    con.execute(f"""
        UPDATE {_NAMES} SET campaign_id = c.campaign_id FROM campaigns c
        WHERE c.name = {_NAMES}.stored AND c.source = '{FROM_CONTACTS}'""")
    con.execute(
        f"""INSERT INTO campaigns
            SELECT (SELECT coalesce(max(campaign_id), 0) FROM campaigns)
                       + row_number() OVER (ORDER BY stored),
                   stored, ?, TIMESTAMP '1900-01-01', ?, '{FROM_CONTACTS}',
                   NULL, NULL, NULL, ?
            FROM {_NAMES} WHERE campaign_id IS NULL""",
        [
            datetime.now().replace(microsecond=0),
            DEFAULT_HORIZON_DAYS,
            f'{{"file": {_json_text(file)}}}',
        ],
    )
    con.execute(f"""
        UPDATE {_NAMES} SET campaign_id = c.campaign_id FROM campaigns c
        WHERE c.name = {_NAMES}.stored AND {_NAMES}.campaign_id IS NULL""")
    row = con.execute(
        f"""INSERT INTO campaign_pushes
            SELECT n.campaign_id, s.{C.CUSTOMER}, s.{C.OFFERING}, NULL, NULL, NULL,
                   NULL, coalesce(s.{C.CONTROL}, FALSE), s.{C.CONTACTED_AT},
                   s.{C.CHANNEL}, s.import_id, s.line, s.line_hash
            FROM {source} s JOIN {_NAMES} n
              ON coalesce(s.{C.CAMPAIGN}, ?) = n.name
            ORDER BY s.line""",
        [fallback],
    ).fetchone()
    _update_campaigns(con)
    con.execute(f"DROP TABLE {_NAMES}")
    return int(row[0]) if row else 0


def _name_apart_from_plans(con: duckdb.DuckDBPyConnection) -> None:
    """The name each campaign is stored under: a name already taken by a
    campaign saved from a push plan gets " (contacts)" added."""
    con.execute(f"""
        ALTER TABLE {_NAMES} ADD COLUMN stored VARCHAR;
        UPDATE {_NAMES} SET stored = CASE WHEN name IN (
            SELECT name FROM campaigns WHERE source <> '{FROM_CONTACTS}')
            THEN name || ' (contacts)' ELSE name END""")


def _update_campaigns(con: duckdb.DuckDBPyConnection) -> None:
    """Each touched campaign starts at its first contact; its control share is
    the share of its customers in the control group (NULL: none held out)."""
    con.execute(f"""
        UPDATE campaigns SET starts_at = stats.first_contact,
               control_share = stats.share
        FROM (SELECT campaign_id, min(contacted_at) AS first_contact,
                     nullif(count(DISTINCT customer_id) FILTER (WHERE control)
                            / count(DISTINCT customer_id), 0) AS share
              FROM campaign_pushes
              WHERE campaign_id IN (SELECT campaign_id FROM {_NAMES})
              GROUP BY campaign_id) stats
        WHERE campaigns.campaign_id = stats.campaign_id""")


def _json_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
