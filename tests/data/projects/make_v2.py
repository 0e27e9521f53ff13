"""Write v2.pushwise.gz: a tiny project as schema version 2 of Pushwise stored it.

Version 2 added the settings table (the project's push rules). Run from the
repository root, only while ml/store/schema.py is at version 2:

    .venv/bin/python -m tests.data.projects.make_v2

When SCHEMA_VERSION goes up, keep this file and its output as they are (they are
the record of what version 2 wrote) and add make_v3.py beside them instead.
"""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from ml.store import Project, schema
from tests.data.projects.make_v1 import FEEDBACK, ORDERS, REJECTS, RETURNS, _record

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "v2.pushwise.gz"
# Push rules as version 2 saved them: the hold-back share and a contact cap.
RULES_JSON = '{"due_share": 0.25, "recent_purchase_days": null, "max_per_customer": 3}'


def main() -> None:
    """Write the fixture project, gzip-compressed (a DuckDB file is mostly zeros)."""
    if schema.SCHEMA_VERSION != 2:
        raise SystemExit("make_v2.py only runs at schema version 2; see its docstring")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v2.pushwise"
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
        OUTPUT.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main()
