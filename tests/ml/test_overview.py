"""The Data page's numbers: summary cards, weekly activity, derived tables."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.overview import (
    collect_overview,
    filled_columns,
    table_view,
    weekly_activity,
)
from ml.store.project import Project

ORDERS = """order,product,qty,date,price,customer
1001,A1,2,2024-01-02,3.50,C1
1001,B2,1,2024-01-02,12.00,C1
1002,A1,4,2024-01-09,3.50,C2
1003,C3,1,2024-01-30,8.25,C3
1004,A1,-1,2024-01-31,3.50,C2
"""
FEEDBACK = """customer_id,date,rating,comment
C1,2024-01-05,5,Lovely
C2,2024-01-12,2,Broken
C3,2024-02-01,,No stars given
"""


@pytest.fixture
def project(tmp_path: Path):
    orders, feedback = tmp_path / "orders.csv", tmp_path / "feedback.csv"
    orders.write_text(ORDERS, encoding="utf-8")
    feedback.write_text(FEEDBACK, encoding="utf-8")
    with Project.create(tmp_path / "p.pushwise") as opened:
        import_file(opened, orders, kind=Kind.ORDERS)
        import_file(opened, feedback, kind=Kind.FEEDBACK)
        yield opened


def test_the_summary_cards(project: Project) -> None:
    overview = collect_overview(project.con)
    assert (overview.customers, overview.offerings) == (3, 3)
    assert (overview.orders, overview.order_lines) == (3, 4)
    assert overview.revenue == pytest.approx(7.0 + 12.0 + 14.0 + 8.25)
    assert overview.first_order == datetime(2024, 1, 2)
    assert overview.last_order == datetime(2024, 1, 30)
    assert (overview.feedback, overview.rated_feedback) == (3, 2)
    assert overview.average_rating == pytest.approx(0.625)  # 5 stars -> 1, 2 -> 0.25
    assert overview.average_rating_out_of_5 == pytest.approx(3.5)
    assert (overview.returns, overview.returns_rate) == (1, 0.25)


def test_weekly_activity_fills_weeks_without_orders(project: Project) -> None:
    weekly = weekly_activity(project.con)
    assert [d.date().isoformat() for d in weekly["week_start"]] == [
        "2024-01-01",
        "2024-01-08",
        "2024-01-15",
        "2024-01-22",
        "2024-01-29",
    ]
    assert list(weekly["orders"]) == [1, 1, 0, 0, 1]
    assert list(weekly["revenue"]) == pytest.approx([19.0, 14.0, 0.0, 0.0, 8.25])
    assert list(weekly["customers"]) == [1, 1, 0, 0, 1]


def test_an_empty_project_has_no_weeks(tmp_path: Path) -> None:
    with Project.create(tmp_path / "empty.pushwise") as empty:
        assert weekly_activity(empty.con).empty
        overview = collect_overview(empty.con)
        assert overview.returns_rate is None and overview.revenue is None


def test_offerings_and_customers_are_derived_from_the_orders(project) -> None:
    offerings = table_view(project.con, "offerings")
    assert list(offerings["offering_id"]) == ["A1", "B2", "C3"]  # by revenue
    first = offerings.iloc[0]
    assert (first["order_lines"], first["customers"], first["returns"]) == (2, 2, 1)
    customers = table_view(project.con, "customers")
    c2 = customers.set_index("customer_id").loc["C2"]
    assert (c2["orders"], c2["feedback"]) == (1, 1)
    assert c2["average_rating"] == pytest.approx(0.25)


def test_filled_columns_are_those_with_a_value_in_any_row(project) -> None:
    columns = ["customer_id", "rating", "comment", "title", "order_id"]
    # One feedback row has no rating; no file gave a title or an order.
    assert filled_columns(project.con, "feedback", columns) == {
        "customer_id",
        "rating",
        "comment",
    }
