"""Guess what a file holds: orders, feedback, offerings, customers or contacts."""

from __future__ import annotations

from collections.abc import Sequence

from ml.columns import Columns, Kind
from ml.mapping.evidence import Evidence, Sample, evidence_of
from ml.mapping.normalize import is_generic_header
from ml.mapping.recognition import detect_layout
from ml.mapping.values import value_score

_C = Columns


def infer_kind(headers: Sequence[str], sample: Sample) -> Kind:
    """Guess whether a file holds orders, feedback, offerings, customers or
    contacts (a CRM's contact history)."""
    ev = evidence_of(headers, sample)
    match = detect_layout(ev.headers)
    if match is not None:
        return match.layout.kind
    sales = ev.has(_C.QUANTITY, _C.AMOUNT, _C.UNIT_PRICE)
    if not sales and (ev.has(_C.CONTACTED_AT, _C.CONTROL) or ev.has(_C.CAMPAIGN)):
        return Kind.CONTACTS  # who was contacted with what, when
    if ev.has(_C.RATING) or (ev.has(_C.COMMENT) and not sales):
        return Kind.FEEDBACK
    customer, offering, order = (
        ev.has(_C.CUSTOMER),
        ev.has(_C.OFFERING),
        ev.has(_C.ORDER),
    )
    if all(map(is_generic_header, ev.headers)):
        by_values = _kind_by_values(ev)
        if by_values is not None:
            return by_values
    dated = ev.has(_C.ORDERED_AT, _C.SUBMITTED_AT) or any(
        ev.profile(h).dates >= 0.8 for h in ev.headers
    )
    if not offering and customer and (not dated or _unique(ev, _C.CUSTOMER)):
        return Kind.CUSTOMERS  # one row per customer: a customer table
    if not dated:
        if (offering or ev.has(_C.CATEGORY)) and not customer and not order:
            return Kind.OFFERINGS  # a catalogue
        if not (offering or order):
            return Kind.CUSTOMERS  # attributes and totals per person, no purchases
    return Kind.ORDERS


def _unique(ev: Evidence, canonical: str) -> bool:
    source = ev.best_source(canonical)
    if source is None:
        return False
    profile = ev.profile(source)
    return profile.count >= 2 and profile.distinct == profile.count


def _kind_by_values(ev: Evidence) -> Kind | None:
    """Kind of a file whose headers say nothing (col1, col2...), from its values."""
    profiles = [ev.profile(h) for h in ev.headers]
    rated = any(p.rating and p.numbers > 0.9 and p.distinct <= 11 for p in profiles)
    texts = any((value_score(_C.COMMENT, p) or 0.0) >= 0.7 for p in profiles)
    # Quantities look like ratings and product names like comments: prices
    # tell an order line from a review.
    priced = any(p.numbers > 0.9 and p.money > 0.5 for p in profiles)
    if rated and texts and not priced:
        return Kind.FEEDBACK
    if any(p.dates >= 0.8 for p in profiles):
        return Kind.ORDERS
    return None
