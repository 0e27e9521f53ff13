"""The project file's tables (DuckDB DDL) for the current schema version."""

from __future__ import annotations

SCHEMA_VERSION = 3

# Every imported row keeps the import it came from (import_id), its physical line
# in that file (line, 1-based, header counted) and a hash of its canonical values
# (line_hash) that detects the same line arriving again in a later, overlapping
# export.
TABLES: dict[str, str] = {
    "meta": """
        CREATE TABLE meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        )""",
    "imports": """
        CREATE TABLE imports (
            import_id INTEGER PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            file_path VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL,
            kind VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL,
            mapping_json VARCHAR NOT NULL,
            read_info_json VARCHAR NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_imported BIGINT NOT NULL,
            rows_returns BIGINT NOT NULL,
            rows_rejected BIGINT NOT NULL,
            reasons_json VARCHAR NOT NULL,
            notes_json VARCHAR NOT NULL
        )""",
    "rejects": """
        CREATE TABLE rejects (
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            column_name VARCHAR,
            value VARCHAR,
            reason_code VARCHAR NOT NULL,
            message VARCHAR NOT NULL
        )""",
    "orders": """
        CREATE TABLE orders (
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            line_hash UHUGEINT NOT NULL,
            order_id VARCHAR,
            customer_id VARCHAR,
            offering_id VARCHAR NOT NULL,
            offering_name VARCHAR,
            category VARCHAR,
            ordered_at TIMESTAMP NOT NULL,
            quantity DOUBLE NOT NULL,
            unit_price DOUBLE,
            amount DOUBLE,
            channel VARCHAR,
            country VARCHAR,
            status VARCHAR
        )""",
    "returns": """
        CREATE TABLE returns (
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            line_hash UHUGEINT NOT NULL,
            order_id VARCHAR,
            customer_id VARCHAR,
            offering_id VARCHAR NOT NULL,
            offering_name VARCHAR,
            category VARCHAR,
            returned_at TIMESTAMP NOT NULL,
            quantity DOUBLE NOT NULL,
            unit_price DOUBLE,
            amount DOUBLE,
            channel VARCHAR,
            country VARCHAR,
            status VARCHAR,
            return_reason VARCHAR NOT NULL,
            purchase_import_id INTEGER,
            purchase_line BIGINT
        )""",
    "feedback": """
        CREATE TABLE feedback (
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            line_hash UHUGEINT NOT NULL,
            customer_id VARCHAR,
            order_id VARCHAR,
            offering_id VARCHAR,
            submitted_at TIMESTAMP NOT NULL,
            rating DOUBLE,
            rating_original VARCHAR,
            rating_scale VARCHAR,
            title VARCHAR,
            comment VARCHAR,
            kind VARCHAR
        )""",
    "offerings": """
        CREATE TABLE offerings (
            offering_id VARCHAR PRIMARY KEY,
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            name VARCHAR,
            category VARCHAR,
            price DOUBLE,
            active BOOLEAN,
            launched_at TIMESTAMP,
            margin DOUBLE
        )""",
    "customers": """
        CREATE TABLE customers (
            customer_id VARCHAR PRIMARY KEY,
            import_id INTEGER NOT NULL,
            line BIGINT NOT NULL,
            segment VARCHAR,
            region VARCHAR,
            country VARCHAR,
            opted_out BOOLEAN
        )""",
    "mappings": """
        CREATE TABLE mappings (
            signature VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            mapping_json VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL,
            PRIMARY KEY (signature, kind)
        )""",
    # Room for the engine issue: training runs and signed model blobs.
    "runs": """
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            kind VARCHAR NOT NULL,
            params_json VARCHAR NOT NULL,
            metrics_json VARCHAR NOT NULL
        )""",
    "models": """
        CREATE TABLE models (
            model_id VARCHAR PRIMARY KEY,
            run_id VARCHAR,
            created_at TIMESTAMP NOT NULL,
            meta_json VARCHAR NOT NULL,
            payload BLOB NOT NULL,
            signature VARCHAR NOT NULL
        )""",
    # Settings that belong to the project, not to one user's computer (such
    # as the push rules), as JSON per key. Added in version 2.
    "settings": """
        CREATE TABLE settings (
            key VARCHAR PRIMARY KEY,
            value_json VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )""",
    # Campaigns (added in version 3): a push list frozen when it was sent,
    # with its control group, or contacts imported from a CRM.
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

# Feedback given per order applies to every offering of that order; feedback
# without a customer takes the order's customer.
VIEWS: dict[str, str] = {
    "offering_feedback": """
        CREATE VIEW offering_feedback AS
        SELECT f.import_id, f.line,
               coalesce(f.customer_id, o.customer_id) AS customer_id,
               f.order_id,
               coalesce(f.offering_id, o.offering_id) AS offering_id,
               f.submitted_at, f.rating, f.rating_original, f.rating_scale,
               f.title, f.comment, f.kind
        FROM feedback f
        LEFT JOIN (SELECT DISTINCT order_id, customer_id, offering_id FROM orders
                   WHERE order_id IS NOT NULL) o
          ON f.offering_id IS NULL AND f.order_id = o.order_id""",
}
