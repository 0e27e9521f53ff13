"""Known export layouts (shops, CRMs, public datasets), recognised from their headers.

A layout lists its typical headers (`markers`), the header groups it must contain
(`required`: one header of each group), and for each canonical column the headers
that fill it, best first. A candidate may carry its own confidence ("Order Total
Amount=0.75"): an order total repeated on every line is a poorer amount than a
line total. Headers are compared normalised, so "Lineitem SKU", "lineitem_sku"
and "LineitemSku" are one header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ml.columns import Columns, Kind
from ml.mapping.normalize import header_keys_of

_C = Columns


@dataclass(frozen=True, slots=True)
class Layout:
    """A known export layout and how its headers map onto canonical columns."""

    name: str
    kind: Kind
    markers: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    min_markers: int
    columns: Mapping[str, tuple[str, ...]]
    confidence: float = 0.97
    cancellation_prefix: str | None = None
    # The markers as header keys, to compare with a file's headers.
    marker_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "marker_keys",
            frozenset(k for m in self.markers for k in header_keys_of(m)),
        )

    def found_markers(self, headers: Sequence[str]) -> int:
        """Return how many of a file's headers are typical of this layout."""
        return sum(
            any(k in self.marker_keys for k in header_keys_of(h)) for h in set(headers)
        )


def _candidates(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(";"))


def _cols(**columns: str) -> dict[str, tuple[str, ...]]:
    return {canonical: _candidates(text) for canonical, text in columns.items()}


_SALESFORCE_COLUMNS = _cols(
    customer_id="Account ID; Account Name=0.9",
    offering_id="Product Code; Product ID=0.95; Product2Id=0.95; Product Name=0.85",
    ordered_at="Close Date; Created Date=0.8; Service Date=0.8",
    quantity="Quantity",
    amount="Total Price; Amount=0.8",
    unit_price="Sales Price; Unit Price; List Price=0.8",
    order_id="Opportunity ID; Opportunity Name=0.85",
    offering_name="Product Name",
    category="Product Family",
    channel="Lead Source=0.7",
    country="Billing Country; Account: Billing Country",
    status="Stage; Stage Name",
)

_SALESFORCE_MARKERS = (
    "Opportunity ID; Opportunity Name; Account ID; Account Name; Product Name; "
    "Product Code; Product ID; Quantity; Sales Price; Unit Price; Total Price; "
    "List Price; Close Date; Stage; Stage Name; Product Family; "
    "Opportunity Line Item ID; Pricebook Entry ID; Service Date; Opportunity Owner; "
    "Fiscal Period; Probability (%); Lead Source; Amount; Created Date"
)

_BUSINESS_CENTRAL_MARKERS = (
    "Document No.; Sell-to Customer No.; Bill-to Customer No.; Posting Date; Type; "
    "No.; Description; Quantity; Unit of Measure Code; Unit Price; "
    "Unit Price Excl. VAT; Line Amount; Line Amount Excl. VAT; Line No.; "
    "Location Code; Shipment Date; Line Discount %; "
    "Belegnr.; Verk. an Deb.-Nr.; Rech. an Deb.-Nr.; Buchungsdatum; Art; Nr.; "
    "Beschreibung; Menge; Einheitencode; VK-Preis; VK-Preis ohne MwSt.; "
    "Zeilenbetrag; Zeilenbetrag ohne MwSt.; Zeilennr.; Lagerortcode; "
    "Warenausg.-Datum; Zeilenrabatt %"
)

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="UCI Online Retail",
        kind=Kind.ORDERS,
        markers=_candidates(
            "InvoiceNo; StockCode; Description; Quantity; InvoiceDate; UnitPrice; "
            "CustomerID; Country"
        ),
        required=(("invoice no",), ("stock code",)),
        min_markers=6,
        columns=_cols(
            customer_id="CustomerID",
            offering_id="StockCode",
            ordered_at="InvoiceDate",
            quantity="Quantity",
            unit_price="UnitPrice",
            order_id="InvoiceNo",
            offering_name="Description",
            country="Country",
        ),
        cancellation_prefix="C",
    ),
    Layout(
        name="UCI Online Retail II",
        kind=Kind.ORDERS,
        markers=_candidates(
            "Invoice; StockCode; Description; Quantity; InvoiceDate; Price; "
            "Customer ID; Country"
        ),
        required=(("invoice",), ("stock code",)),
        min_markers=6,
        columns=_cols(
            customer_id="Customer ID",
            offering_id="StockCode",
            ordered_at="InvoiceDate",
            quantity="Quantity",
            unit_price="Price",
            order_id="Invoice",
            offering_name="Description",
            country="Country",
        ),
        cancellation_prefix="C",
    ),
    Layout(
        name="Shopify orders",
        kind=Kind.ORDERS,
        markers=_candidates(
            "Name; Email; Financial Status; Paid at; Fulfillment Status; Fulfilled at; "
            "Accepts Marketing; Currency; Subtotal; Shipping; Taxes; Total; "
            "Discount Code; Discount Amount; Shipping Method; Created at; "
            "Lineitem quantity; Lineitem name; Lineitem price; "
            "Lineitem compare at price; Lineitem sku; Lineitem requires shipping; "
            "Lineitem taxable; Lineitem fulfillment status; Billing Name; "
            "Billing Country; Shipping Country; Notes; Cancelled at; Payment Method; "
            "Refunded Amount; Vendor; Outstanding Balance; Id; Tags; Risk Level; "
            "Source; Lineitem discount"
        ),
        required=(("lineitem quantity", "lineitem name", "lineitem sku"),),
        min_markers=6,
        columns=_cols(
            customer_id="Email; Customer Email",
            offering_id="Lineitem sku; Lineitem name=0.85",
            ordered_at="Created at; Paid at=0.85",
            quantity="Lineitem quantity",
            unit_price="Lineitem price",
            order_id="Name; Id=0.85",
            offering_name="Lineitem name",
            channel="Source=0.9",
            country="Billing Country; Shipping Country=0.9",
            status="Financial Status",
        ),
    ),
    Layout(
        name="Salesforce opportunity products",
        kind=Kind.ORDERS,
        markers=_candidates(_SALESFORCE_MARKERS),
        required=(
            ("opportunity id", "opportunity name"),
            ("product code", "product name", "product id", "product 2 id"),
        ),
        min_markers=5,
        columns=_SALESFORCE_COLUMNS,
    ),
    Layout(
        name="Salesforce report (opportunities with products)",
        kind=Kind.ORDERS,
        markers=_candidates(
            _SALESFORCE_MARKERS + "; Product: Product Name; Product: Product Code; "
            "Product: Product Family; Account: Account Name"
        ),
        # What only a report has: "Object: Field" headers or report-only fields.
        required=(
            (
                "product product name",
                "product product code",
                "product product family",
                "account account name",
                "opportunity owner",
                "fiscal period",
            ),
        ),
        min_markers=5,
        columns=_SALESFORCE_COLUMNS,
    ),
    Layout(
        name="HubSpot deals / line items",
        kind=Kind.ORDERS,
        markers=_candidates(
            "Record ID; Deal Name; Deal Stage; Pipeline; Close Date; Create Date; "
            "Deal owner; Amount; Associated Company; Associated Company IDs; "
            "Associated Contact; Associated Contact IDs; Associated Deal; "
            "Associated Deal IDs; Name; SKU; Quantity; Unit price; Net price; "
            "Line item: Name; Line item: SKU; Line item: Quantity; "
            "Line item: Unit price; Line item: Net price; Line item: Amount; "
            "Product ID; Line item: Product ID"
        ),
        required=(
            (
                "record id",
                "deal stage",
                "deal name",
                "associated deal ids",
                "associated company ids",
                "associated contact ids",
            ),
        ),
        min_markers=5,
        columns=_cols(
            customer_id="Associated Company IDs; Associated Company ID; "
            "Associated Company=0.9; Associated Contact IDs=0.9; "
            "Associated Contact ID=0.9; Associated Contact=0.85",
            offering_id="Line item: SKU; SKU; Line item: Product ID; Product ID=0.95; "
            "Line item: Name=0.85; Name=0.8",
            ordered_at="Close Date; Create Date=0.85; Line item: Create Date=0.85",
            quantity="Line item: Quantity; Quantity",
            unit_price="Line item: Unit price; Unit price",
            amount="Line item: Net price; Net price; Line item: Amount=0.9; Amount=0.8",
            order_id="Associated Deal IDs; Associated Deal ID; Deal ID; Record ID=0.85",
            offering_name="Line item: Name; Name=0.9; Product name",
            category="Line item: Product type; Product type=0.9",
            status="Deal Stage",
        ),
    ),
    Layout(
        name="WooCommerce orders",
        kind=Kind.ORDERS,
        markers=_candidates(
            "Order ID; Order Number; Order Status; Order Date; Paid Date; "
            "Customer User ID; Customer Note; Billing Email Address; Billing Email; "
            "Email (Billing); Billing First Name; First Name (Billing); "
            "Billing Country; Country Code (Billing); Customer Email; Item Name; "
            "Product Name; SKU; Product ID; Quantity; Quantity (- Refund); Item Cost; "
            "Line Total; Order Total Amount; Order Subtotal Amount; "
            "Cart Discount Amount; Order Shipping Amount; Payment Method Title; "
            "Shipping Method Title; Item #"
        ),
        required=(
            ("order number", "order id"),
            (
                "customer user id",
                "order total amount",
                "item cost",
                "billing email address",
                "email billing",
                "country code billing",
                "order subtotal amount",
                "cart discount amount",
                "order shipping amount",
                "payment method title",
            ),
        ),
        min_markers=5,
        columns=_cols(
            customer_id="Customer User ID; Billing Email Address; Customer Email; "
            "Email (Billing); Billing Email",
            offering_id="SKU; Product ID=0.95; Item Name=0.85; Product Name=0.85",
            ordered_at="Order Date; Paid Date=0.85",
            quantity="Quantity; Quantity (- Refund); Qty; Item Quantity",
            unit_price="Item Cost; Item Price",
            amount="Line Total; Item Total; Line Subtotal=0.9; "
            "Order Total Amount=0.75; Order Total=0.75",
            order_id="Order Number; Order ID",
            offering_name="Item Name; Product Name",
            category="Category; Product Categories; Item Category",
            country="Billing Country; Country Code (Billing); Billing Country Code; "
            "Shipping Country=0.9",
            status="Order Status",
            channel="Created Via=0.7",
        ),
    ),
    Layout(
        name="Olist order reviews",
        kind=Kind.FEEDBACK,
        markers=_candidates(
            "review_id; order_id; review_score; review_comment_title; "
            "review_comment_message; review_creation_date; review_answer_timestamp"
        ),
        required=(
            ("review score",),
            ("review comment message", "review comment title"),
        ),
        min_markers=4,
        columns=_cols(
            submitted_at="review_answer_timestamp; review_creation_date=0.85",
            rating="review_score",
            comment="review_comment_message",
            title="review_comment_title",
            order_id="order_id",
        ),
    ),
    Layout(
        name="Olist orders",
        kind=Kind.ORDERS,
        markers=_candidates(
            "order_id; customer_id; order_status; order_purchase_timestamp; "
            "order_approved_at; order_delivered_carrier_date; "
            "order_delivered_customer_date; order_estimated_delivery_date"
        ),
        required=(("order purchase timestamp",),),
        min_markers=4,
        # Joined with the customers table, customer_unique_id is the person;
        # the orders table's own customer_id is new for each order.
        columns=_cols(
            customer_id="customer_unique_id; customer_id",
            ordered_at="order_purchase_timestamp",
            order_id="order_id",
            status="order_status",
        ),
    ),
    Layout(
        name="Olist order items",
        kind=Kind.ORDERS,
        markers=_candidates(
            "order_id; order_item_id; product_id; seller_id; shipping_limit_date; "
            "price; freight_value"
        ),
        required=(("order item id",), ("shipping limit date", "freight value")),
        min_markers=5,
        # The items table has no order date; the shipping deadline (set a few days
        # after the purchase) is the nearest, so it is offered with low confidence.
        columns=_cols(
            offering_id="product_id",
            ordered_at="shipping_limit_date=0.6",
            unit_price="price",
            order_id="order_id",
        ),
    ),
    Layout(
        name="Olist products",
        kind=Kind.OFFERINGS,
        markers=_candidates(
            "product_id; product_category_name; product_name_lenght; "
            "product_description_lenght; product_photos_qty; product_weight_g; "
            "product_length_cm; product_height_cm; product_width_cm"
        ),
        required=(("product category name",),),
        min_markers=4,
        columns=_cols(offering_id="product_id", category="product_category_name"),
    ),
    Layout(
        name="Olist customers",
        kind=Kind.CUSTOMERS,
        markers=_candidates(
            "customer_id; customer_unique_id; customer_zip_code_prefix; "
            "customer_city; customer_state"
        ),
        required=(("customer unique id",),),
        min_markers=4,
        # customer_id is the key the Olist orders table uses (one per order);
        # customer_unique_id groups a person's orders and stays unmapped here.
        columns=_cols(customer_id="customer_id", region="customer_state"),
    ),
    Layout(
        name="NPS / survey export",
        kind=Kind.FEEDBACK,
        markers=_candidates(
            "NPS score; NPS; Likelihood to recommend; Score; Rating; Response date; "
            "Response ID; Respondent ID; Submitted at; Submit Date; Recorded Date; "
            "Date submitted; End Date; Start Date; Comments; Comment; Feedback; "
            "Reason; Customer ID; Email; Email Address; Survey; Survey name"
        ),
        required=(
            ("nps score", "nps", "likelihood to recommend", "score", "rating"),
            (
                "response date",
                "submitted at",
                "submit date",
                "recorded date",
                "date submitted",
                "response id",
                "respondent id",
            ),
        ),
        min_markers=3,
        columns=_cols(
            customer_id="Customer ID; Email; Email Address; Respondent Email; "
            "User ID=0.8",
            submitted_at="Response date; Submitted at; Submit Date; Date submitted; "
            "Recorded Date; End Date=0.85; Date=0.85",
            rating="NPS score; NPS; Likelihood to recommend; Score; Rating",
            comment="Comments; Comment; Feedback; Reason=0.85",
            feedback_kind="Survey type=0.8; Survey=0.7",
            order_id="Order ID",
        ),
        confidence=0.9,
    ),
    Layout(
        # Posted sales (invoice) lines, English and German captions: the item
        # is the bare "No." / "Nr." column beside "Type" / "Art".
        name="Dynamics 365 Business Central sales lines",
        kind=Kind.ORDERS,
        markers=_candidates(_BUSINESS_CENTRAL_MARKERS),
        required=(
            (
                "Sell-to Customer No.",
                "Bill-to Customer No.",
                "Verk. an Deb.-Nr.",
                "Rech. an Deb.-Nr.",
            ),
            ("No.", "Nr."),
        ),
        min_markers=5,
        columns=_cols(
            customer_id="Sell-to Customer No.; Verk. an Deb.-Nr.; "
            "Bill-to Customer No.=0.9; Rech. an Deb.-Nr.=0.9",
            offering_id="No.; Nr.",
            ordered_at="Posting Date; Buchungsdatum; Shipment Date=0.8; "
            "Warenausg.-Datum=0.8",
            quantity="Quantity; Menge",
            unit_price="Unit Price; Unit Price Excl. VAT; VK-Preis; "
            "VK-Preis ohne MwSt.",
            amount="Line Amount; Line Amount Excl. VAT; Zeilenbetrag; "
            "Zeilenbetrag ohne MwSt.",
            order_id="Document No.; Belegnr.",
            offering_name="Description; Beschreibung",
        ),
    ),
    Layout(
        # Magento / Adobe Commerce order items (sales_order, sales_order_item).
        name="Magento order items",
        kind=Kind.ORDERS,
        markers=_candidates(
            "increment_id; created_at; customer_id; customer_email; sku; name; "
            "qty_ordered; price; row_total; base_row_total; item_id; order_id; "
            "product_id; product_type; status; base_price; qty_invoiced"
        ),
        required=(("increment_id",), ("qty_ordered", "row_total")),
        min_markers=5,
        columns=_cols(
            customer_id="customer_id; customer_email=0.9",
            offering_id="sku; product_id=0.9",
            ordered_at="created_at",
            quantity="qty_ordered",
            unit_price="price; base_price=0.9",
            amount="row_total; base_row_total=0.9",
            order_id="increment_id; order_id=0.9",
            offering_name="name",
            status="status",
        ),
    ),
    Layout(
        # BigCommerce order export template with one row per product.
        name="BigCommerce orders",
        kind=Kind.ORDERS,
        markers=_candidates(
            "Order ID; Customer ID; Customer Name; Customer Email; Order Date; "
            "Order Status; Product ID; Product SKU; Product Name; Product Qty; "
            "Product Unit Price; Product Total Price; Order Total (inc tax); "
            "Order Total (ex tax); Subtotal (inc tax); Subtotal (ex tax); "
            "Payment Method; Ship Method; Order Currency Code; Billing Country"
        ),
        required=(("Product Qty", "Product Unit Price", "Product Total Price"),),
        min_markers=5,
        columns=_cols(
            customer_id="Customer ID; Customer Email=0.9",
            offering_id="Product SKU; Product ID=0.95; Product Name=0.85",
            ordered_at="Order Date",
            quantity="Product Qty",
            unit_price="Product Unit Price",
            amount="Product Total Price",
            order_id="Order ID",
            offering_name="Product Name",
            country="Billing Country",
            status="Order Status",
        ),
    ),
    Layout(
        # Shopware 5 order details (s_order, s_order_details).
        name="Shopware 5 order details",
        kind=Kind.ORDERS,
        markers=_candidates(
            "orderID; ordernumber; customerID; ordertime; articleID; "
            "articleordernumber; name; quantity; price; status; cleared; "
            "invoice_amount; invoice_amount_net; paymentID; dispatchID"
        ),
        required=(("articleordernumber",), ("ordertime", "ordernumber")),
        min_markers=4,
        columns=_cols(
            customer_id="customerID",
            offering_id="articleordernumber; articleID=0.9",
            ordered_at="ordertime",
            quantity="quantity",
            unit_price="price",
            order_id="ordernumber; orderID=0.9",
            offering_name="name",
        ),
    ),
    Layout(
        # Amazon Seller Central "All Orders" flat-file report: "item-price"
        # is the price of the line's whole quantity, not of one unit.
        name="Amazon Seller Central all orders",
        kind=Kind.ORDERS,
        markers=_candidates(
            "amazon-order-id; merchant-order-id; purchase-date; last-updated-date; "
            "order-status; fulfillment-channel; sales-channel; order-channel; "
            "product-name; sku; asin; item-status; quantity; quantity-purchased; "
            "currency; item-price; item-tax; shipping-price; ship-city; "
            "ship-state; ship-postal-code; ship-country; order-id; buyer-email"
        ),
        required=(("amazon-order-id", "order-id"), ("asin", "sku")),
        min_markers=6,
        columns=_cols(
            customer_id="buyer-email",
            offering_id="sku; asin=0.9",
            ordered_at="purchase-date",
            quantity="quantity; quantity-purchased",
            amount="item-price",
            order_id="amazon-order-id; order-id",
            offering_name="product-name",
            channel="sales-channel=0.9",
            country="ship-country=0.9",
            status="order-status",
        ),
    ),
    Layout(
        # Mailchimp audience export: MEMBER_RATING rates the contact's
        # engagement, it is no review.
        name="Mailchimp audience",
        kind=Kind.CUSTOMERS,
        markers=_candidates(
            "Email Address; First Name; Last Name; MEMBER_RATING; OPTIN_TIME; "
            "OPTIN_IP; CONFIRM_TIME; CONFIRM_IP; LATITUDE; LONGITUDE; GMTOFF; "
            "DSTOFF; TIMEZONE; CC; REGION; LAST_CHANGED; LEID; EUID; NOTES; TAGS; "
            "UNSUB_TIME; UNSUB_CAMPAIGN_TITLE; UNSUB_REASON; CLEAN_TIME"
        ),
        required=(("MEMBER_RATING", "LEID", "EUID", "OPTIN_TIME"),),
        min_markers=4,
        columns=_cols(
            customer_id="Email Address",
            country="CC",
            region="REGION",
            opted_out="UNSUB_TIME=0.8",
        ),
    ),
    Layout(
        # Salesforce contacts (Data Export / Data Loader): the row is the
        # contact; its Account ID repeats for colleagues of one company.
        name="Salesforce contacts",
        kind=Kind.CUSTOMERS,
        markers=_candidates(
            "Contact ID; Account ID; First Name; Last Name; Salutation; Title; "
            "Email; Phone; Mailing City; Mailing Country; Mailing State/Province; "
            "Email Opt Out; Lead Source; Contact Owner; Created Date"
        ),
        required=(("Contact ID",),),
        min_markers=4,
        columns=_cols(
            customer_id="Contact ID; Email=0.9",
            country="Mailing Country",
            region="Mailing State/Province",
            opted_out="Email Opt Out",
        ),
    ),
)
