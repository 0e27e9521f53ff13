"""Remembered mappings: reuse the user's confirmed mapping for the next export."""

from __future__ import annotations

from collections.abc import Sequence

from ml.columns import Kind
from ml.mapping.mapping import ColumnMapping, ColumnMatch
from ml.mapping.normalize import data_headers, squashed
from ml.mapping.width import check_width


def apply_saved(
    mapping_json: str, headers: Sequence[str], kind: Kind | str
) -> ColumnMapping | None:
    """Return a remembered mapping if every header it uses is in the file, else None.

    Raises InputDataError if the remembered mapping itself is damaged, or the
    file is too wide to be an export.
    """
    check_width(headers)
    saved = ColumnMapping.from_json(mapping_json, file="saved column mapping")
    if saved.kind != Kind(kind):
        return None
    present = data_headers(headers)
    by_name = {squashed(h): h for h in reversed(present)}
    matches = []
    for m in saved.matches:
        if m.source is None:
            matches.append(ColumnMatch(m.canonical, None, 0.0, "none"))
            continue
        source = m.source if m.source in present else by_name.get(squashed(m.source))
        if source is None:
            return None
        matches.append(ColumnMatch(m.canonical, source, 1.0, "saved"))
    used = {m.source for m in matches}
    if len(used - {None}) != sum(m.source is not None for m in matches):
        return None  # two saved headers differ only in case here: ask again
    return ColumnMapping(
        kind=saved.kind,
        matches=tuple(matches),
        unmapped_sources=tuple(h for h in present if h not in used),
        layout=saved.layout,
        day_first=saved.day_first,
        cancellation_prefix=saved.cancellation_prefix,
    )
