"""The import report: where every row of a file ended up, and how it was read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ml.columns import Kind
from ml.mapping.mapping import ColumnMapping
from ml.reading.model import ReadInfo

REASON_TEXT: dict[str, str] = {
    "duplicate_line": "exact duplicate of an earlier line (kept once)",
    "already_imported": "already in the project from an earlier import",
    "duplicate_id": "the same id appears again later in the file (later row used)",
    "missing_offering_id": "no offering (product)",
    "missing_ordered_at": "no order date",
    "missing_quantity": "no quantity",
    "missing_submitted_at": "no feedback date",
    "missing_customer_id": "no customer id",
    "missing_contacted_at": "no contact date",
    "missing_reference": "no customer, order or offering",
    "bad_date": "not a date",
    "bad_quantity": "quantity is not a number",
    "zero_quantity": "quantity is zero",
    "bad_amount": "amount is not a number",
    "bad_price": "price is not a number",
    "bad_margin": "margin is not a number",
    "bad_rating": "rating not on the file's scale",
    "bad_flag": "not yes or no",
    "not_purchased": "status says lost deal, failed payment or abandoned",
    "negative_amount": "negative amount with positive quantity (adjustment)",
    "empty_feedback": "no rating and no comment",
    "wrong_field_count": "wrong number of fields on the line",
    "unclosed_quote": "a quote that is never closed on the line",
    "nul_byte": "a NUL byte (binary data) on the line",
    "implausible_quantity": "quantity beyond plausible limits (over 10 million "
    "units or under a millionth)",
    "implausible_amount": "amount beyond plausible limits (over "
    "1,000,000,000,000, or not a finite number)",
    "implausible_price": "price beyond plausible limits (over "
    "1,000,000,000,000, or not a finite number)",
    "implausible_margin": "margin beyond plausible limits",
    "implausible_line": "quantity times price (or amount over quantity) beyond "
    "plausible limits",
    "implausible_date": "date before 1900 or more than a year ahead",
    "missing_join_key": "no key to join the line with its related file",
    "not_in_joined_file": "its order or customer is not in the related file",
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import did: counts by outcome, rejects by reason, and how the file
    was read and mapped."""

    file: str
    kind: Kind
    import_id: int | None  # None when the same file was imported before
    rows_read: int
    rows_imported: int
    rows_returns: int
    rows_rejected: int
    reasons: Mapping[str, int]
    read_info: ReadInfo
    mapping: ColumnMapping
    formats: Mapping[str, str] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    previous_import_id: int | None = None
    # imported lines the export got half right, by ml/importing/repairs.py code
    adjusted: Mapping[str, int] = field(default_factory=dict)

    @property
    def already_imported(self) -> bool:
        """True when this exact file had been imported before (nothing added)."""
        return self.previous_import_id is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (the shape of `pushwise info --json` imports)."""
        info = self.read_info
        return {
            "file": self.file,
            "kind": str(self.kind),
            "import_id": self.import_id,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_returns": self.rows_returns,
            "rows_rejected": self.rows_rejected,
            "reasons": dict(self.reasons),
            "encoding": info.encoding,
            "delimiter": info.delimiter,
            "sheet": info.sheet,
            "formats": dict(self.formats),
            "notes": list(info.notes),
            "mapping": {
                m.canonical: m.source for m in self.mapping.matches if m.source
            },
            "previous_import_id": self.previous_import_id,
            "adjusted": dict(self.adjusted),
        }

    def to_text(self) -> str:
        """The short report printed by `pushwise import`."""
        if self.previous_import_id is not None:
            return (
                f"{self.file}: already imported (import #{self.previous_import_id}, "
                "same content); nothing was added."
            )
        info = self.read_info
        lines = [f"{self.file} -> {self.kind} (import #{self.import_id})"]
        how = [f"format {info.format}"]
        if info.encoding:
            how.append(f"encoding {info.encoding}")
        if info.delimiter:
            how.append(f"delimiter {_show_delimiter(info.delimiter)}")
        if info.sheet:
            how.append(f"sheet '{info.sheet}'")
        lines.append(f"  Read {self.rows_read:,} rows ({', '.join(how)})")
        outcome = f"  Imported {self.rows_imported:,}"
        if self.kind is Kind.ORDERS:
            outcome += f" purchases and {self.rows_returns:,} returns"
        lines.append(f"{outcome}; rejected {self.rows_rejected:,}")
        for code, count in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {count:>9,}  {code}: {REASON_TEXT.get(code, code)}")
        for canonical, description in self.formats.items():
            lines.append(f"  {canonical}: {description}")
        layout = (
            f" (recognised layout: {self.mapping.layout})"
            if self.mapping.layout
            else ""
        )
        lines.append(f"  Columns{layout}:")
        for match in self.mapping.matches:
            if match.source:
                lines.append(
                    f"    {match.canonical:<14} <- {match.source}"
                    f"  ({match.confidence:.0%}, {match.method})"
                )
        if self.mapping.unmapped_sources:
            lines.append(f"    not used: {', '.join(self.mapping.unmapped_sources)}")
        lines.extend(f"  Note: {note}" for note in info.notes)
        if self.examples:
            lines.append("  Examples of rejected rows:")
            lines.extend(f"    {example}" for example in self.examples)
        return "\n".join(lines)


def _show_delimiter(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        delimiter, repr(delimiter)
    )
