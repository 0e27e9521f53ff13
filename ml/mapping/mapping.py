"""The column mapping: which header fills which canonical column, and how surely."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from ml.columns import CANONICAL, REQUIRED, Kind
from ml.errors import InputDataError

METHODS = ("layout", "synonym", "values", "saved", "user", "none")
JSON_VERSION = 1

_EDIT_HINT = (
    "Fix the file or delete it and map the columns again; a mapping file looks like "
    '{"version": 1, "kind": "orders", "columns": {"customer_id": "CustomerID"}}.'
)


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """One canonical column and the header chosen for it (None: not in the file)."""

    canonical: str
    source: str | None
    confidence: float  # 0..1, shown to the user for confirmation
    method: str  # "layout" | "synonym" | "values" | "saved" | "user" | "none"
    # Which values decided, in plain words ("chosen from its values: one per
    # order, repeats across orders"); "" when the header alone decided.
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """How a file's headers map onto the canonical columns of one kind of table."""

    kind: Kind
    matches: tuple[ColumnMatch, ...]  # one per column in CANONICAL[kind], in that order
    unmapped_sources: tuple[str, ...]  # file headers not used
    layout: str | None = None  # e.g. "UCI Online Retail", "Shopify orders"
    day_first: bool | None = None  # user's override of the date order (None: detect)
    cancellation_prefix: str | None = (
        None  # order ids starting with it are cancellations
    )
    # Orders mapped without a customer: unused id-like columns that may hold
    # it, for asking the user. Proposed, not part of what is saved.
    customer_candidates: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", Kind(self.kind))  # "orders" -> Kind.ORDERS
        expected = CANONICAL[self.kind]
        got = tuple(m.canonical for m in self.matches)
        if got != expected:
            raise ValueError(f"matches must cover {expected} in order, got {got}")
        sources = [m.source for m in self.matches if m.source is not None]
        if len(sources) != len(set(sources)):
            raise ValueError(f"a header is mapped to two columns: {sources}")
        for m in self.matches:
            if m.method not in METHODS or not 0.0 <= m.confidence <= 1.0:
                raise ValueError(f"bad match {m}")

    def source_of(self, canonical: str) -> str | None:
        """Return the header mapped to a canonical column (None: unmapped)."""
        return self.match_for(canonical).source

    def match_for(self, canonical: str) -> ColumnMatch:
        """Return the match of one canonical column of this kind."""
        for match in self.matches:
            if match.canonical == canonical:
                return match
        raise KeyError(f"{canonical!r} is not a column of {self.kind.value} files")

    def columns(self) -> dict[str, str | None]:
        """Return {canonical: header or None} in canonical order."""
        return {m.canonical: m.source for m in self.matches}

    def with_source(self, canonical: str, source: str | None) -> ColumnMapping:
        """Return the mapping after the user picked `source` for `canonical`."""
        old = self.match_for(canonical).source
        matches = []
        for m in self.matches:
            if m.canonical == canonical:
                matches.append(ColumnMatch(canonical, source, 1.0, "user"))
            elif source is not None and m.source == source:
                # A header fills one column: taking it here frees the other one.
                matches.append(ColumnMatch(m.canonical, None, 0.0, "none"))
            else:
                matches.append(m)
        unmapped = [s for s in self.unmapped_sources if s != source]
        freed = [m.source for m in self.matches if m.source == source] + [old]
        for header in freed:
            if header is not None and header != source and header not in unmapped:
                unmapped.append(header)
        return replace(self, matches=tuple(matches), unmapped_sources=tuple(unmapped))

    def missing_required(self) -> tuple[str, ...]:
        """Return the required canonical columns that no header fills."""
        return tuple(c for c in REQUIRED[self.kind] if self.source_of(c) is None)

    def to_json(self) -> str:
        """Return the mapping as versioned, human-editable JSON."""
        data: dict[str, Any] = {
            "version": JSON_VERSION,
            "kind": self.kind.value,
            "columns": self.columns(),
            "day_first": self.day_first,
            "cancellation_prefix": self.cancellation_prefix,
            "layout": self.layout,
            "unmapped": list(self.unmapped_sources),
            # How each column was found. "columns" is what counts: an entry
            # edited there by hand no longer matches its detail and becomes "saved".
            "details": {
                m.canonical: {
                    "source": m.source,
                    "confidence": m.confidence,
                    "method": m.method,
                    **({"evidence": m.evidence} if m.evidence else {}),
                }
                for m in self.matches
            },
        }
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, *, file: str = "mapping") -> ColumnMapping:
        """Read a mapping written by `to_json` or by hand; InputDataError if bad."""
        return _Reader(file).read(text)


class _Reader:
    """Reads mapping JSON, naming the file and the entry at fault in every error."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, reason: str, row: int | None = None) -> InputDataError:
        return InputDataError(reason, file=self.file, row=row, hint=_EDIT_HINT)

    def read(self, text: str) -> ColumnMapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise self.fail(
                f"is not valid JSON ({error.msg} at column {error.colno}).",
                row=error.lineno,
            ) from None
        except (TypeError, UnicodeDecodeError) as error:
            raise self.fail(f"is not JSON text ({error}).") from None
        if not isinstance(data, dict):
            raise self.fail("is not a column mapping (expected a JSON object).")
        kind = self._kind(data)
        columns = self._columns(data, kind)
        details = self._details(data, kind)
        matches = []
        for canonical in CANONICAL[kind]:
            source = columns.get(canonical)
            detail = details.get(canonical)
            if detail is not None and detail[0] == source:
                # Unchanged since it was saved: keep how it was found.
                matches.append(ColumnMatch(canonical, source, *detail[1:]))
            elif source is None:
                matches.append(ColumnMatch(canonical, None, 0.0, "none"))
            else:  # written or changed by hand
                matches.append(ColumnMatch(canonical, source, 1.0, "saved"))
        used = set(columns.values())
        unmapped = self._strings(data, "unmapped")
        return ColumnMapping(
            kind=kind,
            matches=tuple(matches),
            unmapped_sources=tuple(s for s in unmapped if s not in used),
            layout=self._optional(data, "layout", str),
            day_first=self._optional(data, "day_first", bool),
            cancellation_prefix=self._prefix(data),
        )

    def _kind(self, data: dict[str, Any]) -> Kind:
        version = data.get("version", JSON_VERSION)  # hand-written files may omit it
        if type(version) is not int or version < 1:
            raise self.fail(f'has an invalid "version": {version!r}.')
        if version > JSON_VERSION:
            raise self.fail(
                f"was written by a newer Pushwise (mapping version {version}, this "
                f"version reads up to {JSON_VERSION})."
            )
        kind = data.get("kind")
        try:
            return Kind(str(kind))
        except ValueError:
            known = ", ".join(k.value for k in Kind)
            raise self.fail(
                f'has an unknown "kind": {kind!r} (known: {known}).'
            ) from None

    def _columns(self, data: dict[str, Any], kind: Kind) -> dict[str, str | None]:
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise self.fail('has no "columns" object ({"canonical": "header", ...}).')
        seen: dict[str, str] = {}
        for canonical, source in columns.items():
            if canonical not in CANONICAL[kind]:
                allowed = ", ".join(CANONICAL[kind])
                raise self.fail(
                    f"names the column {canonical!r}, which {kind.value} files do not "
                    f"have (they have: {allowed})."
                )
            if source is None:
                continue
            if not isinstance(source, str) or not source:
                raise self.fail(
                    f"maps {canonical!r} to {source!r}; expected a header name or null."
                )
            if source in seen:
                raise self.fail(
                    f"maps the header {source!r} to both {seen[source]!r} and "
                    f"{canonical!r}; a header can fill one column only."
                )
            seen[source] = canonical
        return dict(columns)

    def _details(
        self, data: dict[str, Any], kind: Kind
    ) -> dict[str, tuple[str | None, float, str, str]]:
        details = data.get("details", {})
        if not isinstance(details, dict):
            raise self.fail('has a "details" entry that is not an object.')
        result: dict[str, tuple[str | None, float, str, str]] = {}
        for canonical, entry in details.items():
            if canonical not in CANONICAL[kind] or not isinstance(entry, dict):
                continue  # detail of a column edited away: harmless, ignored
            source = entry.get("source")
            confidence = entry.get("confidence")
            method = entry.get("method")
            if (
                (source is None or isinstance(source, str))
                and isinstance(confidence, int | float)
                and not isinstance(confidence, bool)
                and 0.0 <= confidence <= 1.0
                and method in METHODS
            ):
                evidence = entry.get("evidence", "")
                evidence = evidence if isinstance(evidence, str) else ""
                result[canonical] = (source, float(confidence), method, evidence)
        return result

    def _strings(self, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise self.fail(f'has a "{key}" entry that is not a list of header names.')
        return value

    def _optional(self, data: dict[str, Any], key: str, kind: type) -> Any:
        value = data.get(key)
        if value is not None and type(value) is not kind:
            expected = "true, false or null" if kind is bool else "text or null"
            raise self.fail(f'has "{key}": {value!r}; expected {expected}.')
        return value

    def _prefix(self, data: dict[str, Any]) -> str | None:
        prefix: str | None = self._optional(data, "cancellation_prefix", str)
        if prefix is not None and not prefix.strip():
            raise self.fail('has an empty "cancellation_prefix"; use null for none.')
        return prefix
