"""Features as of a date, shared by training, prediction and backtests.

Every value is computed from rows strictly before `as_of`:
pair_features (customer x offering), offering_features, customer_features and
cooccurrence (item-item P(B | A), sparse) and cosine; load_categories reads the
offering -> category map those functions take.
"""

from __future__ import annotations

from ml.features.categories import load_categories
from ml.features.config import (
    COOCCURRENCE_SOURCE,
    CUSTOMER_FEATURES,
    PAIR_FEATURES,
    FeatureConfig,
)
from ml.features.copurchase import cooccurrence, cosine
from ml.features.customers import customer_features
from ml.features.offerings import offering_features
from ml.features.pairs import cooccurrence_features, pair_features

__all__ = [
    "COOCCURRENCE_SOURCE",
    "CUSTOMER_FEATURES",
    "PAIR_FEATURES",
    "FeatureConfig",
    "cooccurrence",
    "cooccurrence_features",
    "cosine",
    "customer_features",
    "load_categories",
    "offering_features",
    "pair_features",
]
