"""Write v3.pushwise.gz: a tiny project as schema version 3 of Pushwise stored it.

Version 3 added campaigns and their pushes (with the control group). Run from
the repository root, only while ml/store/schema.py is at version 3:

    .venv/bin/python -m tests.data.projects.make_v3

When SCHEMA_VERSION goes up, keep this file and its output as they are (they are
the record of what version 3 wrote) and add make_v4.py beside them instead.
"""

from __future__ import annotations

import gzip
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from ml.campaigns.campaign import FROM_PLAN, Campaign
from ml.campaigns.store import save_campaign
from ml.store import Project, schema
from tests.data.projects.make_v1 import FEEDBACK, ORDERS, REJECTS, RETURNS, _record
from tests.data.projects.make_v2 import RULES_JSON

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "v3.pushwise.gz"
CAMPAIGN = Campaign(
    campaign_id=0,
    name="Spring push",
    created_at=datetime(2010, 12, 10, 9, 0),
    starts_at=pd.Timestamp("2010-12-10"),
    horizon_days=28,
    source=FROM_PLAN,
    model_id="m-1",
    control_share=0.5,
    seed=7,
    details={"offerings": [], "rules": {"max_per_customer": 3}},
)
PUSHES = pd.DataFrame(
    {
        "customer_id": ["17850", "17850", "13047"],
        "offering_id": ["22633", "84879", "85123A"],
        "rank": [1, 2, 1],
        "probability": [0.30, 0.12, 0.25],
        "expected_revenue": [3.3, 2.0, 3.8],
        "reason": ["popular", "bought with 85123A", "popular"],
        "control": [False, False, True],
    }
)


def main() -> None:
    """Write the fixture project, gzip-compressed (a DuckDB file is mostly zeros)."""
    if schema.SCHEMA_VERSION != 3:
        raise SystemExit("make_v3.py only runs at schema version 3; see its docstring")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v3.pushwise"
        with Project.create(path) as project:
            with project.transaction() as con:
                con.execute(ORDERS)
                con.execute(RETURNS)
                con.execute(REJECTS)
                project.add_import(_record(1, "orders.csv", "orders", 6, 4, 1, 1))
            with project.transaction() as con:
                con.execute(FEEDBACK)
                project.add_import(_record(2, "reviews.csv", "feedback", 1, 1, 0, 0))
            project.save_mapping("sig-orders", "orders", '{"kind": "orders"}')
            project.save_setting("plan_rules", RULES_JSON)
            save_campaign(project, CAMPAIGN, PUSHES)
        OUTPUT.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main()
