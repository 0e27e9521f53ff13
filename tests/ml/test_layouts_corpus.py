"""Mapping with no help on real export layouts (tests/data/layouts, see its README).

Every corpus file is read and mapped exactly as `pushwise import FILE` does
without --mapping, and the columns an import needs are compared with the
expected mapping (expected.json): the share matched correctly must be at
least 95 %.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from ml.cli import main
from ml.columns import REQUIRED, Columns, Kind
from ml.importing.importer import propose_mapping
from ml.mapping.headers import header_score
from ml.reading.readers import read_table

CORPUS = Path(__file__).resolve().parents[1] / "data" / "layouts"
TARGET = 0.95

# What an import of each kind needs: the columns it cannot do without, plus
# who bought or answered (without it every line is anonymous demand) and, for
# feedback, the rating.
_NEEDED: dict[Kind, tuple[str, ...]] = {
    Kind.ORDERS: (*REQUIRED[Kind.ORDERS], Columns.CUSTOMER),
    Kind.FEEDBACK: (*REQUIRED[Kind.FEEDBACK], Columns.CUSTOMER, Columns.RATING),
    Kind.OFFERINGS: REQUIRED[Kind.OFFERINGS],
    Kind.CUSTOMERS: REQUIRED[Kind.CUSTOMERS],
}


@dataclass(frozen=True, slots=True)
class FileResult:
    """How one corpus file was mapped: the needed columns found and missed."""

    file: str
    needed: int
    misses: tuple[str, ...]  # "customer_id: got 'X', expected 'Y'"
    all_expected: int
    all_misses: tuple[str, ...]
    price_is_line_total: bool


@cache
def expected() -> dict[str, dict[str, object]]:
    """The expected kind and mapping of every corpus file."""
    text = (CORPUS / "expected.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def _accepted(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else (str(value),)


@cache
def map_file(name: str) -> FileResult:
    """Map one corpus file as the CLI import does with no --mapping."""
    spec = expected()[name]
    kind = Kind(str(spec["kind"]))
    columns = dict(spec["columns"])  # type: ignore[call-overload]
    mapping = propose_mapping(None, read_table(CORPUS / name)).mapping
    got = mapping.columns() if mapping.kind is kind else {}

    def misses(canonicals: list[str]) -> tuple[str, ...]:
        wrong = []
        for canonical in canonicals:
            source = got.get(canonical)
            if source not in _accepted(columns[canonical]):
                wrong.append(
                    f"{canonical}: got {source!r}, expected {columns[canonical]!r}"
                    + ("" if mapping.kind is kind else f" (read as {mapping.kind})")
                )
        return tuple(wrong)

    needed = [c for c in _NEEDED[kind] if c in columns]
    line_total = columns.get(Columns.AMOUNT)
    return FileResult(
        file=name,
        needed=len(needed),
        misses=misses(needed),
        all_expected=len(columns),
        all_misses=misses(list(columns)),
        price_is_line_total=line_total is not None
        and got.get(Columns.UNIT_PRICE) in _accepted(line_total),
    )


def corpus_share() -> tuple[float, float, list[FileResult]]:
    """Share of needed (and of all expected) columns matched, and each file's result."""
    results = [map_file(name) for name in sorted(expected())]
    needed = sum(r.needed for r in results)
    hits = needed - sum(len(r.misses) for r in results)
    every = sum(r.all_expected for r in results)
    every_hits = every - sum(len(r.all_misses) for r in results)
    return hits / needed, every_hits / every, results


def test_corpus_has_forty_real_layouts() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.suffix in {".csv", ".txt"}}
    assert len(files) >= 40
    assert files == set(expected())


def test_needed_columns_are_found_without_help() -> None:
    share, all_share, results = corpus_share()
    misses = [f"{r.file}: {m}" for r in results for m in r.misses]
    print(
        f"\nneeded columns matched: {share:.1%}; all expected columns: {all_share:.1%}"
    )
    print("\n".join(misses))
    assert share >= TARGET, "\n".join(misses)


def test_a_line_total_is_never_read_as_the_unit_price() -> None:
    _, _, results = corpus_share()
    assert [r.file for r in results if r.price_is_line_total] == []


# Headers for who buys and what, abbreviated and suffixed as exports write them.
BUYERS = (
    "Customer #",
    "Cust Nbr",
    "Customer Cd",
    "Sold-To #",
    "Bill-To #",
    "Acct #",
    "Buyer No.",
    "Client Ref",
    "Member Key",
    "Household Key",
    "Loyalty Card No",
    "Shopper ID",
    "Kd.-Nr.",
    "Verk. an Deb.-Nr.",
    "Auftraggeber",
    "Debiteurnr",
    "N° client",
    "Nº Cliente",
    "Cod. cliente",
    "Codice cliente",
    "Código do cliente",
    "Klantnr",
    "KUNNR",
)
PRODUCTS = (
    "Item #",
    "Item Nbr",
    "Item Cd",
    "Prod Code",
    "Part #",
    "Material No.",
    "Product Key",
    "Article Ref",
    "PLU",
    "UPC",
    "EAN",
    "GTIN",
    "Art.-Nr.",
    "Cod. art.",
    "Codice articolo",
    "Código do produto",
    "Ref. Artigo",
    "Référence article",
    "Artikelnr",
    "MATNR",
)


@pytest.mark.parametrize("header", BUYERS)
def test_words_for_who_buys_name_the_customer(header: str) -> None:
    score = header_score(Columns.CUSTOMER, header)
    assert score >= 0.8
    assert score > header_score(Columns.OFFERING, header)
    assert score > header_score(Columns.ORDER, header)


@pytest.mark.parametrize("header", PRODUCTS)
def test_words_for_what_is_bought_name_the_offering(header: str) -> None:
    score = header_score(Columns.OFFERING, header)
    assert score >= 0.7
    assert score > header_score(Columns.CUSTOMER, header)
    assert score > header_score(Columns.ORDER, header)


@pytest.mark.parametrize(
    "header", ["Ext Price", "Ext Amt", "Extended Amount", "Line Total", "Line Value"]
)
def test_a_line_total_header_names_the_amount_not_the_unit_price(header: str) -> None:
    assert header_score(Columns.AMOUNT, header) > header_score(
        Columns.UNIT_PRICE, header
    )


@pytest.mark.slow
def test_cli_imports_every_layout_without_a_mapping(tmp_path: Path, capsys) -> None:
    # Orders without any customer (Amazon's orders report names no buyer) need
    # the explicit --no-customers; refused without it, saying what to do.
    failed = []
    for name, layout in sorted(expected().items()):
        project = tmp_path / f"{Path(name).stem}.pushwise"
        args = ["import", str(CORPUS / name), "--project", str(project)]
        if _anonymous_orders(layout):
            if main(args) != 3 or "--no-customers" not in capsys.readouterr().err:
                failed.append(f"{name}: imported without customers, unasked")
            args.append("--no-customers")
        code = main(args)
        if code != 0:
            failed.append(f"{name}: exit {code}")
    assert failed == []


def _anonymous_orders(layout: dict[str, object]) -> bool:
    columns = layout["columns"]
    assert isinstance(columns, dict)
    return layout["kind"] == Kind.ORDERS and Columns.CUSTOMER not in columns
