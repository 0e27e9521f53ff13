"""Recognise a known export layout from a file's headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ml.columns import Kind
from ml.mapping.layouts import LAYOUTS, Layout
from ml.mapping.normalize import header_keys_of, squashed


@dataclass(frozen=True, slots=True)
class LayoutMatch:
    """A layout recognised in a file, with the share of its typical headers found."""

    layout: Layout
    coverage: float


def detect_layout(
    headers: Sequence[str], kind: Kind | None = None
) -> LayoutMatch | None:
    """Return the known layout these headers come from (of `kind` if given), if any."""
    raw = frozenset(squashed(h) for h in headers)
    best: LayoutMatch | None = None
    for layout in LAYOUTS:
        if kind is not None and layout.kind != kind:
            continue
        found = layout.found_markers(headers)
        if found < layout.min_markers:
            continue
        if not all(raw.intersection(map(squashed, g)) for g in layout.required):
            continue
        coverage = found / len(layout.markers)
        if best is None or coverage > best.coverage:
            best = LayoutMatch(layout, coverage)
    return best


def split_candidate(candidate: str, default: float) -> tuple[str, float]:
    """Split "Header=0.8" into the header and its confidence."""
    header, _, confidence = candidate.rpartition("=")
    if not header:
        return candidate, default
    return header, float(confidence)


class HeaderFinder:
    """Finds a file's header by any spelling of it ("Lineitem SKU", "lineitem_sku")."""

    def __init__(self, headers: Sequence[str]) -> None:
        self._by_key: dict[str, str] = {}
        for header in headers:
            for key in header_keys_of(header):
                self._by_key.setdefault(key, header)

    def find(self, spelling: str) -> str | None:
        """Return the file's header spelled like `spelling`, if any."""
        for key in header_keys_of(spelling):
            if key in self._by_key:
                return self._by_key[key]
        return None
