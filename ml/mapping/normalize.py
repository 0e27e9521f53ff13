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
    | {"und", "and", "to"}
)

# Spellings of "number" and "identifier" that headers abbreviate freely.
_ALIASES = {
    "nr": "number",
    "no": "number",
    "num": "number",
    "nro": "number",
    "nummer": "number",
    "numero": "number",
    "ids": "id",
    "identifier": "id",
    "identifiant": "id",
}


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
    kept = [_ALIASES.get(w, w) for w in words if w not in STOPWORDS] or words
    # "Product: Product Name" (a Salesforce report header) is "product name".
    tokens = tuple(w for i, w in enumerate(kept) if i == 0 or w != kept[i - 1])
    return HeaderForm(text=" ".join(words), tokens=tokens, squashed="".join(words))


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
