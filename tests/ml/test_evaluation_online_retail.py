"""The protocol on the full UCI Online Retail file: the published dates and counts."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.evaluation.metrics import evaluate_lists, relevant_items
from ml.evaluation.split import Split, protocol_split, rolling_origins

# Counted independently with plain pandas on the raw file (quantity > 0, invoice
# not starting with "C"): customers with a purchase before 2011-11-11 and one in
# [2011-11-11, 2011-12-09), and those of them with an offering new to them.
EVALUATED_ALL = 1_326
EVALUATED_NEW = 1_220
OFFERINGS_BEFORE_CUTOFF = 3_903  # anonymous purchases included

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def purchases(online_retail: Interactions) -> pd.DataFrame:
    return online_retail.purchases


@pytest.fixture(scope="module")
def split(purchases: pd.DataFrame) -> Split:
    return protocol_split(purchases)


def test_protocol_dates_on_online_retail(purchases, split) -> None:
    assert split.as_of == pd.Timestamp("2011-11-11")
    assert split.test_end == pd.Timestamp("2011-12-09")  # exclusive
    assert split.train.ordered_at.max() < pd.Timestamp("2011-11-11")
    assert split.test.ordered_at.min() >= pd.Timestamp("2011-11-11")
    assert split.test.ordered_at.max() < pd.Timestamp("2011-12-09")
    # The partial last day, 2011-12-09, is in neither part.
    last_day = (purchases.ordered_at >= pd.Timestamp("2011-12-09")).sum()
    assert last_day > 0
    assert len(split.train) + len(split.test) + last_day == len(purchases)


def test_evaluated_customers_on_online_retail(split) -> None:
    assert len(relevant_items(split, "all")) == EVALUATED_ALL
    assert len(relevant_items(split, "new")) == EVALUATED_NEW


def test_backtest_folds_on_online_retail(purchases) -> None:
    folds = rolling_origins(purchases)
    assert [fold.as_of.date().isoformat() for fold in folds] == [
        "2011-08-19",
        "2011-09-16",
        "2011-10-14",
        "2011-11-11",
    ]


@pytest.mark.parametrize("mode", ["all", "new"])
def test_scoring_every_evaluated_customer(split, mode) -> None:
    train = split.train
    top = train.groupby("offering_id").size().nlargest(100).index.tolist()
    lists = {customer: top for customer in relevant_items(split, "all")}
    metrics, per_customer = evaluate_lists(lists, split, k=10, mode=mode)
    expected = EVALUATED_ALL if mode == "all" else EVALUATED_NEW
    assert metrics.customers == len(per_customer) == expected
    assert 0 < metrics.ndcg < 0.5
    if mode == "all":  # one shared list: its 10 offerings are all that is covered
        assert metrics.coverage == pytest.approx(10 / OFFERINGS_BEFORE_CUTOFF)
