"""Values decide where header names do not: ids by how they go with orders and
descriptions, unit price or line amount by quantity x price; and `pushwise
import` never imports orders without customers silently."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb
import pytest

from ml.cli import main
from ml.columns import CANONICAL, Columns, Kind
from ml.mapping import ColumnMapping, infer_kind, infer_mapping
from ml.mapping.headers import header_score
from ml.reading import read_preview

C = Columns
Rows = list[list[str]]

PRODUCTS = {
    "40117": "Kaffee Bohnen 1kg",
    "40125": "Milch frisch 1l",
    "40133": "Brot Vollkorn",
    "40141": "Butter 250g",
    "40158": "Käse Gouda jung",
    "40166": "Äpfel Elstar 1kg",
    "40174": "Wasser still 6x1,5l",
    "40182": "Tee grün lose",
}
# Headers no synonym knows (a CRM's own abbreviations): only values can decide.
HOUSEHOLD, ARTICLE = "HH-Schl", "Art-Kz"
BUYER = "Zuordnung"  # "assignment": a buyer's key under a header no synonym knows


def crm_report(orders: int = 40) -> tuple[list[str], Rows]:
    """A European CRM report: receipt, date, household key, article, text..."""
    rnd = random.Random(3)
    households = [f"{rnd.randint(10_000_000, 99_999_999)}" for _ in range(12)]
    rows = []
    for receipt in range(orders):
        household = rnd.choice(households)
        day = f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 9):02d}.2024"
        for article in rnd.sample(sorted(PRODUCTS), rnd.randint(1, 4)):
            quantity = rnd.randint(1, 5)
            amount = f"{quantity * 1.99:.2f}".replace(".", ",")
            receipt_no = f"{700_000 + receipt}"
            line = [receipt_no, day, household, article, PRODUCTS[article]]
            rows.append([*line, "Verkauf", str(quantity), amount])
    headers = ["Beleg", "Datum", HOUSEHOLD, ARTICLE, "Bezeichnung", "Zeilenart"]
    return [*headers, "Menge", "Umsatz"], rows


def erp_lines(money: dict[str, str]) -> tuple[list[str], Rows]:
    """A US ERP's order lines; `money` names the unit price and line total
    columns ({"unit": header or "", "total": header or ""})."""
    rnd = random.Random(5)
    prices = {f"SKU-{i}": rnd.choice([2.5, 4.99, 12.0, 7.25, 19.9]) for i in range(8)}
    rows = []
    for order in range(40):
        for sku in rnd.sample(sorted(prices), rnd.randint(1, 3)):
            quantity = rnd.randint(1, 9)
            row = [f"SO{1000 + order}", f"2024-03-{1 + order % 28:02d}"]
            row += [f"CU{order % 7}", sku, str(quantity)]
            row += [f"{prices[sku]:.2f}"] if money["unit"] else []
            row += [f"{quantity * prices[sku]:.2f}"] if money["total"] else []
            rows.append(row)
    headers = ["Order #", "Date", "Customer #", "Item #", "Qty"]
    headers += [h for h in (money["unit"], money["total"]) if h]
    return headers, rows


def infer(headers: list[str], rows: Rows) -> ColumnMapping:
    sample: dict[str, list[str | None]] = {
        h: [r[i] for r in rows] for i, h in enumerate(headers)
    }
    return infer_mapping(headers, sample, infer_kind(headers, sample))


def test_the_crm_report_headers_are_unknown_words() -> None:
    for header in (HOUSEHOLD, ARTICLE, BUYER):
        assert all(header_score(c, header) == 0 for c in CANONICAL[Kind.ORDERS])


def test_values_find_the_household_and_the_article() -> None:
    mapping = infer(*crm_report())
    customer = mapping.match_for(C.CUSTOMER)
    offering = mapping.match_for(C.OFFERING)
    assert (customer.source, customer.method) == (HOUSEHOLD, "values")
    assert (offering.source, offering.method) == (ARTICLE, "values")
    assert "one per order, repeats across orders" in customer.evidence
    assert "each with one description in 'Bezeichnung'" in offering.evidence
    assert customer.confidence >= 0.7 and offering.confidence >= 0.7


def test_values_say_which_evidence_in_the_saved_mapping() -> None:
    mapping = infer(*crm_report())
    again = ColumnMapping.from_json(mapping.to_json())
    assert again.match_for(C.CUSTOMER).evidence == (
        mapping.match_for(C.CUSTOMER).evidence
    )


def test_price_and_extended_price_are_told_apart_by_their_values() -> None:
    mapping = infer(*erp_lines({"unit": "Price", "total": "Ext Price"}))
    assert mapping.source_of(C.UNIT_PRICE) == "Price"
    assert mapping.source_of(C.AMOUNT) == "Ext Price"
    assert "Ext Price = Qty × Price" in mapping.match_for(C.UNIT_PRICE).evidence


def test_a_line_total_named_price_is_not_the_unit_price() -> None:
    # Here "Price" holds the line total and "List" the price of one unit.
    mapping = infer(*erp_lines({"unit": "List", "total": "Price"}))
    assert mapping.source_of(C.UNIT_PRICE) == "List"
    assert mapping.source_of(C.AMOUNT) == "Price"
    assert mapping.match_for(C.AMOUNT).evidence.startswith("chosen from its values")


def test_a_lone_line_total_is_not_taken_for_the_unit_price() -> None:
    mapping = infer(*erp_lines({"unit": "", "total": "Price"}))
    assert mapping.source_of(C.UNIT_PRICE) is None
    assert mapping.source_of(C.AMOUNT) == "Price"
    assert "divided by the quantity" in mapping.match_for(C.AMOUNT).evidence


def test_a_lone_unit_price_stays_the_unit_price() -> None:
    mapping = infer(*erp_lines({"unit": "Amount", "total": ""}))
    assert mapping.source_of(C.UNIT_PRICE) == "Amount"
    assert mapping.source_of(C.AMOUNT) is None


def test_a_label_one_per_order_is_no_customer(tmp_path, capsys) -> None:
    # How each order was shipped: one per order and repeated across orders,
    # like a customer, but words, not keys.
    headers, rows = erp_lines({"unit": "Price", "total": "Ext Price"})
    keep = [i for i, h in enumerate(headers) if h != "Customer #"]
    ways = ["DHL Paket", "Hermes", "Abholung im Markt", "DPD Express", "GLS", "UPS"]
    headers = [headers[i] for i in keep] + [BUYER]
    rows = [[r[i] for i in keep] + [ways[int(r[0][2:]) % len(ways)]] for r in rows]
    assert infer(headers, rows).source_of(C.CUSTOMER) is None
    file = write_csv(tmp_path / "lines.csv", headers, rows)
    assert_refused_without_candidates(file, tmp_path, capsys)


@pytest.mark.slow
def test_real_order_lines_with_unknown_headers_are_mapped_by_values(
    shared_data: Path,
) -> None:
    # Online Retail as a CRM would name its columns: the customer and product
    # headers say nothing; values decide, in the wizard's 200 preview rows too.
    renamed = {"CustomerID": HOUSEHOLD, "StockCode": ARTICLE}
    for rows in (200, 2000):
        raw = read_preview(
            shared_data / "online-retail/online_retail.csv.gz", rows=rows
        )
        headers = [renamed.get(h, h) for h in raw.headers]
        sample: dict[str, list[str | None]] = {
            renamed.get(h, h): raw.table.column(h).to_pylist() for h in raw.headers
        }
        mapping = infer_mapping(headers, sample, infer_kind(headers, sample))
        assert mapping.source_of(C.CUSTOMER) == HOUSEHOLD
        assert mapping.source_of(C.OFFERING) == ARTICLE


# --- never silently without customers ------------------------------------------


def write_csv(path: Path, headers: list[str], rows: Rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([headers, *rows])
    return path


def anonymous_lines(tmp_path: Path) -> Path:
    """Order lines whose buyer column values cannot place (no order column)."""
    headers, rows = erp_lines({"unit": "Price", "total": "Ext Price"})
    keep = [i for i, h in enumerate(headers) if h not in ("Order #", "Customer #")]
    rnd = random.Random(1)
    headers = [headers[i] for i in keep] + [BUYER]
    rows = [[r[i] for i in keep] + [f"A{rnd.randint(100, 999)}"] for r in rows]
    return write_csv(tmp_path / "lines.csv", headers, rows)


def test_orders_without_a_customer_column_are_refused(tmp_path, capsys) -> None:
    project = tmp_path / "p.pushwise"
    code = main(["import", str(anonymous_lines(tmp_path)), "--project", str(project)])
    assert code == 3
    err = capsys.readouterr().err
    assert "'Zuordnung'" in err
    assert "--mapping" in err and "--no-customers" in err
    assert "Traceback" not in err
    assert not project.exists()
    # The mapping the message gives, saved as it says, imports the file.
    suggested = err.split("--mapping FILE: ", 1)[1].split(" (put another", 1)[0]
    mapping = tmp_path / "m.json"
    mapping.write_text(suggested, encoding="utf-8")
    file = tmp_path / "lines.csv"
    assert (
        main(
            ["import", str(file), "--project", str(project), "--mapping", str(mapping)]
        )
        == 0
    )


def test_no_customers_imports_the_lines_as_demand(tmp_path, capsys) -> None:
    project = tmp_path / "p.pushwise"
    file = anonymous_lines(tmp_path)
    args = ["import", str(file), "--project", str(project), "--no-customers"]
    assert main(args) == 0
    assert "imported" in capsys.readouterr().out


def test_no_customers_is_documented(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "--no-customers" in capsys.readouterr().out


def test_a_file_with_its_customer_found_is_imported(tmp_path) -> None:
    file = write_csv(tmp_path / "crm.csv", *crm_report())
    assert main(["import", str(file), "--project", str(tmp_path / "p.pushwise")]) == 0


def test_a_code_that_changes_within_an_order_is_no_customer(tmp_path, capsys) -> None:
    # A barcode under a header no synonym knows: it changes from line to line
    # of one order, so it cannot be who bought; the user is not sent to it.
    headers, rows = erp_lines({"unit": "Price", "total": "Ext Price"})
    keep = [i for i, h in enumerate(headers) if h != "Customer #"]
    rnd = random.Random(2)
    headers = [headers[i] for i in keep] + [BUYER]
    rows = [[r[i] for i in keep] + [f"{rnd.randint(10**12, 10**13)}"] for r in rows]
    file = write_csv(tmp_path / "lines.csv", headers, rows)
    assert_refused_without_candidates(file, tmp_path, capsys)


def assert_refused_without_candidates(file: Path, tmp_path: Path, capsys) -> None:
    """No column is offered as the customer; the lines are imported as demand
    only when asked for with --no-customers."""
    args = ["import", str(file), "--project", str(tmp_path / "p.pushwise")]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert BUYER not in err
    assert "--join FILE" in err and "--no-customers" in err
    assert main([*args, "--no-customers"]) == 0


def test_a_unit_cost_and_its_extension_do_not_displace_the_prices() -> None:
    headers, rows = erp_lines({"unit": "Price", "total": "Ext Price"})
    headers = [*headers, "Cost", "Ext Cost"]
    costs = [[*r, f"{float(r[5]) / 2:.3f}", f"{float(r[6]) / 2:.3f}"] for r in rows]
    # A few lines were discounted: the prices multiply up on fewer rows.
    rows = [
        [*r[:6], f"{float(r[6]) * 0.9:.2f}", *r[7:]] if i % 15 == 7 else r
        for i, r in enumerate(costs)
    ]
    mapping = infer(headers, rows)
    assert mapping.source_of(C.UNIT_PRICE) == "Price"
    assert mapping.source_of(C.AMOUNT) == "Ext Price"


def test_no_customers_leaves_out_a_customer_column_found(tmp_path) -> None:
    file = write_csv(tmp_path / "crm.csv", *crm_report())
    project = tmp_path / "p.pushwise"
    assert main(["import", str(file), "--project", str(project), "--no-customers"]) == 0
    with duckdb.connect(str(project), read_only=True) as con:
        lines, customers = con.execute(
            "SELECT count(*), count(customer_id) FROM orders"
        ).fetchone() or (0, 0)
    assert lines > 0 and customers == 0
