"""Yes/no columns (consent, active) and order statuses, as DuckDB SQL.

Flags match whole folded values (lower case, accents and surrounding space
removed: " Sí " is "si"); statuses match word stems case-insensitively anywhere
in the text ("partially_refunded", "Storniert", "annulé"). ``expr`` may be the
raw column: empty and space-only cells need no trim() first.

Statuses fall into three groups the importer treats differently:

* :func:`return_status_sql`: the sale was undone (cancelled, returned,
  refunded, voided, charged back, credit notes): kept and flagged as a return.
* :func:`lost_status_sql`: the sale never happened (CRM "Closed Lost", failed
  or declined payments, abandoned checkouts, expired quotes, unavailable
  items). A lost deal is not a return (nothing was bought, so nothing came
  back) and not a purchase either: the importer should leave such rows out of
  the purchases (they are at most a weak "was interested" signal).
* anything else, including empty: a normal order.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml.parsing.text import fold, fold_sql, non_empty, share
from ml.sqltext import quote_literal

__all__ = [
    "empty_flag_value",
    "flag_fraction",
    "flag_sql",
    "lost_status_sql",
    "opted_out_sql",
    "return_status_sql",
]

_CHECKMARKS = frozenset({"x", "✓", "✔", "☑", "✅", "*"})
_TRUE = frozenset({
    "yes", "y", "true", "t", "1", "1.0", "on", "ja", "j", "wahr", "oui", "vrai",
    "si", "sim", "verdadero", "waar", "active", "enabled", "aktiv", "actif",
    "activo", "ativo", "actief", "live", "published", "subscribed", "opted in",
    "opt-in", "opt in", "optin", "abonniert", "angemeldet", "abonne", "inscrit",
    "suscrito", "geabonneerd", "ingeschreven",
}) | _CHECKMARKS  # fmt: skip
_FALSE = frozenset({
    "no", "n", "false", "f", "0", "0.0", "off", "nein", "falsch", "non", "faux",
    "nao", "falso", "nee", "onwaar", "inactive", "disabled",
    "inaktiv", "inactif", "inactivo", "inativo", "inactief", "archived", "draft",
    "discontinued", "deleted", "unsubscribed", "opted out", "opt-out", "opt out",
    "optout", "abgemeldet", "desabonne", "desinscrit", "desinscrito",
    "dado de baja", "afgemeld", "uitgeschreven", "✗", "✘",
})  # fmt: skip
# Consent statuses that carry their own polarity, whatever the column is called.
_OPTED_OUT = frozenset({
    "unsubscribed", "opted out", "opt-out", "opt out", "optout", "do not contact",
    "do not email", "dnc", "blocked", "bounced", "cleaned", "suppressed",
    "not subscribed", "not_subscribed", "never subscribed", "never_subscribed",
    "pending", "abgemeldet", "desabonne", "desinscrit", "desinscrito",
    "dado de baja", "afgemeld", "uitgeschreven",
})  # fmt: skip
_CONSENTED = frozenset({
    "subscribed", "opted in", "opt-in", "opt in", "optin", "confirmed",
    "abonniert", "angemeldet", "abonne", "inscrit", "suscrito", "geabonneerd",
    "ingeschreven",
})  # fmt: skip
# Header words saying that "yes" means consent (so opted out = not yes).
_CONSENT_HEADERS = (
    "accept", "consent", "opt in", "opt-in", "optin", "subscri", "newsletter",
    "marketing", "permission", "allow", "agree", "einwillig", "zustimm",
    "erlaubt", "consentement", "accepte", "consentimiento", "acepta",
    "toestemming", "akkoord",
)  # fmt: skip
_OPT_OUT_HEADERS = (
    "opt out", "opt-out", "optout", "opted out", "unsubscri", "do not", "dnc",
    "no contact", "no marketing", "no email", "keine", "blocked", "suppress",
    "blacklist", "blocklist", "abgemeldet", "abmeld", "widerruf", "sperr",
    "desabonn", "desinscri", "baja", "afgemeld", "afmeld", "bounced",
)  # fmt: skip
# Case-insensitive searches on the raw text (no accent folding: it costs more
# than the regex), so accented spellings are listed where a stem has one.
_RETURN_RX = (
    r"(?i)(^|[^a-z])(cancel|refund|return|void|retour|rma|charge ?back"
    r"|credit (note|memo)|annul|anulad|rembours|devuel|devoluc|devoluç|devolvid"
    r"|reembols|estorn|geannuleerd|geretourneerd|terugbetaal|gutschrift)"
    r"|storn|erstatt|zur(u|ü|ue)ckgegeben|zur(u|ü|ue)ckgesendet"
)
_LOST_RX = (
    r"(?i)(^|[^a-z])(lost|verloren|perdu|perdid|fail|declin|abandon|expired"
    r"|abgelehnt|fehlgeschlagen|abgebrochen|(e|é)chou|refus|rechaz|fallid|mislukt"
    r"|afgewezen|unavailable|indispon|nicht verf(u|ü|ue)gbar|no disponible)"
)


_FLAGS = dict.fromkeys(sorted(_TRUE), True) | dict.fromkeys(sorted(_FALSE), False)


def flag_fraction(values: Sequence[str | None]) -> float:
    """Share of non-empty values that are yes/no style flags."""
    return share(values, lambda v: fold(v) in _FLAGS)


def empty_flag_value(values: Sequence[str | None]) -> bool | None:
    """False when the column ticks boxes ('x', '✓', empty): empty is no; else None."""
    texts = non_empty(values)
    if texts and all(fold(v) in _CHECKMARKS for v in texts):
        return False
    return None


def _map_sql(expr: str, words: dict[str, bool]) -> str:
    # One hashed lookup per row (IN lists would fold the text once per list).
    entries = ", ".join(
        f"{quote_literal(w)}: {str(v).lower()}" for w, v in words.items()
    )
    return f"(MAP {{{entries}}})[{fold_sql(expr)}]"


def _with_empty(expr: str, lookup: str, empty: bool | None) -> str:
    if empty is None:
        return lookup  # '' is in no word list, so the lookup gives NULL anyway
    return (
        f"CASE WHEN {expr} IS NULL OR trim({expr}) = '' THEN {str(empty).upper()} "
        f"ELSE {lookup} END"
    )


def flag_sql(expr: str, *, empty: bool | None = None) -> str:
    """DuckDB SQL -> BOOLEAN for yes/no/true/1/0/x/ja/nein/oui/sí..., else NULL."""
    return _with_empty(expr, _map_sql(expr, _FLAGS), empty)


def header_means_consent(header: str | None) -> bool:
    """True when a yes in this column means the customer agreed to be contacted."""
    text = fold(header or "").replace("_", " ")
    if any(word in text for word in _OPT_OUT_HEADERS):
        return False
    return any(word in text for word in _CONSENT_HEADERS)


def opted_out_sql(
    expr: str, header: str | None = None, *, empty: bool | None = None
) -> str:
    """DuckDB SQL expression -> BOOLEAN: TRUE when the customer must not be contacted.

    Status words decide by themselves ("unsubscribed", "not_subscribed",
    "pending" -> TRUE: no confirmed consent; "subscribed" -> FALSE). Yes/no
    values are read through the header: in "Accepts Marketing" a yes is
    consent (-> FALSE), in "Opted out" or a header we cannot read a yes means
    opted out, since the column was mapped to opted_out.
    """
    consent = header_means_consent(header)
    words = {w: v != consent for w, v in _FLAGS.items()}
    words |= dict.fromkeys(sorted(_OPTED_OUT), True)
    words |= dict.fromkeys(sorted(_CONSENTED), False)
    return _with_empty(expr, _map_sql(expr, words), empty)


def return_status_sql(expr: str) -> str:
    """DuckDB SQL -> BOOLEAN (never NULL): TRUE if cancelled/returned/refunded."""
    return f"coalesce(regexp_matches({expr}, {quote_literal(_RETURN_RX)}), FALSE)"


def lost_status_sql(expr: str) -> str:
    """DuckDB SQL -> BOOLEAN (never NULL): TRUE if the sale never happened."""
    return f"coalesce(regexp_matches({expr}, {quote_literal(_LOST_RX)}), FALSE)"
