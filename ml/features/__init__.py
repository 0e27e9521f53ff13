"""Features as of a date, shared by training, prediction and backtests.

Every value is computed from rows strictly before `as_of`:
pair_features (customer x offering), offering_features, customer_features and
cooccurrence (item-item P(B | A), sparse) and cosine; load_categories reads the
offering -> category map those functions take.

Importing a light submodule (ml.features.groups, .timeline, .config) does not
load the others: the names below load their modules when first used, so a
window that unpickles a push plan loads neither scipy nor the feature code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ml.lazynames import lazy_names

if TYPE_CHECKING:
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

# Name -> the module that defines it, imported on first use.
_MODULES = {
    "load_categories": "ml.features.categories",
    "COOCCURRENCE_SOURCE": "ml.features.config",
    "CUSTOMER_FEATURES": "ml.features.config",
    "PAIR_FEATURES": "ml.features.config",
    "FeatureConfig": "ml.features.config",
    "cooccurrence": "ml.features.copurchase",
    "cosine": "ml.features.copurchase",
    "customer_features": "ml.features.customers",
    "offering_features": "ml.features.offerings",
    "cooccurrence_features": "ml.features.pairs",
    "pair_features": "ml.features.pairs",
}

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


__getattr__ = lazy_names(__name__, _MODULES, globals())
