"""Offline evaluation: time splits and push-list metrics (BENCHMARK_PROTOCOL.md)."""

from __future__ import annotations

from ml.evaluation.metrics import (
    ListMetrics,
    Mode,
    bootstrap_interval,
    evaluate_lists,
    relevant_items,
)
from ml.evaluation.split import (
    Split,
    default_test_end,
    protocol_split,
    rolling_origins,
    validation_split,
)

__all__ = [
    "ListMetrics",
    "Mode",
    "Split",
    "bootstrap_interval",
    "default_test_end",
    "evaluate_lists",
    "protocol_split",
    "relevant_items",
    "rolling_origins",
    "validation_split",
]
