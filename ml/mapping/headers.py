"""Header evidence: how well a header's words say it is a given canonical column."""

from __future__ import annotations

from functools import lru_cache

from ml.columns import CANONICAL
from ml.mapping.normalize import HeaderForm, header_form
from ml.mapping.synonyms import question_words, synonyms

# Confidence of each kind of match, before the synonym's own strength.
EXACT = 0.94  # the header is the phrase ("Kundennummer", "customer_id", "CustomerID")
AT_END = 0.72  # the phrase ends the header ("Billing Country")
AT_START = 0.62  # the phrase starts it ("Quantity (- Refund)")
INSIDE = 0.5  # the phrase sits in the middle
SCATTERED = (
    0.5  # the phrase's words occur in order with others between ("Customer User ID")
)
COMPOUND_HEAD = 0.6  # a word ends with the phrase ("Lieferdatum" ends with "datum")
COMPOUND_STEM = 0.42  # a word starts with it ("Kundenstamm" starts with "kunden")
QUESTION = 0.75  # a survey question with a telling word ("... recommend us ...?")
# Factor when the word a header is about belongs to another column: "Customer
# City" is about a city, not the customer; "Category Name" is not a product name.
FOREIGN_HEAD = 0.55

_MIN_COMPOUND = 4
# Columns that mean the same thing in different kinds of file: a header about a
# product name is not "foreign" to the offering name.
_FAMILIES = (
    frozenset({"offering_name", "name", "title"}),
    frozenset({"unit_price", "price"}),
    frozenset({"ordered_at", "submitted_at", "launched_at"}),
)
# Last words that say what *kind of reference* a header is, not what it is about:
# "Product Category Name" is about the category, "Customer ID" about the customer.
_GENERIC = frozenset(
    {"id", "name", "code", "number", "key", "description", "title", "label", "text"}
    | {"reference"}
)
# Words that make a header a reference to the thing named before them: "Buyer
# No.", "Client Ref", "Member Key" are ids of the buyer, client and member.
_REFERENCE = frozenset({"id", "number", "code", "key", "reference"})
_ENTITIES = frozenset({"customer_id", "offering_id", "order_id"})
_FAMILY = {
    c: family for family in _FAMILIES for c in family
}  # shorter words ("art", "ort") match inside others by accident


def _all_canonicals() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for columns in CANONICAL.values():
        seen.update(dict.fromkeys(columns))
    return tuple(seen)


@lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[tuple[HeaderForm, float], ...]]:
    return {
        canonical: tuple((header_form(p), s) for p, s in synonyms(canonical))
        for canonical in _all_canonicals()
    }


@lru_cache(maxsize=1)
def _head_words() -> dict[str, frozenset[str]]:
    """Single words that on their own strongly name a canonical column."""
    heads: dict[str, set[str]] = {}
    for canonical, phrases in _phrases().items():
        for form, strength in phrases:
            if len(form.tokens) == 1 and strength >= 0.7:
                heads.setdefault(form.tokens[0], set()).add(canonical)
    return {word: frozenset(cs) for word, cs in heads.items()}


def _subject(tokens: tuple[str, ...]) -> str:
    """Return the word a header is about: its last word that is not a generic one."""
    for token in reversed(tokens):
        if token not in _GENERIC:
            return token
    return tokens[-1]


def _find(tokens: tuple[str, ...], part: tuple[str, ...]) -> int | None:
    for i in range(len(tokens) - len(part) + 1):
        if tokens[i : i + len(part)] == part:
            return i
    return None


def _scattered(tokens: tuple[str, ...], part: tuple[str, ...]) -> int | None:
    """Index of the last word if `part`'s words occur in order in `tokens`."""
    at = -1
    for word in part:
        try:
            at = tokens.index(word, at + 1)
        except ValueError:
            return None
    return at


def phrase_match(header: HeaderForm, phrase: HeaderForm) -> tuple[float, int]:
    """Return how well a header matches one synonym phrase (0: not at all), and
    where in the header the phrase ends (its last word's index)."""
    n, m = len(header.tokens), len(phrase.tokens)
    if header.tokens == phrase.tokens or header.squashed == phrase.squashed:
        return EXACT, n - 1
    coverage = 0.8 + 0.2 * m / max(n, 1)
    if m < n:
        at = _find(header.tokens, phrase.tokens)
        if at is not None:
            base = AT_END if at + m == n else AT_START if at == 0 else INSIDE
            return base * coverage, at + m - 1
        end = _scattered(header.tokens, phrase.tokens)
        if m >= 2 and end is not None:
            return SCATTERED * coverage, end
    best = 0.0
    if m == 1 and len(word := phrase.tokens[0]) >= _MIN_COMPOUND:
        for token in header.tokens:
            if token == word or len(token) < len(word) + 2:
                continue
            if token.endswith(word):
                best = max(best, COMPOUND_HEAD * coverage)
            elif token.startswith(word):
                best = max(best, COMPOUND_STEM * coverage)
    return best, n - 1


def header_score(canonical: str, header: str) -> float:
    """Return the confidence in [0, 1] that a header names a canonical column."""
    return _score(canonical, header)


@lru_cache(maxsize=8192)
def _score(canonical: str, header: str) -> float:
    form = header_form(header)
    if not form.tokens:
        return 0.0
    subject = _subject(form.tokens)
    owners = _head_words().get(subject, frozenset())
    foreign = bool(owners) and not owners & _FAMILY.get(canonical, {canonical})
    best = 0.0
    for phrase, strength in _phrases().get(canonical, ()):
        level, end = phrase_match(form, phrase)
        score = level * strength
        if score and level < EXACT:
            if foreign and subject not in phrase.tokens:
                score *= FOREIGN_HEAD
            elif canonical in _ENTITIES and not _GENERIC.issuperset(
                form.tokens[end + 1 :]
            ):
                # "Customer Zip Code", "Order Status": an attribute *of* the
                # customer or order, not its id (that would be "Customer No").
                score *= FOREIGN_HEAD
        best = max(best, score)
    if canonical in _ENTITIES:
        best = max(best, _reference_to(canonical, form))
    if _is_question(header, form):
        best = max(best, _question_score(canonical, form))
    return round(best, 4)


def _reference_to(canonical: str, form: HeaderForm) -> float:
    """Score "<word for the thing> <reference words>" ("Buyer No.", "Client Ref")
    by how surely the word alone names it, moved halfway to certain."""
    cut = len(form.tokens)
    while cut > 0 and form.tokens[cut - 1] in _REFERENCE:
        cut -= 1
    if cut in (0, len(form.tokens)):
        return 0.0
    head = form.tokens[:cut]
    strengths = [s for p, s in _phrases()[canonical] if p.tokens == head]
    return EXACT * (1 + max(strengths)) / 2 if strengths else 0.0


def _is_question(header: str, form: HeaderForm) -> bool:
    """Survey exports use the question as header: "How likely ... recommend us?"."""
    return "?" in header or len(form.tokens) >= 5


def _question_score(canonical: str, form: HeaderForm) -> float:
    """Score a question header by its telling words, wherever they stand."""
    best = 0.0
    for stem, strength in question_words(canonical):
        if any(
            t == stem or (len(stem) >= 4 and t.startswith(stem)) for t in form.tokens
        ):
            best = max(best, QUESTION * strength)
    return best
