"""Column mapping: match a file's headers onto the canonical columns.

kind = infer_kind(headers, sample)
mapping = apply_saved(remembered, headers, kind) or infer_mapping(
    headers, sample, kind
)
mapping = mapping.with_source("customer_id", "Kundennr")  # the user's choice
project.save_mapping(layout_signature(headers), kind, mapping.to_json())
"""

from __future__ import annotations

from ml.mapping.evidence import sample_columns
from ml.mapping.infer import infer_mapping
from ml.mapping.kind import infer_kind
from ml.mapping.mapping import ColumnMapping, ColumnMatch
from ml.mapping.normalize import layout_signature, normalize_header
from ml.mapping.saved import apply_saved

__all__ = [
    "ColumnMapping",
    "ColumnMatch",
    "apply_saved",
    "infer_kind",
    "infer_mapping",
    "layout_signature",
    "normalize_header",
    "sample_columns",
]
