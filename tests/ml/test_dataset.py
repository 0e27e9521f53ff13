"""What the models read from a project: purchases, returns and feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.columns import Kind
from ml.dataset import OfferingLevel, load_interactions
from ml.errors import ProjectError
from ml.importing.importer import import_file
from ml.store.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,customer_id,product_id,category,order_date,quantity,price\n"
        "o1,c1,mug,kitchen,2024-01-05,2,3.00\n"
        "o1,c1,lamp,home,2024-01-05,1,20.00\n"
        "o2,,mug,kitchen,2024-01-06,1,3.00\n"
        "o3,c2,mug,kitchen,2024-01-07,-1,3.00\n",
        encoding="utf-8",
    )
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "order_id,rating,comment,date\no1,2,chipped,2024-01-09\n", encoding="utf-8"
    )
    with Project.open(tmp_path / "p.pushwise", create=True) as opened:
        import_file(opened, orders)
        import_file(opened, reviews, kind=Kind.FEEDBACK)
        yield opened


def test_purchases_returns_and_feedback_by_offering(project) -> None:
    data = load_interactions(project)
    purchases = data.purchases
    assert list(purchases.offering_id) == ["mug", "lamp", "mug"]
    assert purchases.customer_id.isna().sum() == 1  # anonymous demand is kept
    assert list(purchases.amount) == [6.0, 20.0, 3.0]
    assert list(data.returns.offering_id) == ["mug"]
    feedback = data.feedback.sort_values("offering_id")
    assert list(feedback.offering_id) == ["lamp", "mug"]  # order-level, spread
    assert list(feedback.customer_id) == ["c1", "c1"]
    assert feedback.rating.tolist() == pytest.approx([0.25, 0.25])


def test_planning_by_category(project) -> None:
    data = load_interactions(project, level=OfferingLevel.CATEGORY)
    assert list(data.purchases.offering_id) == ["kitchen", "home", "kitchen"]
    assert sorted(data.feedback.offering_id) == ["home", "kitchen"]


def test_category_level_without_categories_is_explained(tmp_path) -> None:
    orders = tmp_path / "o.csv"
    orders.write_text("Customer,Product,Date\nc1,p1,2024-01-05\n", encoding="utf-8")
    with Project.open(tmp_path / "p.pushwise", create=True) as project:
        import_file(project, orders)
        with pytest.raises(ProjectError, match="no category"):
            load_interactions(project, level=OfferingLevel.CATEGORY)
