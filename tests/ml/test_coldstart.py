"""Cold start: new customers get what their segment or country takes up, new
offerings go to the buyers of their category; the plan rules still apply."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from ml.models.coldstart import (
    NewOfferingScorer,
    SegmentPopularity,
    cold_start_pairs,
)
from ml.plan import build_plan
from ml.plan.reasons import with_given_reasons
from tests.ml.builders import AS_OF, interactions

RECENT = "2024-02-20"  # in the 28 days before AS_OF (2024-03-01)


def country_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """26 Germans (14 bought pretzels lately, 12 beer), 25 Britons (all bought tea),
    and new customers with no purchase yet."""
    rows = []
    listed = []
    for i in range(26):
        who = f"de{i}"
        listed.append((who, "retail", "Germany", False))
        rows.append((who, "pretzel" if i < 14 else "beer", RECENT))
    for i in range(25):
        who = f"uk{i}"
        listed.append((who, "retail" if i < 5 else "trade", "UK", False))
        rows.append((who, "tea", RECENT))
    rows.append(("uk0", "scone", "2023-06-01"))  # long ago: not in the window
    listed += [
        ("new_de", "vip", "Germany", False),  # vip: too small a segment
        ("new_trade", "trade", None, False),
        ("new_nowhere", None, None, False),
    ]
    customers = pd.DataFrame(
        listed, columns=["customer_id", "segment", "country", "opted_out"]
    )
    return interactions(rows).purchases, customers


@pytest.fixture
def popularity() -> SegmentPopularity:
    purchases, customers = country_data()
    # Only the new German customer is listed without a purchase in Germany.
    customers = customers.iloc[:-1]
    return SegmentPopularity(top=2).fit(purchases, AS_OF, customers)


def test_a_new_german_customer_gets_what_germans_buy(popularity) -> None:
    mine = popularity.recommend(["new_de"])
    assert mine.offering_id.tolist() == ["pretzel", "beer"]
    # 14 of the 27 customers in Germany (26 buyers and the newcomer).
    assert mine.probability.iloc[0] == pytest.approx(14 / 27)
    assert mine.reason.iloc[0] == (
        "popular with customers in Germany (52% of them took it up in the last 4 weeks)"
    )


def test_a_big_enough_segment_comes_before_the_country(popularity) -> None:
    mine = popularity.recommend(["new_trade"])
    assert mine.offering_id.tolist() == ["tea"]  # trade buys tea only
    assert mine.probability.iloc[0] == pytest.approx(20 / 21)
    assert mine.reason.iloc[0].startswith("popular with customers in the trade segment")


def test_by_default_only_customers_without_purchases_are_recommended(
    popularity,
) -> None:
    table = popularity.recommend()
    assert set(table.customer_id) == {"new_de", "new_trade"}


def test_customers_the_data_does_not_know_get_what_everyone_takes_up() -> None:
    purchases, customers = country_data()
    fitted = SegmentPopularity(top=1).fit(purchases, AS_OF, customers)
    mine = fitted.recommend(["new_nowhere", "stranger"])
    assert mine.offering_id.tolist() == ["tea", "tea"]  # 25 of 54 customers
    assert mine.probability.tolist() == pytest.approx([25 / 54, 25 / 54])
    assert mine.reason.iloc[0].startswith("popular with all customers (46%")


def test_a_country_from_the_orders_when_the_table_has_none() -> None:
    purchases, customers = country_data()
    purchases["country"] = purchases.customer_id.str[:2].map(
        {"de": "Germany", "uk": "UK"}
    )
    fitted = SegmentPopularity(levels=("country",), top=1).fit(
        purchases, AS_OF, customers.iloc[:0]
    )
    assert fitted.profile_.loc["de3", "country"] == "Germany"
    assert fitted.recommend(["de3"]).offering_id.tolist() == ["pretzel"]


def test_a_weekly_horizon_reads_as_the_last_week() -> None:
    purchases, customers = country_data()
    fitted = SegmentPopularity(horizon_days=7, top=1).fit(
        purchases, "2024-02-21", customers
    )
    (reason,) = fitted.recommend(["new_de"]).reason
    assert reason.endswith("of them took it up in the last week)")


CATALOGUE = pd.DataFrame(
    {
        "offering_id": ["tote", "clutch", "mug", "satchel", "kettle"],
        "category": ["bags", "bags", "kitchen", "bags", "appliances"],
        "price": [20.0, 200.0, 5.0, 25.0, 40.0],
        "active": True,
    }
)


def bag_data():
    """ann buys bags in two of the last six four-week periods, bob only mugs."""
    return interactions(
        [
            ("ann", "tote", "2024-02-20"),
            ("ann", "tote", "2024-01-10"),
            ("cat", "clutch", "2024-02-21"),
            ("bob", "mug", "2024-02-20"),
            ("bob", "mug", "2024-01-20"),
        ]
    )


def test_a_new_offering_goes_to_buyers_of_its_category() -> None:
    scorer = NewOfferingScorer(neighbours=1).fit(bag_data().purchases, AS_OF, CATALOGUE)
    table = scorer.scored()
    assert table.offering_id.unique().tolist() == ["satchel"]  # kettle: no peers
    assert table.customer_id.tolist() == ["ann", "cat"]  # not bob
    # ann: bags in 2 of 6 periods; the satchel (25) is priced like the tote
    # (20), taken in 2 of the 3 (customer, period) pairs that bought bags.
    assert table.probability.iloc[0] == pytest.approx(2 / 6 * 2 / 3)
    assert table.reason.iloc[0] == "new in bags, a category you buy"


def test_without_a_price_every_offering_of_the_category_counts() -> None:
    catalogue = CATALOGUE.assign(
        price=CATALOGUE.price.where(CATALOGUE.offering_id != "satchel")
    )
    scorer = NewOfferingScorer(neighbours=1).fit(bag_data().purchases, AS_OF, catalogue)
    assert scorer.uptake_.uptake.tolist() == pytest.approx([(2 / 3 + 1 / 3) / 2])


def test_the_plan_pushes_cold_start_pairs_with_their_reasons() -> None:
    data = bag_data()
    purchases, customers = country_data()
    data = replace(data, purchases=pd.concat([data.purchases, purchases]))
    customers = customers.assign(opted_out=customers.customer_id == "new_trade")
    cold = cold_start_pairs(
        data.purchases, AS_OF, customers=customers, catalogue=CATALOGUE
    )
    plan = build_plan(
        cold[["customer_id", "offering_id", "probability"]],
        data,
        AS_OF,
        opted_out=customers.customer_id[customers.opted_out],
    )
    rows = replace(plan, rows=with_given_reasons(plan.rows, cold)).rows
    pushed = set(zip(rows.customer_id, rows.offering_id, strict=True))
    assert ("ann", "satchel") in pushed
    assert ("bob", "satchel") not in pushed
    assert ("new_de", "pretzel") in pushed
    assert "new_trade" not in set(rows.customer_id)  # opted out
    assert plan.removed_by_rule["opted_out"] > 0
    reason = rows.set_index(["customer_id", "offering_id"]).reason
    assert reason["ann", "satchel"] == "new in bags, a category you buy"
    assert reason["new_de", "pretzel"].startswith("popular with customers in Germany")
