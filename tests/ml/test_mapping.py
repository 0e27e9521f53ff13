"""Column mapping: known export layouts, header words in five languages, values."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.columns import CANONICAL, REQUIRED, Kind
from ml.mapping import ColumnMapping, infer_kind, infer_mapping, sample_columns

Sample = dict[str, list[str | None]]


def table(text: str, delimiter: str = ",") -> tuple[list[str], Sample]:
    """Headers and column samples of a small CSV written inline."""
    rows = list(csv.reader(io.StringIO(text.strip() + "\n"), delimiter=delimiter))
    headers, data = rows[0], rows[1:]
    return headers, {h: [r[i] or None for r in data] for i, h in enumerate(headers)}


def mapped(text: str, kind: Kind | None = None, delimiter: str = ",") -> ColumnMapping:
    """Infer the kind (unless given) and the mapping of an inline CSV."""
    headers, sample = table(text, delimiter)
    return infer_mapping(headers, sample, kind or infer_kind(headers, sample))


def sources(mapping: ColumnMapping) -> dict[str, str]:
    return {m.canonical: m.source for m in mapping.matches if m.source is not None}


# --- known export layouts ------------------------------------------------------

SHOPIFY = """
Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing City,Billing Zip,Billing Country,Shipping Country,Notes,Cancelled at,Payment Method,Refunded Amount,Vendor,Id,Tags,Risk Level,Source
#1001,ann@example.com,paid,2024-03-01 10:02:11 +0100,fulfilled,2024-03-02 09:00:00 +0100,yes,EUR,42.00,4.90,6.71,46.90,,0.00,Standard,2024-03-01 10:01:55 +0100,2,Linen Towel - Sand,15.00,,LT-SAND,true,true,fulfilled,Ann Meier,Berlin,10115,DE,DE,,,Shopify Payments,0.00,Acme,5512345678,,Low,web
#1001,ann@example.com,,,,,,,,,,,,,,2024-03-01 10:01:55 +0100,1,Soap Bar,12.00,,SOAP-01,true,true,fulfilled,,,,,,,,,,Acme,,,,
#1002,bob@example.com,refunded,2024-03-03 11:00:00 +0100,unfulfilled,,no,EUR,9.50,4.90,1.52,14.40,,0.00,Standard,2024-03-03 10:59:00 +0100,1,Soap Bar,9.50,,SOAP-01,true,true,pending,Bob Roe,Paris,75001,FR,FR,,2024-03-04 08:00:00 +0100,PayPal,14.40,Acme,5512345679,,Low,web
"""  # noqa: E501


def test_shopify_orders_export_is_recognised() -> None:
    mapping = mapped(SHOPIFY)
    assert mapping.kind is Kind.ORDERS
    assert mapping.layout == "Shopify orders"
    assert sources(mapping) == {
        "customer_id": "Email",
        "offering_id": "Lineitem sku",
        "ordered_at": "Created at",
        "quantity": "Lineitem quantity",
        "unit_price": "Lineitem price",
        "order_id": "Name",
        "offering_name": "Lineitem name",
        "channel": "Source",
        "country": "Billing Country",
        "status": "Financial Status",
    }
    assert all(m.confidence >= 0.9 for m in mapping.matches if m.source)
    assert {m.method for m in mapping.matches if m.source} == {"layout"}


def test_shopify_order_total_is_not_taken_for_the_line_amount() -> None:
    # "Total" is the order's total, written on its first line only.
    assert mapped(SHOPIFY).source_of("amount") is None


def test_shopify_without_skus_falls_back_to_the_product_name() -> None:
    headers, sample = table(SHOPIFY)
    sample["Lineitem sku"] = [None, None, None]
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.source_of("offering_id") == "Lineitem name"


SALESFORCE = """
Opportunity ID,Opportunity Name,Account ID,Account Name,Product Name,Product Code,Quantity,Sales Price,Total Price,Close Date,Stage,Product Family
0065g00000AbCdE,Acme renewal 2024,0015g00000XyZ12,Acme GmbH,Premium Support,SUP-PREM,2,1200.00,2400.00,2024-02-15,Closed Won,Services
0065g00000AbCdF,Globex expansion,0015g00000XyZ13,Globex Ltd,Analytics Seat,AN-SEAT,25,40.00,1000.00,2024-03-01,Closed Lost,Software
"""  # noqa: E501


def test_salesforce_opportunity_product_export_is_recognised() -> None:
    mapping = mapped(SALESFORCE)
    assert mapping.layout == "Salesforce opportunity products"
    assert sources(mapping) == {
        "customer_id": "Account ID",
        "offering_id": "Product Code",
        "ordered_at": "Close Date",
        "quantity": "Quantity",
        "amount": "Total Price",
        "unit_price": "Sales Price",
        "order_id": "Opportunity ID",
        "offering_name": "Product Name",
        "category": "Product Family",
        "status": "Stage",
    }


def test_salesforce_report_headers_are_recognised() -> None:
    mapping = mapped(
        """
Opportunity Name,Account Name,Product: Product Name,Product: Product Code,Product: Product Family,Quantity,Sales Price,Total Price,Close Date,Stage,Opportunity Owner
Acme renewal 2024,Acme GmbH,Premium Support,SUP-PREM,Services,2,"1,200.00","2,400.00",15/02/2024,Closed Won,Jane Doe
Globex expansion,Globex Ltd,Analytics Seat,AN-SEAT,Software,25,40.00,"1,000.00",01/03/2024,Closed Lost,Jane Doe
"""  # noqa: E501
    )
    assert mapping.layout == "Salesforce report (opportunities with products)"
    assert sources(mapping) == {
        "customer_id": "Account Name",  # reports name the account, not its id
        "offering_id": "Product: Product Code",
        "ordered_at": "Close Date",
        "quantity": "Quantity",
        "amount": "Total Price",
        "unit_price": "Sales Price",
        "order_id": "Opportunity Name",
        "offering_name": "Product: Product Name",
        "category": "Product: Product Family",
        "status": "Stage",
    }
    assert mapping.match_for("customer_id").confidence >= 0.85


def test_hubspot_deals_with_line_items_export_is_recognised() -> None:
    mapping = mapped(
        """
Record ID,Deal Name,Deal Stage,Close Date,Create Date,Amount,Associated Company IDs,Associated Contact IDs,Line item: Name,Line item: SKU,Line item: Quantity,Line item: Unit price,Line item: Net price
9876543210,Acme Q1,Closed won,2024-02-15 10:00,2024-01-10 09:00,2400,123456789,555001,Premium Support,SUP-PREM,2,1200,2400
9876543211,Globex,Closed lost,2024-03-01 10:00,2024-01-12 09:00,1000,123456790,555002,Analytics Seat,AN-SEAT,25,40,1000
"""  # noqa: E501
    )
    assert mapping.layout == "HubSpot deals / line items"
    assert sources(mapping) == {
        "customer_id": "Associated Company IDs",
        "offering_id": "Line item: SKU",
        "ordered_at": "Close Date",
        "quantity": "Line item: Quantity",
        "amount": "Line item: Net price",  # the deal "Amount" is the whole deal
        "unit_price": "Line item: Unit price",
        "order_id": "Record ID",
        "offering_name": "Line item: Name",
        "status": "Deal Stage",
    }


def test_hubspot_line_items_export_uses_the_deal_as_order() -> None:
    mapping = mapped(
        """
Record ID,Name,SKU,Quantity,Unit price,Net price,Create Date,Associated Deal IDs,Associated Company IDs
301,Premium Support,SUP-PREM,2,1200,2400,2024-01-10,9876543210,123456789
302,Analytics Seat,AN-SEAT,25,40,1000,2024-01-12,9876543211,123456790
"""  # noqa: E501
    )
    assert mapping.layout == "HubSpot deals / line items"
    assert mapping.source_of("order_id") == "Associated Deal IDs"
    assert mapping.source_of("offering_id") == "SKU"
    assert mapping.source_of("offering_name") == "Name"
    assert mapping.source_of("ordered_at") == "Create Date"
    assert mapping.source_of("amount") == "Net price"


WOOCOMMERCE = """
Order Number,Order Status,Order Date,Customer User ID,Billing Email Address,Billing Country,Item Name,SKU,Quantity,Item Cost,Line Total,Order Total Amount
1001,wc-completed,2024-03-01 10:00:00,0,ann@example.com,DE,Linen Towel,LT-SAND,2,15.00,30.00,42.00
1001,wc-completed,2024-03-01 10:00:00,0,ann@example.com,DE,Soap Bar,SOAP-01,1,12.00,12.00,42.00
1002,wc-refunded,2024-03-03 11:00:00,17,bob@example.com,FR,Soap Bar,SOAP-01,1,9.50,9.50,9.50
"""  # noqa: E501


def test_woocommerce_orders_export_is_recognised() -> None:
    mapping = mapped(WOOCOMMERCE)
    assert mapping.layout == "WooCommerce orders"
    assert sources(mapping) == {
        # Guests have user id 0: their e-mail address identifies them.
        "customer_id": "Billing Email Address",
        "offering_id": "SKU",
        "ordered_at": "Order Date",
        "quantity": "Quantity",
        "amount": "Line Total",
        "unit_price": "Item Cost",
        "order_id": "Order Number",
        "offering_name": "Item Name",
        "country": "Billing Country",
        "status": "Order Status",
    }


def test_woocommerce_registered_customers_use_their_user_id() -> None:
    headers, sample = table(WOOCOMMERCE)
    sample["Customer User ID"] = ["15", "15", "17"]
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.source_of("customer_id") == "Customer User ID"


def test_woocommerce_order_total_is_the_amount_when_there_is_no_line_total() -> None:
    headers, sample = table(WOOCOMMERCE)
    headers.remove("Line Total")
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.source_of("amount") == "Order Total Amount"
    assert mapping.match_for("amount").confidence < 0.9  # repeated per line: check


ONLINE_RETAIL = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,France
"""  # noqa: E501


def test_uci_online_retail_layout_and_cancellation_prefix() -> None:
    mapping = mapped(ONLINE_RETAIL)
    assert (mapping.kind, mapping.layout) == (Kind.ORDERS, "UCI Online Retail")
    assert sources(mapping) == {
        "customer_id": "CustomerID",
        "offering_id": "StockCode",
        "ordered_at": "InvoiceDate",
        "quantity": "Quantity",
        "unit_price": "UnitPrice",
        "order_id": "InvoiceNo",
        "offering_name": "Description",
        "country": "Country",
    }
    assert mapping.cancellation_prefix == "C"
    assert mapping.unmapped_sources == ()
    assert min(m.confidence for m in mapping.matches if m.source) >= 0.95


def test_uci_online_retail_ii_names() -> None:
    mapping = mapped(
        """
Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom
489435,22350,CAT BOWL ,12,2009-12-01 07:46:00,2.55,13085.0,United Kingdom
"""  # noqa: E501
    )
    assert mapping.layout == "UCI Online Retail II"
    assert mapping.source_of("order_id") == "Invoice"
    assert mapping.source_of("unit_price") == "Price"
    assert mapping.source_of("customer_id") == "Customer ID"
    # No cancellation in this sample, but the layout documents the "C" prefix.
    assert mapping.cancellation_prefix == "C"


def test_olist_order_reviews_are_feedback() -> None:
    mapping = mapped(
        """
review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,review_answer_timestamp
7bc2406110b926393aa56f80a40eba40,73fc7af87114b39712e6da79b0a377eb,4,,,2018-01-18 00:00:00,2018-01-18 21:46:59
80e641a11e56f04c1ad469d5645fdfde,a548910a1c6147796b98fdf73dbeba33,5,,,2018-03-10 00:00:00,2018-03-11 03:05:13
228ce5500dc1d8e020d8d1322874b6f0,f9e4b658b201a9f2ecdecbb34bed034b,5,Recomendo,Parabéns lojas lannister adorei comprar pela Internet,2018-02-17 00:00:00,2018-02-18 14:36:24
"""  # noqa: E501
    )
    assert (mapping.kind, mapping.layout) == (Kind.FEEDBACK, "Olist order reviews")
    assert sources(mapping) == {
        "submitted_at": "review_answer_timestamp",
        "rating": "review_score",
        "comment": "review_comment_message",
        "title": "review_comment_title",
        "order_id": "order_id",
    }


def test_nps_survey_export_is_feedback() -> None:
    mapping = mapped(
        """
Response ID,Email,Response date,NPS score,Comments
R_1,ann@example.com,2024-03-01,9,Great service
R_2,bob@example.com,2024-03-02,3,Delivery took far too long
R_3,cy@example.com,2024-03-02,10,
"""
    )
    assert (mapping.kind, mapping.layout) == (Kind.FEEDBACK, "NPS / survey export")
    assert sources(mapping) == {
        "customer_id": "Email",
        "submitted_at": "Response date",
        "rating": "NPS score",
        "comment": "Comments",
    }


def test_an_all_capitals_export_is_still_recognised() -> None:
    header, _, rows = ONLINE_RETAIL.strip().partition("\n")
    mapping = mapped(header.upper() + "\n" + rows)
    assert mapping.layout == "UCI Online Retail"
    assert mapping.source_of("order_id") == "INVOICENO"
    assert mapping.source_of("customer_id") == "CUSTOMERID"


def test_samples_are_taken_from_the_readers_table() -> None:
    raw = pa.table(
        {
            "Customer": ["c1", None, "c3"],
            "Date": ["2024-01-05", "2024-01-06", "2024-01-07"],
            "__line__": pa.array([2, 3, 4], pa.int64()),
        }
    )
    sample = sample_columns(raw, rows=2)  # spread over the table, first and last
    assert sample == {"Customer": ["c1", "c3"], "Date": ["2024-01-05", "2024-01-07"]}


def test_survey_questions_as_headers() -> None:
    mapping = mapped(
        "Respondent ID,End Date,Email Address,"
        "How likely is it that you would recommend us to a friend or colleague?,"
        "What is the main reason for your score?\n"
        "1001,2024-03-01 10:05,ann@example.com,9,Fast delivery and friendly staff\n"
        "1002,2024-03-02 11:03,bob@example.com,4,The parcel arrived damaged\n"
    )
    assert mapping.kind is Kind.FEEDBACK
    assert mapping.source_of("rating").startswith("How likely")
    assert mapping.source_of("comment").startswith("What is the main reason")
    assert mapping.source_of("customer_id") == "Email Address"
    assert mapping.source_of("submitted_at") == "End Date"


def test_a_shop_customer_list_with_a_note_column_is_customers() -> None:
    mapping = mapped(
        "First Name,Last Name,Email,Accepts Email Marketing,City,Province,Country,"
        "Total Spent,Total Orders,Tags,Note\n"
        "Ann,Meier,ann@example.com,yes,Berlin,BE,DE,46.90,1,vip,\n"
        "Bob,Roe,bob@example.com,no,Paris,IDF,FR,14.40,1,,\n"
    )
    assert mapping.kind is Kind.CUSTOMERS
    assert mapping.source_of("customer_id") == "Email"
    assert mapping.source_of("country") == "Country"
    # "Accepts marketing" is the opposite of an opt-out: never mapped to it.
    assert mapping.source_of("opted_out") is None


def test_a_layout_is_recognised_whatever_the_case_and_spelling() -> None:
    text = ONLINE_RETAIL.replace("InvoiceNo", "invoice_no").replace(
        "UnitPrice", "UNIT PRICE"
    )
    mapping = mapped(text)
    assert mapping.layout == "UCI Online Retail"
    assert mapping.source_of("unit_price") == "UNIT PRICE"


# --- header words in five languages -------------------------------------------

ORDER_LANGUAGES = {
    "en": "Customer No;Item Number;Product Name;Qty;Unit Price;Revenue;Order Date;"
    "Country;Category;Order Status",
    "de": "Kundennummer;Artikelnummer;Artikelbezeichnung;Menge;Einzelpreis;Umsatz;"
    "Bestelldatum;Land;Warengruppe;Status",
    "fr": "Numéro client;Référence produit;Désignation;Quantité;Prix unitaire;Montant;"
    "Date de commande;Pays;Catégorie;Statut",
    "es": "ID cliente;Código de producto;Nombre del producto;Cantidad;Precio unitario;"
    "Importe;Fecha de pedido;País;Categoría;Estado",
    "nl": "Klantnummer;Productcode;Productnaam;Aantal;Eenheidsprijs;Bedrag;Besteldatum;"
    "Land;Categorie;Status",
}
ORDER_ROWS = (
    "K-1001;A-77;Tasse blau;2;4,50;9,00;05.01.2024;Deutschland;Küche;bezahlt\n"
    "K-1002;A-78;Lampe;1;12,00;12,00;06.01.2024;Österreich;Wohnen;storniert\n"
    "K-1001;A-79;Teller;3;1.234,50;3.703,50;07.01.2024;Deutschland;Küche;bezahlt\n"
)
ORDER_COLUMNS = (
    "customer_id",
    "offering_id",
    "offering_name",
    "quantity",
    "unit_price",
    "amount",
    "ordered_at",
    "country",
    "category",
    "status",
)


@pytest.mark.parametrize("language", sorted(ORDER_LANGUAGES))
def test_order_headers_in_each_language(language: str) -> None:
    header = ORDER_LANGUAGES[language]
    mapping = mapped(header + "\n" + ORDER_ROWS, delimiter=";")
    assert mapping.kind is Kind.ORDERS
    assert sources(mapping) == dict(zip(ORDER_COLUMNS, header.split(";"), strict=True))
    assert all(m.method == "synonym" for m in mapping.matches if m.source)
    assert mapping.missing_required() == ()


FEEDBACK_LANGUAGES = {
    "en": "Customer;Date;Rating;Comment",
    "de": "Kunde;Datum;Bewertung;Kommentar",
    "fr": "Client;Date;Note;Avis",
    "es": "Cliente;Fecha;Valoración;Comentario",
    "nl": "Klant;Datum;Beoordeling;Opmerking",
}
FEEDBACK_ROWS = (
    "c1;2024-03-01;5;Sehr gut, gerne wieder\nc2;2024-03-02;2;Zu spät geliefert\n"
    "c3;2024-03-04;4;\n"
)


@pytest.mark.parametrize("language", sorted(FEEDBACK_LANGUAGES))
def test_feedback_headers_in_each_language(language: str) -> None:
    header = FEEDBACK_LANGUAGES[language]
    mapping = mapped(header + "\n" + FEEDBACK_ROWS, delimiter=";")
    assert mapping.kind is Kind.FEEDBACK
    assert sources(mapping) == dict(
        zip(("customer_id", "submitted_at", "rating", "comment"), header.split(";"),
            strict=True)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Kunde", "customer_id"),
        ("Kunden-Nr.", "customer_id"),
        ("Artikel", "offering_id"),
        ("Anzahl", "quantity"),
        ("Betrag", "amount"),
        ("Datum", "ordered_at"),
        ("client", "customer_id"),
        ("produit", "offering_id"),
        ("montant", "amount"),
        ("date de commande", "ordered_at"),
        ("cliente", "customer_id"),
        ("producto", "offering_id"),
        ("importe", "amount"),
        ("fecha", "ordered_at"),
        ("klant", "customer_id"),
        ("product", "offering_id"),
        ("aantal", "quantity"),
        ("bedrag", "amount"),
        ("datum", "ordered_at"),
        ("customerId", "customer_id"),
        ("CUSTOMER_ID", "customer_id"),
        ("order-date", "ordered_at"),
        ("Lieferdatum", "ordered_at"),  # a compound word ending in "datum"
    ],
)
def test_single_headers_are_understood(header: str, canonical: str) -> None:
    mapping = infer_mapping([header, "other"], {}, Kind.ORDERS)  # words only
    assert mapping.source_of(canonical) == header


def test_a_partial_header_match_is_less_sure_than_an_exact_one() -> None:
    mapping = mapped(
        "Kundennummer,Lieferdatum,Bestellte Menge (Stk),Artikel\n"
        "K1,05.01.2024,2,A1\nK2,06.01.2024,1,A2\n",
        Kind.ORDERS,
    )
    exact = mapping.match_for("customer_id").confidence
    assert mapping.source_of("ordered_at") == "Lieferdatum"
    assert mapping.source_of("quantity") == "Bestellte Menge (Stk)"
    assert mapping.match_for("ordered_at").confidence < exact
    assert mapping.match_for("quantity").confidence < exact


def test_the_feedback_kinds_own_words() -> None:
    mapping = mapped(
        "Customer ID,Review date,Stars,Review title,Review text,Type\n"
        "c1,2024-01-02,5,Great,Loved it and will buy again,review\n"
        "c2,2024-01-03,1,Broken,Arrived broken and support never answered,complaint\n",
    )
    assert mapping.kind is Kind.FEEDBACK
    assert sources(mapping) == {
        "customer_id": "Customer ID",
        "submitted_at": "Review date",
        "rating": "Stars",
        "title": "Review title",
        "comment": "Review text",
        "kind": "Type",
    }


# --- values -------------------------------------------------------------------


def test_meaningless_headers_are_mapped_by_their_values() -> None:
    headers, sample = table(ONLINE_RETAIL)
    blind = [f"col{i}" for i in range(1, len(headers) + 1)]
    renamed = {b: sample[h] for b, h in zip(blind, headers, strict=True)}
    assert infer_kind(blind, renamed) is Kind.ORDERS
    mapping = infer_mapping(blind, renamed, Kind.ORDERS)
    assert sources(mapping) == {
        "order_id": "col1",
        "offering_id": "col2",
        "offering_name": "col3",
        "quantity": "col4",
        "ordered_at": "col5",
        "unit_price": "col6",
        "customer_id": "col7",
        "country": "col8",
    }
    # Values alone never look sure: the user is asked to confirm each column.
    assert all(m.method == "values" for m in mapping.matches if m.source)
    assert max(m.confidence for m in mapping.matches) <= 0.55
    assert mapping.cancellation_prefix == "C"


def test_the_line_total_is_told_from_the_unit_price_by_multiplying() -> None:
    mapping = mapped(
        "col1,col2,col3,col4\n"
        "2024-01-05,3,12.00,4.00\n2024-01-06,2,5.00,2.50\n2024-01-07,1,9.99,9.99\n",
        Kind.ORDERS,
    )
    assert mapping.source_of("quantity") == "col2"
    assert mapping.source_of("amount") == "col3"
    assert mapping.source_of("unit_price") == "col4"


def test_values_fill_a_date_column_with_an_unknown_header() -> None:
    mapping = mapped(
        "Kundennummer,Artikelnummer,Belegdat.\n"
        "K1,A1,05.01.2024\nK2,A2,06.01.2024\nK3,A1,07.01.2024\n",
    )
    assert mapping.source_of("ordered_at") == "Belegdat."
    assert mapping.match_for("ordered_at").method == "values"
    assert mapping.missing_required() == ()


def test_values_that_contradict_the_header_lower_its_confidence() -> None:
    good = mapped("Customer,Product,Date\nc1,p1,2024-01-05\nc2,p2,2024-01-06\n")
    bad = mapped("Customer,Product,Date\nc1,p1,soon\nc2,p2,later\n", Kind.ORDERS)
    assert bad.match_for("ordered_at").confidence < 0.5
    assert good.match_for("ordered_at").confidence > 0.85


def test_small_counts_under_an_unknown_header_are_not_taken_for_quantities() -> None:
    mapping = mapped(
        "order_id,order_item_id,product_id,purchase_date\n"
        "o1,1,p1,2024-01-05\no1,2,p2,2024-01-05\no2,1,p3,2024-01-06\n",
    )
    assert mapping.source_of("quantity") is None
    assert "order_item_id" in mapping.unmapped_sources


def test_an_attribute_of_the_customer_is_not_the_customer() -> None:
    mapping = mapped(
        "Order ID,Customer City,Customer State,Product,Date\n"
        "1,Berlin,BE,p1,2024-01-05\n2,Hamburg,HH,p2,2024-01-06\n",
    )
    assert mapping.source_of("customer_id") is None


# --- conflicts ------------------------------------------------------------------


def test_each_header_fills_one_column_and_each_column_one_header() -> None:
    headers, sample = table(
        "Date,Order Date,Created at,Customer,Customer ID,Product,Price,Total Price\n"
        "2024-01-01,2024-01-05,2024-01-04,Ann,c1,p1,2.00,4.00\n"
        "2024-01-01,2024-01-06,2024-01-05,Bob,c2,p2,3.00,3.00\n"
    )
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.source_of("ordered_at") == "Order Date"  # the most specific
    assert mapping.source_of("customer_id") == "Customer ID"
    assert mapping.source_of("amount") == "Total Price"
    assert mapping.source_of("unit_price") == "Price"
    chosen = [m.source for m in mapping.matches if m.source]
    assert len(chosen) == len(set(chosen))
    assert sorted(chosen + list(mapping.unmapped_sources)) == sorted(headers)


def test_every_mapping_lists_each_canonical_column_once_in_order() -> None:
    for kind in Kind:
        mapping = mapped(SHOPIFY, kind)
        assert tuple(m.canonical for m in mapping.matches) == CANONICAL[kind]
        assert all(0.0 <= m.confidence <= 1.0 for m in mapping.matches)


def test_missing_required_columns_are_reported() -> None:
    mapping = mapped("Customer,Notes\nc1,hello\n", Kind.ORDERS)
    assert mapping.missing_required() == REQUIRED[Kind.ORDERS]


def test_the_reader_line_column_is_never_mapped() -> None:
    headers, sample = table(ONLINE_RETAIL)
    mapping = infer_mapping([*headers, "__line__"], sample, Kind.ORDERS)
    assert "__line__" not in mapping.unmapped_sources
    assert "__line__" not in {m.source for m in mapping.matches}


# --- cancellation prefix ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "prefix"),
    [
        (["536365", "536366", "C536379", "536367", "536368"], "C"),
        (["100231", "100232", "R100233", "100234"], "R"),
        (["#1001", "#1002", "#1003"], None),  # all alike: no cancellation marker
        (["A-1", "B-2", "C-3", "D-4"], None),  # codes, not numbers
        (["C1", "C2", "C3", "4"], None),  # the "prefixed" ids are the majority
        (["536365", "536366", "536367"], None),
    ],
)
def test_cancellation_prefix_comes_from_the_order_ids(
    ids: list[str], prefix: str | None
) -> None:
    headers = ["Order ID", "Product", "Date"]
    sample: Sample = {
        "Order ID": list(ids),
        "Product": ["p"] * len(ids),
        "Date": ["2024-01-05"] * len(ids),
    }
    mapping = infer_mapping(headers, sample, Kind.ORDERS)
    assert mapping.cancellation_prefix == prefix


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(max_size=15), min_size=1, max_size=8, unique=True),
    st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=6),
)
def test_any_headers_and_values_give_a_valid_mapping(headers, values) -> None:
    sample: Sample = {h: list(values) for h in headers}
    kind = infer_kind(headers, sample)
    mapping = infer_mapping(headers, sample, kind)
    used = [m.source for m in mapping.matches if m.source is not None]
    assert len(used) == len(set(used)) and set(used) <= set(headers)
    assert all(0.0 <= m.confidence <= 1.0 for m in mapping.matches)
    assert ColumnMapping.from_json(mapping.to_json()) == mapping


# --- kind -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Customer,Product,Date,Quantity\nc1,p1,2024-01-05,2\n", Kind.ORDERS),
        ("Customer,Date,Rating\nc1,2024-01-05,4\n", Kind.FEEDBACK),
        ("Kunde,Datum,Kommentar\nc1,2024-01-05,Alles gut\n", Kind.FEEDBACK),
        ("SKU,Name,Category,Price\nA1,Mug,Kitchen,4.50\n", Kind.OFFERINGS),
        ("Customer ID,Segment,Country\nc1,Gold,DE\nc2,Silver,FR\n", Kind.CUSTOMERS),
        # One row per customer with a sign-up date is still a customer list.
        ("Email,Signup date,Segment\na@x.de,2024-01-02,Gold\nb@x.de,2024-01-03,B\n",
         Kind.CUSTOMERS),
        # Attributes per person without ids or purchases (a campaign list).
        ("recency,history,channel,segment\n10,142.44,Phone,Womens E-Mail\n",
         Kind.CUSTOMERS),
        # An order export with a notes column is still orders.
        ("Order ID,SKU,Qty,Date,Notes\n1,A,2,2024-01-05,leave at door\n", Kind.ORDERS),
    ],
)  # fmt: skip
def test_the_kind_of_file_is_guessed(text: str, kind: Kind) -> None:
    headers, sample = table(text)
    assert infer_kind(headers, sample) is kind
