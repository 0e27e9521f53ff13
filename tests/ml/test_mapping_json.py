"""The mapping as a value: user changes, JSON files, remembered mappings, signatures."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.columns import CANONICAL, Kind
from ml.errors import InputDataError
from ml.mapping import (
    ColumnMapping,
    ColumnMatch,
    apply_saved,
    infer_mapping,
    layout_signature,
)
from ml.mapping.mapping import METHODS

RETAIL = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


@pytest.fixture
def retail() -> ColumnMapping:
    return infer_mapping(RETAIL, {}, Kind.ORDERS)


# --- user changes -------------------------------------------------------------


def test_a_user_choice_is_certain_and_frees_the_header_it_replaces(retail) -> None:
    changed = retail.with_source("offering_id", "Description")
    assert changed.match_for("offering_id") == ColumnMatch(
        "offering_id", "Description", 1.0, "user"
    )
    # "Description" can fill one column only: the product name loses it.
    assert changed.source_of("offering_name") is None
    assert "StockCode" in changed.unmapped_sources
    assert "Description" not in changed.unmapped_sources


def test_a_user_can_unmap_a_column(retail) -> None:
    changed = retail.with_source("country", None)
    assert changed.source_of("country") is None
    assert changed.match_for("country").method == "user"
    assert "Country" in changed.unmapped_sources


def test_unknown_canonical_columns_are_refused(retail) -> None:
    with pytest.raises(KeyError, match="rating"):
        retail.source_of("rating")


def test_a_mapping_cannot_use_one_header_twice() -> None:
    matches = tuple(ColumnMatch(c, "A", 1.0, "user") for c in CANONICAL[Kind.CUSTOMERS])
    with pytest.raises(ValueError, match="two columns"):
        ColumnMapping(Kind.CUSTOMERS, matches, ())


# --- JSON -----------------------------------------------------------------------


def test_json_is_versioned_and_readable(retail) -> None:
    data = json.loads(retail.to_json())
    assert data["version"] == 1
    assert data["kind"] == "orders"
    assert data["columns"]["customer_id"] == "CustomerID"
    assert data["columns"]["amount"] is None
    assert data["cancellation_prefix"] == "C"
    assert data["day_first"] is None
    assert ColumnMapping.from_json(retail.to_json()) == retail


def test_a_hand_edited_column_counts_as_saved(retail) -> None:
    data = json.loads(retail.to_json())
    data["columns"]["customer_id"] = "Country"
    data["columns"]["country"] = None
    data["day_first"] = True
    edited = ColumnMapping.from_json(json.dumps(data))
    assert edited.match_for("customer_id") == ColumnMatch(
        "customer_id", "Country", 1.0, "saved"
    )
    assert edited.source_of("country") is None
    assert edited.match_for("offering_id").method == "layout"  # untouched
    assert edited.day_first is True


def test_a_minimal_hand_written_mapping_is_read() -> None:
    text = (
        '{"kind": "feedback", "columns": {"submitted_at": "Datum", "rating": "Note"}}'
    )
    mapping = ColumnMapping.from_json(text)
    assert mapping.kind is Kind.FEEDBACK
    assert mapping.source_of("rating") == "Note"
    assert mapping.source_of("comment") is None
    assert mapping.missing_required() == ()


_canonical_kinds = st.sampled_from(list(Kind))
_headers = st.text(min_size=1, max_size=12)


@st.composite
def mappings(draw: st.DrawFn) -> ColumnMapping:
    kind = draw(_canonical_kinds)
    columns = CANONICAL[kind]
    sources = draw(
        st.lists(st.one_of(st.none(), _headers), min_size=len(columns),
                 max_size=len(columns))
    )  # fmt: skip
    seen: set[str] = set()
    matches = []
    for canonical, source in zip(columns, sources, strict=True):
        if source in seen:
            source = None
        if source is not None:
            seen.add(source)
        matches.append(
            ColumnMatch(
                canonical,
                source,
                draw(st.floats(0.0, 1.0)),
                draw(st.sampled_from(METHODS)),
            )
        )
    unmapped = draw(st.lists(_headers, max_size=4, unique=True))
    return ColumnMapping(
        kind=kind,
        matches=tuple(matches),
        unmapped_sources=tuple(u for u in unmapped if u not in seen),
        layout=draw(st.one_of(st.none(), st.text(max_size=20))),
        day_first=draw(st.one_of(st.none(), st.booleans())),
        cancellation_prefix=draw(
            st.one_of(st.none(), st.text(min_size=1, max_size=3).filter(str.strip))
        ),
    )


@given(mappings())
def test_any_mapping_round_trips_through_json(mapping: ColumnMapping) -> None:
    assert ColumnMapping.from_json(mapping.to_json()) == mapping


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not valid JSON"),
        ('{"kind": "orders", "columns": {', "is not valid JSON"),
        ("[1, 2]", "not a column mapping"),
        ('{"version": 2, "kind": "orders", "columns": {}}', "newer Pushwise"),
        ('{"version": "1", "kind": "orders", "columns": {}}', "invalid \"version\""),
        ('{"version": 1, "kind": "invoices", "columns": {}}', "unknown \"kind\""),
        ('{"version": 1, "kind": "orders"}', 'no "columns"'),
        ('{"version": 1, "kind": "orders", "columns": {"rating": "Stars"}}',
         "'rating', which orders files do not have"),
        ('{"version": 1, "kind": "orders", "columns": {"quantity": 3}}',
         "expected a header name or null"),
        ('{"version": 1, "kind": "orders", "columns": '
         '{"quantity": "Qty", "amount": "Qty"}}', "a header can fill one column"),
        ('{"version": 1, "kind": "orders", "columns": {}, "day_first": "yes"}',
         "expected true, false or null"),
        ('{"version": 1, "kind": "orders", "columns": {}, "cancellation_prefix": ""}',
         "empty \"cancellation_prefix\""),
        ('{"version": 1, "kind": "orders", "columns": {}, "unmapped": "A"}',
         "not a list of header names"),
    ],
)  # fmt: skip
def test_a_bad_mapping_file_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(InputDataError) as error:
        ColumnMapping.from_json(text, file="shop-mapping.json")
    message = str(error.value)
    assert message.startswith("shop-mapping.json")
    assert reason in message
    assert "map the columns again" in message  # what to do


def test_a_json_syntax_error_names_the_line() -> None:
    with pytest.raises(InputDataError) as error:
        ColumnMapping.from_json('{\n  "kind": "orders",\n  oops\n}', file="m.json")
    assert error.value.row == 3
    assert str(error.value).startswith("m.json, row 3: is not valid JSON")


# --- remembered mappings -----------------------------------------------------------


def test_a_saved_mapping_is_reused_when_its_headers_are_there(retail) -> None:
    saved = retail.with_source("offering_name", None).to_json()
    reordered = [*reversed(RETAIL), "Extra"]
    again = apply_saved(saved, reordered, Kind.ORDERS)
    assert again is not None
    assert again.source_of("customer_id") == "CustomerID"
    assert again.source_of("offering_name") is None  # the user's choice is kept
    assert {m.method for m in again.matches if m.source} == {"saved"}
    assert {m.confidence for m in again.matches if m.source} == {1.0}
    assert set(again.unmapped_sources) == {"Description", "Extra"}
    assert again.cancellation_prefix == "C"


def test_a_saved_mapping_follows_a_change_of_case(retail) -> None:
    again = apply_saved(retail.to_json(), [h.upper() for h in RETAIL], Kind.ORDERS)
    assert again is not None
    assert again.source_of("customer_id") == "CUSTOMERID"


def test_a_saved_mapping_does_not_fit_other_headers_or_kinds(retail) -> None:
    assert apply_saved(retail.to_json(), RETAIL[:-1], Kind.ORDERS) is None
    assert apply_saved(retail.to_json(), RETAIL, Kind.FEEDBACK) is None


def test_a_damaged_saved_mapping_raises() -> None:
    with pytest.raises(InputDataError, match="saved column mapping"):
        apply_saved("{broken", RETAIL, Kind.ORDERS)


# --- layout signatures -----------------------------------------------------------


def test_the_signature_ignores_column_order_and_spelling() -> None:
    base = layout_signature(RETAIL)
    assert layout_signature(list(reversed(RETAIL))) == base
    assert layout_signature([h.lower() for h in RETAIL]) == base
    assert layout_signature([h.upper() for h in RETAIL]) == base
    assert layout_signature([*RETAIL, "__line__"]) == base  # the reader's column


def test_the_signature_changes_with_the_header_set() -> None:
    assert layout_signature(RETAIL[:-1]) != layout_signature(RETAIL)
    assert layout_signature([*RETAIL, "Notes"]) != layout_signature(RETAIL)


def test_the_signature_is_stable_across_versions() -> None:
    # Saved in projects: changing it would forget every remembered mapping.
    assert layout_signature(["Customer", "Product", "Date"]) == layout_signature(
        ["date", "PRODUCT", "customer"]
    )
    assert layout_signature(["Customer", "Product", "Date"]) == (
        "v1-8c21948105d8eb61531277ef"
    )


@given(st.lists(st.text(max_size=10), max_size=8), st.randoms())
def test_any_header_order_gives_the_same_signature(headers, random) -> None:
    shuffled = list(headers)
    random.shuffle(shuffled)
    assert layout_signature(shuffled) == layout_signature(headers)
