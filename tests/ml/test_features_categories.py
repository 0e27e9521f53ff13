"""Offering categories read from a project, for the category features."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ml.columns import Kind
from ml.dataset import load_interactions
from ml.features import customer_features, load_categories, pair_features
from ml.importing.importer import import_file
from ml.store.project import Project


def test_categories_come_from_offerings_first_then_the_orders(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,product_id,category,order_date,quantity,price\n"
        "o1,c1,mug,kitchen,2024-01-05,2,3.00\n"
        "o2,c1,mug,kitchen,2024-01-06,1,3.00\n"
        "o3,c2,mug,gifts,2024-01-07,1,3.00\n"
        "o3,c2,lamp,home,2024-01-07,1,20.00\n"
        "o3,c2,soap,,2024-01-07,1,2.00\n",
        encoding="utf-8",
    )
    offerings = tmp_path / "offerings.csv"
    offerings.write_text("product_id,name,category\nlamp,Lamp,lighting\n")
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        import_file(project, orders)
        import_file(project, offerings, kind=Kind.OFFERINGS)
        categories = load_categories(project)
        data = load_interactions(project)
    assert categories.to_dict() == {"lamp": "lighting", "mug": "kitchen"}
    customers = customer_features(data, "2024-02-01", categories=categories)
    assert customers.loc["c2", "top_category_share"] == 0.5  # mug and lamp
    pairs = pd.DataFrame({"customer_id": ["c1"], "offering_id": ["mug"]})
    assert pair_features(data, "2024-02-01", pairs, categories=categories).shape[0] == 1
