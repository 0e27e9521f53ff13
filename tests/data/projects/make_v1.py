"""Write v1.pushwise.gz: a tiny project as schema version 1 of Pushwise stored it.

Run from the repository root, only while ml/store/schema.py is at version 1:

    .venv/bin/python -m tests.data.projects.make_v1

When SCHEMA_VERSION goes up, keep this file and its output as they are (they are
the record of what version 1 wrote) and add make_v2.py beside them instead.
"""

from __future__ import annotations

import gzip
import tempfile
from datetime import datetime
from pathlib import Path

from ml.store import ImportRecord, Project, schema

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "v1.pushwise.gz"

ORDERS = """
    INSERT INTO orders (import_id, line, line_hash, order_id, customer_id,
                        offering_id, offering_name, category, ordered_at,
                        quantity, unit_price, amount, channel, country, status)
    VALUES
    (1, 2, 101, '536365', '17850', '85123A', 'WHITE HANGING HEART', 'Home',
     '2010-12-01 08:26:00', 6, 2.55, 15.30, 'web', 'United Kingdom', NULL),
    (1, 3, 102, '536365', '17850', '71053', 'WHITE METAL LANTERN', 'Home',
     '2010-12-01 08:26:00', 6, 3.39, 20.34, 'web', 'United Kingdom', NULL),
    (1, 4, 103, '536366', NULL, '22633', 'HAND WARMER UNION JACK', 'Gifts',
     '2010-12-01 08:28:00', 6, 1.85, 11.10, 'shop', 'United Kingdom', NULL),
    (1, 6, 104, '536367', '13047', '84879', 'ASSORTED COLOUR BIRD', 'Home',
     '2010-12-09 08:34:00', 32, 1.69, 54.08, 'web', 'France', NULL)
"""
RETURNS = """
    INSERT INTO returns (import_id, line, line_hash, order_id, customer_id,
                         offering_id, returned_at, quantity, amount,
                         return_reason)
    VALUES (1, 5, 105, 'C536379', '17850', '71053', '2010-12-02 09:41:00',
            -1, -3.39, 'cancellation_prefix')
"""
FEEDBACK = """
    INSERT INTO feedback (import_id, line, line_hash, customer_id, order_id,
                          offering_id, submitted_at, rating, rating_original,
                          rating_scale, title, comment, kind)
    VALUES (2, 2, 201, '17850', '536365', NULL, '2010-12-05 12:00:00', 0.75,
            '4', 'stars_1_5', 'Lovely', 'Arrived quickly', 'review')
"""
REJECTS = """
    INSERT INTO rejects VALUES
    (1, 7, 'InvoiceDate', '31/02/2010', 'bad_date',
     'orders.csv, row 7, column ''InvoiceDate'': ''31/02/2010'' is not a date.')
"""


def main() -> None:
    """Write the fixture project, gzip-compressed (a DuckDB file is mostly zeros)."""
    if schema.SCHEMA_VERSION != 1:
        raise SystemExit("make_v1.py only runs at schema version 1; see its docstring")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v1.pushwise"
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
        OUTPUT.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def _record(
    import_id: int,
    name: str,
    kind: str,
    read: int,
    imported: int,
    returns: int,
    rejected: int,
) -> ImportRecord:
    return ImportRecord(
        import_id=import_id,
        file_name=name,
        file_path=f"/data/{name}",
        content_hash=f"sha256-{name}",
        size_bytes=1234,
        kind=kind,
        imported_at=datetime(2024, 5, 1, 9, 30),
        mapping_json=f'{{"kind": "{kind}"}}',
        read_info={"file": name, "format": "csv", "encoding": "utf-8"},
        rows_read=read,
        rows_imported=imported,
        rows_returns=returns,
        rows_rejected=rejected,
        reasons={"bad_date": rejected} if rejected else {},
        notes=("Skipped 1 report footer line.",) if kind == "orders" else (),
    )


if __name__ == "__main__":
    main()
