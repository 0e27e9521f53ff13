"""Cold start on Online Retail: customers whose first order falls in the
protocol's test window, planned from their country alone."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.models.coldstart import SegmentPopularity

AS_OF = pd.Timestamp("2011-11-11")
END = AS_OF + pd.Timedelta(days=28)


def recall_at_10(table: pd.DataFrame, truth: pd.Series) -> float:
    """Mean share of each customer's offerings in the window among their 10."""
    got = table.groupby("customer_id").offering_id.agg(set)
    hits = [
        len(got.get(who, set()) & bought) / len(bought) for who, bought in truth.items()
    ]
    return sum(hits) / len(hits)


@pytest.mark.slow
def test_new_customers_get_their_country_s_favourites(online_retail) -> None:
    bought = online_retail.purchases.dropna(subset=["customer_id"])
    first = bought.groupby("customer_id").ordered_at.min()
    new = first.index[(first >= AS_OF) & (first < END)]
    window = bought[bought.ordered_at.between(AS_OF, END, inclusive="left")]
    window = window[window.customer_id.isin(new)]
    truth = window.groupby("customer_id").offering_id.agg(set)
    # What a customers file would say: the country they order from.
    countries = window.groupby("customer_id").country.first()
    customers = pd.DataFrame(
        {"customer_id": countries.index, "country": countries.to_numpy()}
    )
    by_country = SegmentPopularity(levels=("country",)).fit(
        online_retail.purchases, AS_OF, customers
    )
    everyone = SegmentPopularity(levels=()).fit(
        online_retail.purchases, AS_OF, customers
    )
    assert len(truth) > 200
    local = recall_at_10(by_country.recommend(list(new)), truth)
    overall = recall_at_10(everyone.recommend(list(new)), truth)
    # Measured: 0.053 against 0.045 (237 new customers, 22 outside the UK).
    assert local > overall > 0.03
