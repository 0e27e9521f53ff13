"""Whole-column conversion of the real Online Retail file (541,909 rows)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from pyarrow import csv

from ml.parsing.dates import date_sql, detect_date_format
from ml.parsing.numbers import detect_number_format, number_sql
from ml.sqltext import quote_ident
from tests.conftest import ONLINE_RETAIL


@pytest.mark.slow
def test_every_date_and_price_of_online_retail_converts() -> None:
    path = ONLINE_RETAIL
    if not path.exists():
        pytest.skip("the Online Retail file is not beside the repository")
    columns = ["InvoiceDate", "UnitPrice"]
    table = csv.read_csv(
        path,
        convert_options=csv.ConvertOptions(
            include_columns=columns, column_types=dict.fromkeys(columns, pa.string())
        ),
    )
    step = table.num_rows // 5000
    dates = detect_date_format(
        table.column("InvoiceDate").to_pylist()[::step], day_first_default=True
    )
    prices = detect_number_format(table.column("UnitPrice").to_pylist()[::step])
    assert dates is not None
    con = duckdb.connect()
    con.register("raw", table)
    date_expr = date_sql(quote_ident("InvoiceDate"), dates)
    price_expr = number_sql(quote_ident("UnitPrice"), prices)
    sql = f"SELECT count({date_expr}), sum({price_expr}) FROM raw"
    # (Speed is measured by tests/benchmarks/bench_import.py, not here.)
    converted, total = con.execute(sql).fetchall()[0]
    assert converted == table.num_rows == 541_909
    assert total == pytest.approx(2_498_803.974, rel=1e-9)
