"""What the cold start and the comment scorer read from a project: the
catalogue, the customers table, and feedback titles and rating sources."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.columns import Kind
from ml.dataset import load_catalogue, load_customers, load_interactions
from ml.importing.importer import import_file
from ml.store.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    files = {
        "orders.csv": "order_id,customer_id,product_id,category,order_date,"
        "quantity,price\n"
        "o1,c1,mug,kitchen,2024-01-05,2,3.00\n"
        "o1,c1,lamp,home,2024-01-05,1,20.00\n"
        "o2,c2,lamp,home,2024-01-06,1,30.00\n"
        "o3,c2,mug,kitchen,2024-01-07,-1,3.00\n",
        "reviews.csv": "order_id,rating,title,comment,date\n"
        "o1,2,Bad,chipped,2024-01-09\n"
        "o2,,,lovely lamp,2024-01-10\n",
        "offerings.csv": "product_id,name,category,price,active\n"
        "bag,Bag,bags,30,yes\n"
        "mug,Mug,,4,no\n",
        "customers.csv": "customer_id,segment,country,opted_out\n"
        "c1,retail,Germany,no\n"
        "c9,trade,France,yes\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with Project.open(tmp_path / "p.pushwise", create=True) as opened:
        import_file(opened, tmp_path / "orders.csv")
        import_file(opened, tmp_path / "reviews.csv", kind=Kind.FEEDBACK)
        import_file(opened, tmp_path / "offerings.csv", kind=Kind.OFFERINGS)
        import_file(opened, tmp_path / "customers.csv", kind=Kind.CUSTOMERS)
        yield opened


def test_feedback_keeps_titles_and_says_which_ratings_were_given(project) -> None:
    feedback = load_interactions(project).feedback.sort_values(
        ["submitted_at", "offering_id"]
    )
    assert feedback.title.tolist()[:2] == ["Bad", "Bad"]
    assert pd.isna(feedback.title.iloc[2])
    assert feedback.rating_source.tolist()[:2] == ["given", "given"]
    assert pd.isna(feedback.rating_source.iloc[2])


def test_the_catalogue_lists_sold_and_listed_offerings(project) -> None:
    catalogue = load_catalogue(project).set_index("offering_id")
    assert sorted(catalogue.index) == ["bag", "lamp", "mug"]
    # The offerings file wins where it says something; the orders fill in.
    assert catalogue.loc["mug", "price"] == 4.0
    assert catalogue.loc["mug", "category"] == "kitchen"
    assert not catalogue.loc["mug", "active"]
    assert catalogue.loc["lamp", "price"] == 25.0  # median unit price sold
    assert catalogue.loc["lamp", "active"]  # not listed: active
    assert catalogue.loc["bag", "category"] == "bags"  # listed, never sold


def test_the_customers_table(project) -> None:
    customers = load_customers(project).set_index("customer_id")
    row = customers.loc["c9"]
    assert row.tolist()[::2] == ["trade", "France"] and bool(row["opted_out"])
    assert pd.isna(row["region"])
