"""Writing the rows a table shows to CSV, safe to open in a spreadsheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from app.querytable import QueryTableModel
from app.tables import DataFrameTableModel
from ml.progress import ReportFn, StopFn
from ml.safecells import safe_heading, safe_sql, write_safe_csv
from ml.sqltext import quote_ident, quote_literal


def write_frame_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as CSV with headings, safe to open in a spreadsheet."""
    return write_safe_csv(frame, path)


def shown_frame(model: DataFrameTableModel) -> pd.DataFrame:
    """The rows and columns a frame model shows, with the column headings."""
    frame = model.shown_frame()
    return frame.rename(columns={name: model.label(name) for name in frame.columns})


def query_export_fn(
    model: QueryTableModel, con: duckdb.DuckDBPyConnection, path: Path
) -> Any:
    """A job function writing the rows a query model shows, in the shown order."""
    sql, params = model.shown_rows_query()
    selected = []
    for name in model.visible_columns():
        # The same rule as every other export (ml.safecells), in DuckDB.
        label = quote_ident(safe_heading(model.label(name)))
        selected.append(f"{safe_sql(quote_ident(name))} AS {label}")
    query = sql.replace("SELECT rowid", "SELECT " + ", ".join(selected), 1)
    cursor = con.cursor()

    def export(report: ReportFn, stop_requested: StopFn) -> Path:
        try:
            report(0.0, f"Writing {path.name}")
            cursor.execute(
                f"COPY ({query}) TO {quote_literal(str(path))} (HEADER, DELIMITER ',')",
                params,
            )
            report(1.0, f"Wrote {path.name}")
            return path
        finally:
            cursor.close()

    return export
