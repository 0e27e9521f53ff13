"""Column mapping on the headers and first rows of the real datasets."""

from __future__ import annotations

import csv
import gzip
import itertools
from pathlib import Path

import pytest

from ml.columns import Kind
from ml.mapping import infer_kind, infer_mapping

ROWS = 1000


def head(path: Path) -> tuple[list[str], dict[str, list[str | None]]]:
    """Headers and the first rows of a gzipped CSV, as the reader gives them."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as file:
        rows = list(itertools.islice(csv.reader(file), ROWS))
    headers, data = rows[0], rows[1:]
    return headers, {h: [r[i] or None for r in data] for i, h in enumerate(headers)}


EXPECTED = {
    "online-retail/online_retail.csv.gz": (
        Kind.ORDERS,
        "UCI Online Retail",
        {
            "customer_id": "CustomerID",
            "offering_id": "StockCode",
            "ordered_at": "InvoiceDate",
            "quantity": "Quantity",
            "unit_price": "UnitPrice",
            "order_id": "InvoiceNo",
            "offering_name": "Description",
            "country": "Country",
        },
    ),
    "olist-sample/olist_order_reviews_dataset.csv.gz": (
        Kind.FEEDBACK,
        "Olist order reviews",
        {
            "submitted_at": "review_answer_timestamp",
            "rating": "review_score",
            "comment": "review_comment_message",
            "title": "review_comment_title",
            "order_id": "order_id",
        },
    ),
    "olist-sample/olist_orders_dataset.csv.gz": (
        Kind.ORDERS,
        "Olist orders",
        {
            "customer_id": "customer_id",
            "ordered_at": "order_purchase_timestamp",
            "order_id": "order_id",
            "status": "order_status",
        },
    ),
    "olist-sample/olist_order_items_dataset.csv.gz": (
        Kind.ORDERS,
        "Olist order items",
        {
            "offering_id": "product_id",
            "ordered_at": "shipping_limit_date",
            "unit_price": "price",
            "order_id": "order_id",
        },
    ),
    "olist-sample/olist_customers_dataset.csv.gz": (
        Kind.CUSTOMERS,
        "Olist customers",
        {"customer_id": "customer_id", "region": "customer_state"},
    ),
    "olist-sample/olist_order_payments_dataset.csv.gz": (
        Kind.ORDERS,
        None,
        {"order_id": "order_id", "amount": "payment_value"},
    ),
    "olist/olist_products_dataset.csv.gz": (
        Kind.OFFERINGS,
        "Olist products",
        {"offering_id": "product_id", "category": "product_category_name"},
    ),
    "olist/olist_classified_public_dataset.csv.gz": (
        Kind.FEEDBACK,
        "Olist order reviews",
        {
            "submitted_at": "review_answer_timestamp",
            "rating": "review_score",
            "comment": "review_comment_message",
            "title": "review_comment_title",
        },
    ),
    "hillstrom-email/hillstrom.csv.gz": (
        Kind.CUSTOMERS,
        None,
        {"segment": "segment", "region": "zip_code"},
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_dataset_headers_are_mapped(shared_data: Path, name: str) -> None:
    kind, layout, expected = EXPECTED[name]
    headers, sample = head(shared_data / name)
    assert infer_kind(headers, sample) is kind
    mapping = infer_mapping(headers, sample, kind)
    assert mapping.layout == layout
    assert {m.canonical: m.source for m in mapping.matches if m.source} == expected


def test_online_retail_cancellations_are_found_in_the_values(shared_data) -> None:
    headers, sample = head(shared_data / "online-retail/online_retail.csv.gz")
    assert any(v and v.startswith("C") for v in sample["InvoiceNo"])
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.cancellation_prefix == "C"
    assert all(m.confidence >= 0.95 for m in mapping.matches if m.source)


def test_the_shipping_deadline_is_offered_as_order_date_with_doubt(shared_data):
    headers, sample = head(
        shared_data / "olist-sample/olist_order_items_dataset.csv.gz"
    )
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.match_for("ordered_at").confidence < 0.85
    assert mapping.match_for("offering_id").confidence > 0.95


def test_every_real_file_is_mapped_without_a_header_used_twice(shared_data) -> None:
    for path in sorted(shared_data.glob("*/*.csv.gz")):
        headers, sample = head(path)
        mapping = infer_mapping(headers, sample, infer_kind(headers, sample))
        used = [m.source for m in mapping.matches if m.source]
        assert len(used) == len(set(used)), path.name
        named = [h for h in headers if h.strip()]  # the reader names blank ones
        assert sorted(used + list(mapping.unmapped_sources)) == sorted(named)
