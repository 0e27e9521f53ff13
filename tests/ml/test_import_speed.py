"""The import's fast paths give what the slow ones gave, with less memory and
the same guarantees (a cancel at any step leaves the project as it was)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.errors import Cancelled
from ml.importing.importer import import_file
from ml.reading.encoding import UTF8_MULTIBYTE, has_utf8_multibyte
from ml.store.project import Project

# Bytes around UTF-8 lead and continuation values, where the rules' edges are.
_EDGES = st.sampled_from(
    [
        *(0x41, 0x0A, 0x3B, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1),
        *(0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5),
        *(0xFF, 0xE4, 0xF6, 0xFC),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_EDGES, max_size=12))
def test_utf8_sequences_are_found_as_the_regular_expression_finds_them(
    values: list[int],
) -> None:
    data = bytes(values)
    assert has_utf8_multibyte(data) == (UTF8_MULTIBYTE.search(data) is not None)


def test_a_windows_1252_text_has_no_utf8_sequence_and_a_mixed_one_has() -> None:
    text = "Menge;Land\n3;Großbritannien\n2;Österreich\n".encode("cp1252") * 1000
    assert not has_utf8_multibyte(text)
    assert has_utf8_multibyte(text + "5;Dänemark\n".encode())


def test_a_sequence_across_two_scanned_parts_is_found(monkeypatch) -> None:
    import ml.reading.encoding as encoding

    monkeypatch.setattr(encoding, "_SCAN", 4)
    assert has_utf8_multibyte(b"abc" + "ö".encode())  # lead byte ends a part
    assert not has_utf8_multibyte(b"abc" + "ö".encode("cp1252") + b"abcd")


def _orders(path: Path, lines: int) -> Path:
    rows = (
        f"{n // 3};c{n % 97};Produkt {n % 500};{1 + n % 28:02d}.03.2024;"
        f"{1 + n % 4};{n % 7},50;{'' if n % 50 else 'x'}"
        for n in range(lines)
    )
    text = "Beleg;Kunde;Artikel;Datum;Menge;Preis;Notiz\n" + "\n".join(rows) + "\n"
    path.write_bytes(text.encode("cp1252"))
    return path


def _temporary_tables(project: Project) -> list[str]:
    rows = project.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary"
    ).fetchall()
    return [str(name) for (name,) in rows]


def _counts(project: Project) -> tuple[int, ...]:
    con = project.con
    tables = ("orders", "returns", "rejects", "imports", "mappings")
    return tuple(
        int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in tables
    )


def test_the_file_s_rows_are_let_go_before_the_project_is_written(
    tmp_path, monkeypatch
) -> None:
    import ml.importing.importer as importer

    pool = pa.default_memory_pool()
    held: dict[str, int] = {}
    read, store = importer.read_table, importer.store_rows

    def reading(*args, **kwargs):
        raw = read(*args, **kwargs)
        held["after_read"] = pool.bytes_allocated()
        return raw

    def storing(*args, **kwargs):
        held["when_storing"] = pool.bytes_allocated()
        return store(*args, **kwargs)

    held["before"] = pool.bytes_allocated()
    monkeypatch.setattr(importer, "read_table", reading)
    monkeypatch.setattr(importer, "store_rows", storing)
    path = _orders(tmp_path / "orders.csv", 20_000)
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        report = import_file(project, path)
        assert report.rows_imported + report.rows_rejected == 20_000
        assert _temporary_tables(project) == []
    rows = held["after_read"] - held["before"]
    assert rows > 500_000
    assert held["when_storing"] - held["before"] < 0.1 * rows


@pytest.mark.parametrize(
    "step", ["Checking every row", "Setting rejected rows aside", "Storing orders"]
)
def test_a_cancel_at_any_step_leaves_the_project_as_it_was(tmp_path, step) -> None:
    path = _orders(tmp_path / "orders.csv", 2_000)
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        import_file(project, _orders(tmp_path / "first.csv", 300))
        before = _counts(project)
        messages: list[str] = []
        with pytest.raises(Cancelled):
            import_file(
                project,
                path,
                report=lambda fraction, message: messages.append(message),
                stop_requested=lambda: step in messages,
            )
        assert _counts(project) == before
        assert _temporary_tables(project) == []
        again = import_file(project, path)  # and the file imports afterwards
        assert again.rows_imported + again.rows_rejected == 2_000


@pytest.mark.parametrize(
    ("values", "padded"),
    [
        (["a", "Weiß", None, "", "Großbritannien", "€5"], False),
        (["a", " b"], True),
        (["a", "b "], True),
        (["a", "b\u00a0"], True),  # no-break space, trimmed by DuckDB
        (["\u3000a"], True),  # ideographic space
        (["a\u2009"], True),  # thin space
        (["a\t"], True),  # a tab: kept by trim() today, trimmed to be safe
        (["\u00e0", "\u20ac", "\u2020"], False),  # edge bytes like a space's
    ],
)
def test_columns_with_spaces_around_a_value_are_found(values, padded) -> None:
    from ml.importing.padding import unpadded_columns

    table = pa.table({"c": pa.array(values, pa.string())})
    assert unpadded_columns(table, ["c"]) == (frozenset() if padded else {"c"})
    sliced = pa.concat_arrays([pa.array(["x"] * 3), table.column("c").chunk(0)])
    assert unpadded_columns(pa.table({"c": sliced.slice(3)}), ["c"]) == (
        frozenset() if padded else {"c"}
    )


def test_padded_and_unpadded_columns_import_alike(tmp_path) -> None:
    text = (
        "Beleg;Kunde;Artikel;Datum;Menge\n"
        "1;  k1 ;A-1;01.03.2024;2\n"
        "2;k2;A-2 ;02.03.2024;1\n"
        "3;\u00a0;A-3;03.03.2024;1\n"  # a customer of spaces only: none
        "4;k4;A-4;04.03.2024; 3\n"
    )
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        import_file(project, path)
        rows = project.con.execute(
            "SELECT order_id, customer_id, offering_id, quantity FROM orders "
            "ORDER BY line"
        ).fetchall()
    assert rows == [
        ("1", "k1", "A-1", 2.0),
        ("2", "k2", "A-2", 1.0),
        ("3", None, "A-3", 1.0),
        ("4", "k4", "A-4", 3.0),
    ]
