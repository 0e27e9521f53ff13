"""Orders that come as several tables: lines, order headers and customers
imported as one, joined by their keys, with every line accounted for."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ml.cli import main
from ml.columns import Columns
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.store.project import Project

LINES = ["order_no", "sku", "qty", "price"]
HEADERS = ["order_no", "buyer_ref", "order_date"]
CUSTOMERS = ["buyer_ref", "client_number", "city"]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The files of `write_shop`."""
    return write_shop(tmp_path)


def write_shop(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Lines of five orders (one with no header, one without an order number),
    their headers and their customers, as three files."""
    lines = write(
        tmp_path / "lines.csv",
        LINES,
        [
            ["A1", "mug", "2", "4.50"],
            ["A1", "tea", "1", "3.00"],
            ["A2", "mug", "1", "4.50"],
            ["A9", "tea", "3", "3.00"],  # no header for A9
            ["", "tea", "1", "3.00"],  # no order number
            ["A3", "pot", "1", "20.00"],
        ],
    )
    headers = write(
        tmp_path / "headers.csv",
        HEADERS,
        [
            ["A1", "h-1", "2024-03-01"],
            ["A2", "h-2", "2024-03-04"],
            ["A3", "h-1", "2024-04-02"],
            ["A4", "h-3", "2024-04-05"],  # an order without lines
        ],
    )
    customers = write(
        tmp_path / "customers.csv",
        CUSTOMERS,
        [["h-1", "C-100", "Leeds"], ["h-2", "C-200", "York"], ["h-3", "C-300", "Ely"]],
    )
    return lines, headers, customers


def test_lines_are_joined_with_their_order_and_customer(tmp_path, shop) -> None:
    lines, headers, customers = shop
    with Project.create(tmp_path / "p.pushwise") as project:
        report = import_file(project, headers, related=[customers, lines])
        stored = project.con.execute(
            "SELECT customer_id, offering_id, ordered_at::DATE::VARCHAR "
            "FROM orders ORDER BY line"
        ).fetchall()
    # The lines file is the one imported, whichever file came first.
    assert report.file == "lines.csv"
    assert report.mapping.source_of(Columns.CUSTOMER) in ("buyer_ref", "client_number")
    assert report.rows_read == 6
    assert report.rows_imported == 4
    assert report.reasons == {"not_in_joined_file": 1, "missing_join_key": 1}
    assert [row[1:] for row in stored] == [
        ("mug", "2024-03-01"),
        ("tea", "2024-03-01"),
        ("mug", "2024-03-04"),
        ("pot", "2024-04-02"),
    ]
    notes = " ".join(report.read_info.notes)
    assert "Joined with headers.csv by order_no" in notes
    assert "Joined with customers.csv by buyer_ref" in notes
    assert "1 rows of headers.csv belong to no line" in notes


def test_a_line_whose_order_is_missing_is_rejected_saying_so(tmp_path, shop) -> None:
    lines, headers, customers = shop
    with Project.create(tmp_path / "p.pushwise") as project:
        report = import_file(project, lines, related=[headers, customers])
        rejects = project.rejects(report.import_id or 0)
    messages = dict(zip(rejects["line"], rejects["message"], strict=True))
    assert messages[5] == (
        "lines.csv, row 5, column 'order_no': 'A9' is not in headers.csv, so the "
        "line has no buyer_ref, order_date. Export headers.csv with this order_no "
        "too, or remove the line."
    )
    assert messages[6].startswith("lines.csv, row 6, column 'order_no': no order_no")


def test_the_same_files_again_are_already_imported(tmp_path, shop) -> None:
    lines, headers, customers = shop
    with Project.create(tmp_path / "p.pushwise") as project:
        import_file(project, lines, related=[headers, customers])
        again = import_file(project, customers, related=[lines, headers])
    assert again.import_id is None and again.previous_import_id == 1


def test_a_table_with_a_key_twice_is_not_joined(tmp_path, shop) -> None:
    lines, _, customers = shop
    twice = write(
        tmp_path / "twice.csv",
        HEADERS,
        [["A1", "h-1", "2024-03-01"], ["A1", "h-2", "2024-03-02"]],
    )
    with Project.create(tmp_path / "p.pushwise") as project:
        with pytest.raises(
            InputDataError,
            match=r"^twice\.csv: this file cannot be joined with the others",
        ):
            import_file(project, lines, related=[twice, customers])
        assert project.imports() == []


def test_columns_of_the_same_name_are_kept_apart(tmp_path, shop) -> None:
    lines, _, customers = shop
    with_price = write(
        tmp_path / "headers2.csv",
        [*HEADERS, "price"],
        [["A1", "h-1", "2024-03-01", "7.50"], ["A2", "h-2", "2024-03-04", "4.50"]],
    )
    with Project.create(tmp_path / "p.pushwise") as project:
        report = import_file(project, lines, related=[with_price, customers])
    assert report.mapping.source_of(Columns.UNIT_PRICE) == "price"
    assert "price (headers2.csv)" in " ".join(report.read_info.notes)


def test_cli_joins_related_files(tmp_path, shop, capsys) -> None:
    lines, headers, customers = shop
    project = tmp_path / "p.pushwise"
    args = ["import", str(lines), "--project", str(project)]
    code = main([*args, "--join", str(headers), "--join", str(customers)])
    assert code == 0
    out = capsys.readouterr().out
    assert "Imported 4 purchases" in out and "Joined with headers.csv" in out


def test_cli_sends_order_headers_to_their_lines(tmp_path, shop, capsys) -> None:
    _, headers, _ = shop
    code = main(["import", str(headers), "--project", str(tmp_path / "p.pushwise")])
    assert code == 3
    err = capsys.readouterr().err
    assert "looks like a file of order headers" in err
    assert "--join headers.csv" in err


def test_cli_joins_one_file_of_lines_at_a_time(tmp_path, shop, capsys) -> None:
    lines, headers, customers = shop
    args = ["import", str(lines), str(customers), "--join", str(headers)]
    assert main([*args, "--project", str(tmp_path / "p.pushwise")]) == 2
    assert "--join goes with one file" in capsys.readouterr().err


@pytest.mark.slow
def test_olist_tables_import_as_one_with_exact_accounting(
    tmp_path: Path, shared_data: Path
) -> None:
    # All 112,650 item lines, but the order headers of only 9,442 orders: each
    # line whose order is not there is rejected with that reason.
    full = shared_data / "olist-items-customers-payments"
    items = full / "olist_order_items_dataset.csv.gz"
    orders = full / "olist_orders_dataset_rows_90000-99441.csv.gz"
    customers = full / "olist_customers_dataset.csv.gz"
    known = set(pd.read_csv(orders, usecols=["order_id"])["order_id"])
    lines = pd.read_csv(items, usecols=["order_id"])["order_id"]
    with Project.create(tmp_path / "p.pushwise") as project:
        report = import_file(project, orders, related=[items, customers])
        stored_customers = project.con.execute(
            "SELECT count(DISTINCT customer_id) FROM orders"
        ).fetchone()
    assert report.rows_read == len(lines) == 112_650
    assert report.reasons["not_in_joined_file"] == int((~lines.isin(known)).sum())
    accounted = report.rows_imported + report.rows_returns + report.rows_rejected
    assert accounted == report.rows_read
    # The person (customer_unique_id), not the order's own customer_id.
    assert report.mapping.source_of(Columns.CUSTOMER) == "customer_unique_id"
    people = pd.read_csv(customers, usecols=["customer_id", "customer_unique_id"])
    header_customers = pd.read_csv(orders, usecols=["order_id", "customer_id"])
    bought = header_customers[header_customers["order_id"].isin(set(lines))]
    expected = people[people["customer_id"].isin(bought["customer_id"])]
    assert stored_customers is not None
    # Cancelled orders are returns, not customers' purchases: at most that many.
    assert stored_customers[0] <= expected["customer_unique_id"].nunique()
    assert stored_customers[0] >= 0.98 * expected["customer_unique_id"].nunique()


@pytest.mark.slow
def test_olist_sample_tables_train_and_plan(
    tmp_path: Path, shared_data: Path, capsys
) -> None:
    sample = shared_data / "olist-sample"
    project = str(tmp_path / "p.pushwise")
    files = [
        str(sample / f"olist_{name}_dataset.csv.gz")
        for name in ("orders", "order_items", "customers")
    ]
    joined = ["--join", files[1], "--join", files[2]]
    assert main(["import", files[0], *joined, "--project", project]) == 0
    reviews = str(sample / "olist_order_reviews_dataset.csv.gz")
    assert main(["import", reviews, "--project", project]) == 0
    assert main(["train", "--project", project]) == 0
    out = tmp_path / "plan.csv"
    assert main(["recommend", "--project", project, "--out", str(out)]) == 0
    plan = pd.read_csv(out, dtype=str)
    people = pd.read_csv(sample / "olist_customers_dataset.csv.gz", dtype=str)
    assert set(plan["customer_id"]) <= set(people["customer_unique_id"])
    assert "too thin for Pushwise's model" in capsys.readouterr().out
