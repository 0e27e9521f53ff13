"""Padded text columns are trimmed by Arrow before DuckDB sees them: the same
characters go as with DuckDB's trim(), and parsed columns keep their padding
for their own parsers (issue 13)."""

from __future__ import annotations

import sys
import unicodedata

import duckdb
import pyarrow as pa

from ml.importing.importer import import_file
from ml.importing.padding import SPACES, trimmed
from ml.store.project import Project

_AROUND = [
    chr(c)
    for c in range(sys.maxunicode + 1)
    if not 0xD800 <= c <= 0xDFFF
    and (chr(c).isspace() or unicodedata.category(chr(c)) in ("Zs", "Cf"))
]


def test_arrow_trims_what_duckdb_trim_trims() -> None:
    values = [f"{c}a{c}b{c}" for c in _AROUND] + [None, "", "  ", "\u00a0x\t"]
    table = pa.table({"v": pa.array(values, pa.string()), "n": range(len(values))})
    ours, done = trimmed(table, ["v", "n"])
    assert done == {"v"}  # a column of numbers is left alone
    con = duckdb.connect()
    con.register("raw", table)
    theirs = con.execute("SELECT trim(v) FROM raw").fetchall()
    assert ours.column("v").to_pylist() == [value for (value,) in theirs]
    assert {ch for ch in _AROUND if not ch.strip(SPACES)} == set(SPACES)


def test_padded_text_is_trimmed_and_padded_numbers_parse_as_before(
    tmp_path,
) -> None:
    text = (
        "Beleg;Kunde;Artikel;Datum;Menge;Bezeichnung\n"
        "1;k1;A-1;01.03.2024;2;\u3000Kerze \n"
        "2;k2;A-2;02.03.2024;\u30001;\u2009Tasse\u00a0\n"
        "3;k3;A-3;03.03.2024; 3;\tTeller\t\n"
    )
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        report = import_file(project, path)
        rows = project.con.execute(
            "SELECT line, offering_name, quantity FROM orders ORDER BY line"
        ).fetchall()
        rejected = project.con.execute(
            "SELECT line, value FROM rejects ORDER BY line"
        ).fetchall()
    assert rows == [(2, "Kerze", 2.0), (4, "\tTeller\t", 3.0)]
    # U+3000 is not a space the number parser skips: rejected, as before.
    assert rejected == [(3, "1")] and report.rows_rejected == 1
