"""Guess which header of a file fills which canonical column, and how surely.

Evidence, strongest first:

* a known export layout, recognised from its header set: 0.97 (0.9 for the
  generic survey layout; lower where a candidate is a known second best, e.g.
  WooCommerce's order total as line amount 0.75);
* header words (ml.mapping.synonyms, five languages): the phrase's strength
  times 0.94 when the header is the phrase, about 0.5-0.72 when the phrase is
  part of the header, 0.42-0.6 inside a compound word ("Lieferdatum"), halved
  when the header is about something else ("Customer City");
* the values (ml.mapping.values): a score in [0, 1] of how well they fit.
  Fitting values move a clear header part of the way to 1; contrary values
  cut it (to a third for typed columns: dates, numbers, ratings, names);
  values alone propose a column only under a generic header ("col3") or,
  for dates, ratings, comments and countries, under unknown words, and never
  above 0.55 so the user is asked.

Guesses under 0.4 are dropped. Each canonical column takes at most one header
and each header fills at most one column: the surest pairs are settled first.

Then, for orders, how columns go together (ml.mapping.relations) settles what
names left open or got wrong: the offering and customer among unnamed code
columns (0.75), unit price against line amount from quantity x price; each
such match carries the evidence in words, shown to the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ml.columns import CANONICAL, DATE_COLUMNS, Columns, Kind
from ml.mapping import relations
from ml.mapping.evidence import (
    MIN_CONFIDENCE,
    VALUES_ONLY_MAX,
    VALUES_ONLY_MIN,
    Evidence,
    Sample,
    combine,
    evidence_of,
)
from ml.mapping.headers import header_score
from ml.mapping.kind import infer_kind
from ml.mapping.layouts import Layout
from ml.mapping.mapping import ColumnMapping, ColumnMatch
from ml.mapping.normalize import (
    header_form,
    header_keys_of,
    is_generic_header,
    layout_signature,
)
from ml.mapping.recognition import HeaderFinder, detect_layout, split_candidate
from ml.mapping.saved import apply_saved
from ml.mapping.values import (
    IDS,
    MONEY,
    NAMES,
    detect_cancellation_prefix,
    id_role,
    value_score,
)

# The whole inference API in one place (the importer imports it from here).
__all__ = [
    "apply_saved",
    "infer_kind",
    "infer_mapping",
    "layout_signature",
]

_C = Columns
_ALL_CANONICALS = tuple(dict.fromkeys(c for cs in CANONICAL.values() for c in cs))

# Columns values alone can recognise under a header that says nothing ("col3",
# "Feld 7"); a label (category, channel, status) looks like any other short
# text, so it always needs a header.
_BY_VALUES = (
    IDS
    | MONEY
    | NAMES
    | DATE_COLUMNS
    | {_C.QUANTITY, _C.RATING, _C.COMMENT, _C.COUNTRY}
)
# Under a header with words we do not know ("Belegdat.", "payment_sequential"),
# only values that are unmistakable: small numbers may count anything, and a
# code may be any id.
_BY_DISTINCT_VALUES = DATE_COLUMNS | {_C.RATING, _C.COMMENT, _C.COUNTRY}
# Header words that say a column holds references: never guessed as a quantity,
# price or name from its values, however small its numbers are.
_REFERENCE_WORDS = frozenset({"id", "number", "code", "key", "ref", "reference"})


def infer_mapping(
    headers: Sequence[str], sample: Sample, kind: Kind | str
) -> ColumnMapping:
    """Map a file's headers onto the canonical columns of `kind`, with confidences."""
    kind = Kind(kind)
    ev = evidence_of(headers, sample)
    canonicals = CANONICAL[kind]
    chosen: dict[str, ColumnMatch] = {}
    match = detect_layout(ev.headers, kind)
    layout = match.layout if match is not None else None
    if layout is not None:
        for canonical, (source, confidence) in _from_layout(layout, ev).items():
            if canonical in canonicals:
                score = value_score(canonical, ev.profile(source))
                confidence = combine(confidence, score, canonical)
                chosen[canonical] = ColumnMatch(
                    canonical, source, round(confidence, 3), "layout"
                )
    # Headers a recognised layout knows but did not map are known to be other
    # things (Shopify's order "Total" is no line amount): synonyms skip them.
    known = layout.marker_keys if layout is not None else frozenset()
    _assign(ev, canonicals, chosen, skip=known)
    _fix_value_guesses(ev, chosen)
    if kind is Kind.ORDERS:
        # Where names do not decide, how columns go together does.
        relations.apply(chosen, relations.decide_ids(ev, chosen))
        relations.apply(chosen, relations.decide_money(ev, chosen))
    matches = tuple(
        chosen.get(c, ColumnMatch(c, None, 0.0, "none")) for c in canonicals
    )
    used = {m.source for m in matches}
    order_source = chosen[_C.ORDER].source if _C.ORDER in chosen else None
    prefix = None
    if order_source is not None and ev.has_values(order_source):
        prefix = detect_cancellation_prefix(ev.sample[order_source])
    if prefix is None and layout is not None and order_source is not None:
        prefix = layout.cancellation_prefix
    candidates: tuple[str, ...] = ()
    if kind is Kind.ORDERS and _C.CUSTOMER not in chosen:
        candidates = tuple(relations.customer_candidates(ev, chosen))
    return ColumnMapping(
        kind=kind,
        matches=matches,
        unmapped_sources=tuple(h for h in ev.headers if h not in used),
        layout=layout.name if layout is not None else None,
        cancellation_prefix=prefix,
        customer_candidates=candidates,
    )


def _from_layout(layout: Layout, ev: Evidence) -> dict[str, tuple[str, float]]:
    """Pick each canonical column's header among the layout's candidates."""
    finder = HeaderFinder(ev.headers)
    result: dict[str, tuple[str, float]] = {}
    taken: set[str] = set()
    for canonical, candidates in layout.columns.items():
        fallback: tuple[str, float] | None = None
        for candidate in candidates:
            spelling, confidence = split_candidate(candidate, layout.confidence)
            header = finder.find(spelling)
            if header is None or header in taken:
                continue
            if _usable(ev, header):
                result[canonical] = (header, confidence)
                break
            if fallback is None:
                # Mostly empty here (Shopify fills order fields on an order's
                # first line only): still the right column if nothing better.
                fallback = (header, confidence)
        else:
            if fallback is not None:
                result[canonical] = fallback
        if canonical in result:
            taken.add(result[canonical][0])
    return result


def _usable(ev: Evidence, header: str) -> bool:
    """Whether a column has values worth mapping (not mostly empty or "0")."""
    if not ev.has_values(header):
        return True  # no sample: trust the layout
    profile = ev.profile(header)
    return profile.filled >= 0.5 and profile.zeros < 0.5


def _assign(
    ev: Evidence,
    canonicals: tuple[str, ...],
    chosen: dict[str, ColumnMatch],
    *,
    skip: frozenset[str],
) -> None:
    """Settle the remaining columns from header words and values, surest pairs first."""
    used = {m.source for m in chosen.values()}
    free = [
        h
        for h in ev.headers
        if h not in used and not any(k in skip for k in header_keys_of(h))
    ]
    candidates: list[tuple[float, int, int, str, str, str]] = []
    for ci, canonical in enumerate(canonicals):
        if canonical in chosen:
            continue
        for hi, header in enumerate(free):
            confidence, method = _pair(ev, canonical, header)
            if confidence >= MIN_CONFIDENCE:
                candidates.append((confidence, ci, hi, canonical, header, method))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    taken: set[str] = set()
    for confidence, _, _, canonical, header, method in candidates:
        if canonical in chosen or header in taken:
            continue
        chosen[canonical] = ColumnMatch(canonical, header, round(confidence, 3), method)
        taken.add(header)


def _pair(ev: Evidence, canonical: str, header: str) -> tuple[float, str]:
    """Confidence and method for one (canonical, header) pair."""
    by_header = header_score(canonical, header)
    profile = ev.profile(header)
    by_values = value_score(canonical, profile) if profile.count else None
    if by_header > 0:
        return combine(by_header, by_values, canonical), "synonym"
    if by_values is None or by_values < VALUES_ONLY_MIN or profile.count < 3:
        return 0.0, "none"
    # Values alone: never above VALUES_ONLY_MAX, so the user is asked.
    if canonical in IDS and max(profile.codes, profile.emails) < 0.8:
        return 0.0, "none"  # without a header, only codes and e-mails pass as ids
    if canonical in _BY_VALUES and is_generic_header(header):
        role = id_role(canonical, profile) if canonical in IDS else 1.0
        return VALUES_ONLY_MAX * by_values * role, "values"
    if canonical in _BY_DISTINCT_VALUES and _unknown_words(header):
        return VALUES_ONLY_MAX * by_values, "values"
    return 0.0, "none"


@lru_cache(maxsize=4096)
def _unknown_words(header: str) -> bool:
    """Whether no header word names any canonical column or a kind of reference."""
    words = set(header_form(header).tokens)
    if words & _REFERENCE_WORDS:
        return False
    return all(header_score(c, header) < MIN_CONFIDENCE for c in _ALL_CANONICALS)


def _fix_value_guesses(ev: Evidence, chosen: dict[str, ColumnMatch]) -> None:
    """Correct value-only guesses that values alone cannot tell apart."""

    def by_values(canonical: str) -> ColumnMatch | None:
        match = chosen.get(canonical)
        return match if match is not None and match.method == "values" else None

    def swap(a: str, b: str) -> None:
        ma, mb = chosen[a], chosen[b]
        chosen[a] = ColumnMatch(a, mb.source, mb.confidence, "values")
        chosen[b] = ColumnMatch(b, ma.source, ma.confidence, "values")

    order, customer = by_values(_C.ORDER), by_values(_C.CUSTOMER)
    # A customer places several orders, so orders have more distinct ids.
    if (
        order
        and customer
        and order.source
        and customer.source
        and ev.profile(customer.source).distinct > ev.profile(order.source).distinct
    ):
        swap(_C.ORDER, _C.CUSTOMER)
    # Two money columns are told apart by their values (ml.mapping.relations).
    amount = by_values(_C.AMOUNT)
    if amount and _C.QUANTITY in chosen and _C.UNIT_PRICE not in chosen:
        # With a quantity beside it, a lone money column is more often the unit
        # price (the line amount is then quantity x price).
        chosen[_C.UNIT_PRICE] = ColumnMatch(
            _C.UNIT_PRICE, amount.source, amount.confidence, "values"
        )
        del chosen[_C.AMOUNT]
