"""Header normalisation: one spelling for 'Customer_ID', 'customerId', 'KUNDEN-NR.'."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The reader appends this column (physical line numbers); it is never a data header.
LINE_COLUMN = "__line__"

# Letters that NFKD does not decompose into ASCII plus a combining mark.
_FOLD = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"}
    | {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"}
)

# Word pieces: an acronym plural ("IDs"), an acronym before a capitalised word
# ("SKUCode" -> "SKU", "Code"), a (capitalised) lower-case word, an acronym,
# digits, or a run of non-Latin letters (kept whole).
_PIECES = re.compile(
    r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+"
    r"|[^\W\dA-Za-z_]+"
)

# Small words that carry no meaning in headers ("date de commande",
# "number of items", "nombre del cliente").
STOPWORDS = frozenset(
    {"a", "d", "de", "del", "des", "den", "der", "die", "das", "du", "el", "en"}
    | {"et", "het", "l", "la", "las", "le", "les", "los", "of", "the", "van", "y"}
    | {"und", "and", "to", "an"}
    # Italian and Portuguese ("codice dell'articolo", "data do pedido").
    | {"di", "della", "dello", "dei", "degli", "delle", "do", "da", "dos", "das"}
    # Time zones say how a time is written, not what it is ("Created UTC").
    | {"utc", "gmt"}
)

# Abbreviations headers use freely, read as the word: "number" and
# "identifier" ("Cust Nbr", "Kd.-Nr.", "Numero"), "code" ("Whse Cd", "Cod.
# cliente", "Código"), and the words of US ERP and AS/400 column headings
# ("Ord Dt", "Unit Prc", "Ext Amt", "Item Desc").
_ALIASES = {
    "nr": "number",
    "nbr": "number",
    "nmbr": "number",
    "no": "number",
    "num": "number",
    "nro": "number",
    "nummer": "number",
    "numero": "number",
    "ids": "id",
    "identifier": "id",
    "identifiant": "id",
    "cd": "code",
    "cod": "code",
    "codice": "code",
    "codigo": "code",
    "ref": "reference",
    "referencia": "reference",
    "riferimento": "reference",
    "cust": "customer",
    "acct": "account",
    "kd": "kunden",
    "verk": "verkauf",
    "deb": "debitor",
    "ord": "order",
    "prod": "product",
    "dt": "date",
    "prc": "price",
    "amt": "amount",
    "ext": "extended",
    "desc": "description",
    "descr": "description",
    "doc": "document",
    "tot": "total",
    "txn": "transaction",
    "trx": "transaction",
}
# Word endings that are "number" in German and Dutch compounds: "Debiteurnr",
# "Kundennummer" read as "debiteur number", "kunden number".
_NUMBER_ENDINGS = ("nummer", "nr")
_MIN_STEM = 4
# "Art." is "Artikel" beside a reference word ("Art.-Nr.", "Cod. art."); alone
# it stays "art" (a kind, in German).
_ARTICLE_NEIGHBOURS = frozenset({"number", "code", "id", "reference"})
# "#" and "N°" / "Nº" / "N.º" are "number" ("Customer #", "N° client").
_NUMBER_SIGNS = re.compile(r"#|(?<![^\W\d_])[Nn]\s*\.?\s*[º°](?![^\W\d_])")
# A note in brackets at the end says where a value comes from or how it is
# written, not what it is: "Customer (Order)", "Created (UTC)", "Price (EUR)".
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def normalize_header(header: str) -> str:
    """Return the header lower-case, accent-free, camelCase split, one space apart."""
    text = unicodedata.normalize("NFKD", header.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.split(r"[\W_]+", text)
    pieces = [piece for word in words for piece in _PIECES.findall(word)]
    return " ".join(piece.lower() for piece in pieces)


@dataclass(frozen=True, slots=True)
class HeaderForm:
    """A header prepared for matching: meaningful tokens and their concatenation."""

    text: str
    tokens: tuple[str, ...]
    squashed: str


def header_form(header: str) -> HeaderForm:
    """Prepare a header (or a synonym phrase) for token matching."""
    words = normalize_header(header).split()
    meant = normalize_header(_expand_signs(header)).split() or words
    kept = _read_abbreviations([w for w in meant if w not in STOPWORDS] or meant)
    # "Product: Product Name" (a Salesforce report header) is "product name".
    tokens = tuple(w for i, w in enumerate(kept) if i == 0 or w != kept[i - 1])
    return HeaderForm(text=" ".join(words), tokens=tokens, squashed="".join(words))


def _expand_signs(header: str) -> str:
    """Write number signs as words and drop a trailing note in brackets."""
    text = _NUMBER_SIGNS.sub(" number ", header)
    bare = _TRAILING_NOTE.sub("", text)
    return bare if bare.strip() else text


def _read_abbreviations(words: list[str]) -> list[str]:
    """Read abbreviated words as the words they stand for."""
    split: list[str] = []
    for word in words:
        ending = next((e for e in _NUMBER_ENDINGS if word.endswith(e)), None)
        if ending is not None and len(word) - len(ending) >= _MIN_STEM:
            split += [word[: -len(ending)], "number"]
        else:
            split.append(_ALIASES.get(word, word))
    if len(split) > 1 and split[0] == "n":  # "N. doc.", "N. ordine"
        split[0] = "number"
    return [
        "artikel"
        if w == "art" and _ARTICLE_NEIGHBOURS.intersection(split[max(i - 1, 0) : i + 2])
        else w
        for i, w in enumerate(split)
    ]


# Header words that say nothing about a column ("col3", "Unnamed: 0", "Feld 7").
_PLACEHOLDER_WORDS = frozenset(
    {"col", "column", "field", "spalte", "feld", "colonne", "champ", "columna"}
    | {"campo", "kolom", "veld", "unnamed", "var", "variable", "attribute", "attr"}
    | {"f", "c", "x", "v"}
)


def is_generic_header(header: str) -> bool:
    """Return whether a header only numbers its column: "col3", "Unnamed: 0", ""."""
    words = normalize_header(header).split()
    return all(w in _PLACEHOLDER_WORDS or w.isdigit() for w in words)


def header_keys_of(header: str) -> tuple[str, str]:
    """Return the forms two headers share when they name the same column.

    The words (with "No."/"Nr." read as "number"), and all letters run
    together, so that "INVOICENO" (no case left to split) still matches
    "InvoiceNo".
    """
    form = header_form(header)
    return " ".join(form.tokens), form.squashed


def squashed(header: str) -> str:
    """Return the normalised header without spaces: case-proof ("CUSTOMERID")."""
    return "".join(normalize_header(header).split())


def data_headers(headers: Iterable[str]) -> list[str]:
    """Return the headers without the reader's line column, blank names (the
    reader names every real column) and repeats."""
    seen: set[str] = set()
    result: list[str] = []
    for header in headers:
        if header == LINE_COLUMN or header in seen or not header.strip():
            continue
        seen.add(header)
        result.append(header)
    return result


def layout_signature(headers: Sequence[str]) -> str:
    """Return a stable key of a file layout: a hash of its normalised header set."""
    names = sorted({squashed(h) for h in data_headers(headers)})
    digest = hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()
    return f"v1-{digest[:24]}"
