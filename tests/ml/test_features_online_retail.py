"""The features on the full Online Retail file: fast enough, and predictive."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from ml.dataset import Interactions
from ml.features import (
    cooccurrence,
    customer_features,
    offering_features,
    pair_features,
)

pytestmark = pytest.mark.slow

AS_OF = pd.Timestamp("2011-11-11")  # the protocol's cutoff on this file


@pytest.fixture(scope="module")
def data(online_retail: Interactions) -> Interactions:
    return online_retail


def _candidates(data: Interactions) -> pd.DataFrame:
    """About 200k pairs: each customer's 36 latest offerings and 26 popular ones."""
    rng = np.random.default_rng(0)
    bought = data.purchases
    bought = bought.loc[(bought.ordered_at < AS_OF) & bought.customer_id.notna()]
    own = bought.drop_duplicates(["customer_id", "offering_id"], keep="last")
    own = own.groupby("customer_id").tail(36)[["customer_id", "offering_id"]]
    popular = bought.offering_id.value_counts().index[:300].to_numpy()
    customers = bought.customer_id.unique()
    other = pd.DataFrame(
        {
            "customer_id": np.repeat(customers, 26),
            "offering_id": rng.choice(popular, len(customers) * 26),
        }
    )
    return pd.concat([own, other], ignore_index=True).drop_duplicates(ignore_index=True)


def test_features_of_200k_pairs_predict_uptake(data) -> None:
    pairs = _candidates(data)
    assert 180_000 < len(pairs) < 220_000
    features = pair_features(data, AS_OF, pairs)
    window = data.purchases.ordered_at.between(
        AS_OF, AS_OF + pd.Timedelta(days=28), inclusive="left"
    )
    later = data.purchases.loc[window]
    took = pd.MultiIndex.from_frame(features[["customer_id", "offering_id"]]).isin(
        pd.MultiIndex.from_frame(later[["customer_id", "offering_id"]])
    )
    # Who buys what in the next four weeks is well ordered by the history ...
    assert roc_auc_score(took, features.decayed_frequency) > 0.75
    # ... and, for offerings a customer never bought, by co-purchase.
    new = features.purchase_count.eq(0).to_numpy()
    assert roc_auc_score(took[new], features.cooccurrence_score[new]) > 0.65
    due = features.due_ratio.between(0.5, 2.0)
    assert took[due].mean() > 3 * took.mean()


def test_tables_and_matrix_cover_the_file(data) -> None:
    matrix, index = cooccurrence(data, AS_OF)
    offerings = offering_features(data, AS_OF)
    customers = customer_features(data, AS_OF)
    assert matrix.shape == (len(index), len(index)) == (len(offerings),) * 2
    assert matrix.nnz < 0.6 * len(index) ** 2  # stays sparse
    assert len(customers) == 4101  # known customers with a purchase before as_of
    assert offerings.buyers_365d.max() > 500
    assert customers.orders.min() >= 1
