"""Yes/no flags, consent and order statuses as DuckDB SQL."""

from __future__ import annotations

import pytest

from ml.parsing.flags import (
    empty_flag_value,
    flag_fraction,
    flag_sql,
    header_means_consent,
    lost_status_sql,
    opted_out_sql,
    return_status_sql,
)
from ml.sqltext import quote_ident
from tests.ml.sql_helpers import run_sql

TRUE_WORDS = ["Yes", "y", "TRUE", "1", "x", "X", "✓", "Ja", "wahr", "oui", "Sí", "si"]
TRUE_WORDS += ["Active", "subscribed", "opted in", "1.0", " yes "]
FALSE_WORDS = ["No", "n", "false", "0", "nein", "Falsch", "non", "NO", "inactive"]
FALSE_WORDS += ["unsubscribed", "opted out", "Opt-Out", "archived", "0.0"]


def test_flag_words_in_several_languages(con) -> None:
    out = run_sql(con, flag_sql("x"), TRUE_WORDS + FALSE_WORDS)
    assert out == [True] * len(TRUE_WORDS) + [False] * len(FALSE_WORDS)


def test_unknown_and_empty_flags_are_null(con) -> None:
    assert run_sql(con, flag_sql("x"), ["maybe", "", "  ", None]) == [None] * 4


def test_ticked_box_columns_read_empty_as_false(con) -> None:
    empty = empty_flag_value(["x", "", None, "X"])
    assert empty is False
    assert run_sql(con, flag_sql("x", empty=empty), ["x", "", None]) == [
        True,
        False,
        False,
    ]
    assert empty_flag_value(["yes", "", "no"]) is None  # a blank yes/no is unknown


def test_flag_sql_accepts_a_quoted_header_with_quotes_in_it(con) -> None:
    expr = flag_sql(quote_ident('Opt "in"'))
    sql = f'SELECT {expr} FROM (VALUES (\'ja\')) t("Opt ""in""")'
    assert con.execute(sql).fetchall() == [(True,)]


def test_flag_fraction() -> None:
    assert flag_fraction(["yes", "no", "", None, "maybe"]) == pytest.approx(2 / 3)
    assert flag_fraction([]) == 0.0


@pytest.mark.parametrize(
    ("header", "consent"),
    [
        ("Accepts Marketing", True),
        ("accepts_email_marketing", True),
        ("Newsletter", True),
        ("Einwilligung Werbung", True),
        ("Opted out", False),
        ("Unsubscribed", False),
        ("Do not contact", False),
        ("opted_out", False),
        (None, False),
    ],
)
def test_header_polarity(header, consent) -> None:
    assert header_means_consent(header) is consent


def test_opted_out_reads_yes_through_the_header(con) -> None:
    values = ["yes", "no", "unsubscribed", "subscribed", "not_subscribed", None]
    assert run_sql(con, opted_out_sql("x", "Accepts Marketing"), values) == [
        False,
        True,
        True,
        False,
        True,
        None,
    ]
    assert run_sql(con, opted_out_sql("x", "Opted out"), values[:4]) == [
        True,
        False,
        True,
        False,
    ]


RETURNS = ["Cancelled", "canceled", "CANCELLED", "partially_refunded", "Refunded"]
RETURNS += [
    "voided",
    "Returned",
    "Storniert",
    "Storno",
    "zurückgegeben",
    "Rückerstattet",
]
RETURNS += ["erstattet", "annulé", "Annulée", "Remboursé", "retourné", "cancelado"]
RETURNS += ["devuelto", "reembolsado", "geannuleerd", "geretourneerd", "terugbetaald"]
RETURNS += ["wc-cancelled", "Return requested", "Chargeback", "Credit note"]
NOT_RETURNS = ["Closed Lost", "Closed Won", "delivered", "paid", "shipped", "pending"]
NOT_RETURNS += ["fulfilled", "Sale", "", None]


def test_return_statuses(con) -> None:
    out = run_sql(con, return_status_sql("x"), RETURNS + NOT_RETURNS)
    assert out == [True] * len(RETURNS) + [False] * len(NOT_RETURNS)


def test_lost_deals_are_not_returns_but_lost(con) -> None:
    lost = [
        "Closed Lost",
        "lost",
        "payment_failed",
        "Declined",
        "abandoned",
        "Verloren",
    ]
    lost += ["perdu", "perdido", "unavailable"]
    kept = ["Closed Won", "cancelled", "refunded", "delivered", "", None]
    out = run_sql(con, lost_status_sql("x"), lost + kept)
    assert out == [True] * len(lost) + [False] * len(kept)
    assert run_sql(con, return_status_sql("x"), ["Closed Lost"]) == [False]
