"""The Olist orders joined by hand (one purchase per customer for nearly all)
train and plan with the best simple rule, saying so."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.cli import main

OLIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "olist-sample"
THIN = "This history is too thin for Pushwise's model ("

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not OLIST.is_dir(), reason="the Olist sample is not here"),
]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(OLIST / f"olist_{name}_dataset.csv.gz", dtype=str)


def _joined(folder: Path) -> tuple[Path, Path, pd.DataFrame]:
    """orders.csv (orders + items + customers) and reviews.csv (reviews of
    each order's products), as a user would join them with pandas."""
    orders = _read("orders").merge(_read("customers"), on="customer_id")
    lines = orders.merge(_read("order_items"), on="order_id")
    orders_csv = folder / "orders.csv"
    lines.rename(
        columns={
            "customer_unique_id": "Customer ID",
            "order_id": "Order ID",
            "product_id": "Product ID",
            "order_purchase_timestamp": "Order date",
            "price": "Price",
        }
    )[["Customer ID", "Order ID", "Product ID", "Order date", "Price"]].to_csv(
        orders_csv, index=False
    )
    reviews = _read("order_reviews").merge(lines, on="order_id")
    said = reviews.rename(
        columns={
            "customer_unique_id": "Customer ID",
            "product_id": "Product ID",
            "review_answer_timestamp": "Review date",
            "review_score": "Rating",
        }
    )[["Customer ID", "Product ID", "Review date", "Rating"]].drop_duplicates()
    reviews_csv = folder / "reviews.csv"
    said.to_csv(reviews_csv, index=False)
    return orders_csv, reviews_csv, said


def test_olist_trains_and_plans_with_a_simple_rule(tmp_path, capsys) -> None:
    orders, reviews, said = _joined(tmp_path)
    project = str(tmp_path / "olist.pushwise")
    assert main(["import", str(orders), "--project", project]) == 0
    kind = ["--kind", "feedback"]
    assert main(["import", str(reviews), "--project", project, *kind]) == 0
    capsys.readouterr()
    assert main(["train", "--project", project]) == 0
    trained = capsys.readouterr().out
    assert THIN in trained and "of customers bought only once" in trained
    out = tmp_path / "plan.csv"
    assert main(["recommend", "--project", project, "--out", str(out)]) == 0
    assert "Using the model saved in the project" in capsys.readouterr().out
    plan = pd.read_csv(out, dtype={"customer_id": str, "offering_id": str})
    assert plan.customer_id.nunique() > 5_000
    assert plan.reason.notna().all()
    # Nobody is offered a product they gave one star.
    hated = said.loc[said.Rating == "1", ["Customer ID", "Product ID"]]
    pushed = set(zip(plan.customer_id, plan.offering_id, strict=True))
    assert len(hated) and not any(
        pair in pushed for pair in hated.itertuples(index=False, name=None)
    )
