"""What the values of several columns say together, when header names do not decide.

* Ids: a code column whose values each go with one description (the same
  "Bezeichnung" wherever the code appears) and that repeat across orders is
  the offering; the code column of which each order has exactly one value,
  repeated across orders, is the customer.
* Money: the line amount is quantity x unit price on most rows; with a single
  money column, a unit price stays the same for an offering whatever the
  quantity, while a line amount divided by the quantity does.

Each decision says in plain words which evidence decided, for the user.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ml.columns import Columns
from ml.mapping.evidence import HAS_HEADER, Evidence
from ml.mapping.headers import header_score
from ml.mapping.mapping import ColumnMatch
from ml.mapping.normalize import header_form
from ml.mapping.values import NAMES, id_likeness, value_score

_C = Columns

# How sure a column chosen by these relations is: more than a value-only guess
# (VALUES_ONLY_MAX), since one relation across the sample rows is hard to meet
# by chance, less than a clear header, so the wizard still shows it to confirm.
RELATION_CONFIDENCE = 0.75
# Share of rows (or orders, or offerings) that must agree with a relation.
_AGREE = 0.9
_MIN_ROWS = 5  # fewer sample rows than this say nothing about relations
_HEAD = 100  # rows checked first, to drop pairs of columns that clearly do not fit


@dataclass(frozen=True, slots=True)
class Decision:
    """One canonical column settled by values, and why (shown to the user)."""

    canonical: str
    source: str
    evidence: str


# Header words naming a party other than the buyer: their ids go one per order
# and repeat across orders just like a customer's (Olist's "seller_id").
_OTHER_PARTIES = frozenset(
    {"seller", "vendor", "supplier", "merchant", "store", "shop", "branch"}
    | {"employee", "staff", "cashier", "clerk", "agent", "rep", "salesperson"}
    | {"warehouse", "carrier", "courier", "brand", "manufacturer", "location"}
    | {"verkaufer", "lieferant", "filiale", "mitarbeiter", "kasse", "vendeur"}
    | {"fournisseur", "magasin", "vendedor", "proveedor", "tienda", "fornitore"}
)


def _other_party(header: str) -> bool:
    return bool(_OTHER_PARTIES.intersection(header_form(header).tokens))


def _keys(ev: Evidence, header: str) -> bool:
    """Whether a column holds keys (codes with digits) or e-mails: what
    identifies a customer, unlike a label such as a shipping method, which is
    also one per order and repeats across orders."""
    profile = ev.profile(header)
    return max(profile.digit_codes, profile.emails) >= 0.8


def id_like_columns(ev: Evidence, exclude: set[str | None]) -> list[str]:
    """Return the headers whose values look like ids (codes, keys), not in `exclude`."""
    result = []
    for header in ev.headers:
        if header in exclude or not ev.has_values(header):
            continue
        profile = ev.profile(header)
        # Customer columns are often blank on guest lines: most rows is enough.
        if profile.count < _MIN_ROWS or profile.filled < 0.5 or profile.distinct < 3:
            continue
        if id_likeness(profile) < 0.6 or (
            profile.numbers > 0.5 and profile.money > 0.3
        ):
            continue
        result.append(header)
    return result


def decide_ids(ev: Evidence, chosen: dict[str, ColumnMatch]) -> list[Decision]:
    """Return the offering and customer columns the values decide, where no
    header named them (or only values guessed them)."""

    def open_(canonical: str) -> bool:
        match = chosen.get(canonical)
        return match is None or match.method == "values"

    want = [c for c in (_C.OFFERING, _C.CUSTOMER) if open_(c)]
    if not want:
        return []
    settled = {m.source for c, m in chosen.items() if c not in want}
    candidates = id_like_columns(ev, settled)
    order = chosen[_C.ORDER].source if _C.ORDER in chosen else None
    orders = ev.cleaned(order) if order is not None else None
    decisions: list[Decision] = []
    if _C.OFFERING in want:
        # The description may already be mapped (as the offering name).
        names = [h for h in ev.headers if _is_description(ev, h)]
        found = _offering(ev, candidates, names, orders)
        if found is not None:
            decisions.append(found)
            candidates.remove(found.source)
    if _C.CUSTOMER in want and orders is not None:
        found = _customer(ev, candidates, orders)
        if found is not None:
            decisions.append(found)
    return decisions


def _is_description(ev: Evidence, header: str) -> bool:
    if not ev.has_values(header):
        return False
    profile = ev.profile(header)
    return any(
        (value_score(c, profile) or 0.0) >= 0.6 and profile.words > 0.3 for c in NAMES
    )


def _determines(keys: Sequence[str | None], values: Sequence[str | None]) -> float:
    """Share of keyed rows whose value is the one most often seen with their key."""
    best: dict[str, int] = {}
    total = 0
    for (key, value), n in Counter(zip(keys, values, strict=False)).items():
        if key is not None and value is not None:
            total += n
            best[key] = max(best.get(key, 0), n)
    return sum(best.values()) / total if total else 0.0


def _few_pairs(codes: Sequence[str | None], texts: Sequence[str | None]) -> bool:
    """Whether codes and texts form hardly more pairs than there are codes."""
    return len(set(zip(codes, texts, strict=False))) <= 1.2 * len(set(codes)) + 1


def _repeats_across(
    values: Sequence[str | None], orders: Sequence[str | None] | None
) -> int:
    """How many values appear in more than one order (in more than one row
    when there is no order column)."""
    where: dict[str, set[str | int]] = defaultdict(set)
    for row, value in enumerate(values):
        if value is None:
            continue
        key = orders[row] if orders is not None else None
        where[value].add(key if key is not None else row)
    return sum(len(keys) > 1 for keys in where.values())


def _offering(
    ev: Evidence,
    candidates: list[str],
    names: list[str],
    orders: Sequence[str | None] | None,
) -> Decision | None:
    best: tuple[int, Decision] | None = None
    for header in candidates:
        codes = ev.cleaned(header)
        repeated = _repeats_across(codes, orders)
        if repeated < 2:
            continue
        if orders is not None and _determines(orders, codes) >= _AGREE:
            continue  # one per order: a customer or an order attribute
        distinct = ev.profile(header).distinct
        for name in names:
            # One description per code: never many more descriptions than codes.
            if name == header or ev.profile(name).distinct > 1.2 * distinct + 1:
                continue
            texts = ev.cleaned(name)
            if not _few_pairs(codes[: 2 * _HEAD], texts[: 2 * _HEAD]):
                continue  # the first rows already pair codes with many texts
            if _few_pairs(codes, texts) and _determines(codes, texts) >= _AGREE:
                decision = Decision(
                    _C.OFFERING,
                    header,
                    "chosen from its values: codes that repeat across orders, "
                    f"each with one description in '{name}'",
                )
                if best is None or distinct > best[0]:
                    best = (distinct, decision)
                break
    return best[1] if best is not None else None


def _customer(
    ev: Evidence, candidates: list[str], orders: Sequence[str | None]
) -> Decision | None:
    best: tuple[float, Decision] | None = None
    n_orders = len({o for o in orders if o is not None})
    for header in candidates:
        if _other_party(header) or not _keys(ev, header):
            continue
        ids = ev.cleaned(header)
        one_per_order = _determines(orders, ids)
        distinct = ev.profile(header).distinct
        if one_per_order < _AGREE or distinct >= n_orders:
            continue  # not one per order, or never repeated across orders
        if _repeats_across(ids, orders) < 1:
            continue
        decision = Decision(
            _C.CUSTOMER,
            header,
            "chosen from its values: one per order, repeats across orders",
        )
        if best is None or one_per_order > best[0]:
            best = (one_per_order, decision)
    return best[1] if best is not None else None


def _money_columns(ev: Evidence, chosen: dict[str, ColumnMatch]) -> list[str]:
    """The money columns: those mapped as amount or unit price, and unused
    numeric columns whose header names no other column."""
    mapped = [chosen[c].source for c in (_C.AMOUNT, _C.UNIT_PRICE) if c in chosen]
    used = {m.source for m in chosen.values()}
    result = [h for h in mapped if h is not None and ev.has_values(h)]
    for header in ev.headers:
        if header in used or not ev.has_values(header):
            continue
        profile = ev.profile(header)
        if profile.count < _MIN_ROWS or profile.numbers < 0.9 or profile.dates > 0.1:
            continue
        if (value_score(_C.AMOUNT, profile) or 0.0) < 0.6:
            continue
        result.append(header)
    return result


def decide_money(ev: Evidence, chosen: dict[str, ColumnMatch]) -> list[Decision]:
    """Return the unit price and line amount columns as their values say."""
    quantity = chosen[_C.QUANTITY].source if _C.QUANTITY in chosen else None
    if quantity is None or not ev.has_values(quantity):
        return []
    qty = ev.numbers(quantity)
    columns = _money_columns(ev, chosen)
    values = {h: ev.numbers(h) for h in columns}
    mapped = {chosen[c].source for c in (_C.AMOUNT, _C.UNIT_PRICE) if c in chosen}
    best: tuple[tuple[int, float], str, str, int, int] | None = None
    for price in columns:
        for total in columns:
            if price == total:
                continue
            head = _products(qty[:_HEAD], values[price][:_HEAD], values[total][:_HEAD])
            if head[0] < 0.5 * head[1]:
                continue  # clearly no product: spare the full check
            hits, checked = _products(qty, values[price], values[total])
            if checked >= _MIN_ROWS and hits >= _AGREE * checked:
                # A unit cost and its extended cost multiply up too: the pair
                # the headers proposed comes first.
                rank = (len(mapped & {price, total}), hits / checked)
                if best is None or rank > best[0]:
                    best = (rank, price, total, hits, checked)
    if best is not None:
        _, price, total, hits, checked = best
        why = (
            f"chosen from its values: {total} = {quantity} × {price} "
            f"on {hits} of {checked} rows"
        )
        return [
            Decision(_C.UNIT_PRICE, price, why),
            Decision(_C.AMOUNT, total, why),
        ]
    lone = [c for c in (_C.AMOUNT, _C.UNIT_PRICE) if c in chosen]
    offering = chosen[_C.OFFERING].source if _C.OFFERING in chosen else None
    if len(lone) != 1 or offering is None or not ev.has_values(offering):
        return []
    money = chosen[lone[0]].source
    if money is None or not ev.has_values(money):
        return []
    return _lone_money(ev.cleaned(offering), qty, values.get(money) or [], money)


def _products(
    qty: Sequence[float | None],
    price: Sequence[float | None],
    total: Sequence[float | None],
) -> tuple[int, int]:
    """How many rows (of those telling) have total = quantity x price."""
    hits = checked = 0
    for q, p, t in zip(qty, price, total, strict=False):
        if q is None or p is None or t is None or abs(q) == 1 or q == 0 or p == 0:
            continue  # quantity 1 or 0 cannot tell a price from a total
        checked += 1
        hits += abs(t - q * p) <= 0.011 * max(1.0, abs(t))
    return hits, checked


def _lone_money(
    offerings: Sequence[str | None],
    qty: Sequence[float | None],
    money: Sequence[float | None],
    header: str,
) -> list[Decision]:
    """A single money column: unit price if it stays the same for an offering
    bought in different quantities, line amount if it does once divided by the
    quantity."""
    rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for o, q, m in zip(offerings, qty, money, strict=False):
        if o is not None and q is not None and m is not None and q > 0:
            rows[o].append((q, m))
    as_price = as_total = told = 0
    for lines in rows.values():
        if len({q for q, _ in lines}) < 2:
            continue  # one quantity only: both readings fit
        told += 1
        as_price += _same(m for _, m in lines)
        as_total += _same(m / q for q, m in lines)
    if told < 3:
        return []
    if as_total >= _AGREE * told and as_price < 0.5 * told:
        canonical = _C.AMOUNT
        why = f"a line total (divided by the quantity, the same for {as_total}"
    elif as_price >= _AGREE * told and as_total < 0.5 * told:
        canonical = _C.UNIT_PRICE
        why = f"a unit price (whatever the quantity, the same for {as_price}"
    else:
        return []
    why += f" of {told} offerings)"
    return [Decision(canonical, header, f"chosen from its values: {why}")]


def _same(values: Iterable[float]) -> bool:
    numbers = list(values)
    low, high = min(numbers), max(numbers)
    return bool(high - low <= 0.011 * max(1.0, abs(high)))


def apply(chosen: dict[str, ColumnMatch], decisions: Sequence[Decision]) -> None:
    """Put decisions into `chosen`, freeing columns that held their headers."""
    for decision in decisions:
        current = chosen.get(decision.canonical)
        for canonical, match in list(chosen.items()):
            if match.source == decision.source and canonical != decision.canonical:
                del chosen[canonical]
        if current is not None and current.source == decision.source:
            # The guess confirmed: keep how sure it was, and say why.
            confidence, method = current.confidence, current.method
        else:
            confidence, method = RELATION_CONFIDENCE, "values"
        chosen[decision.canonical] = ColumnMatch(
            decision.canonical,
            decision.source,
            round(confidence, 3),
            method,
            decision.evidence,
        )


def customer_candidates(ev: Evidence, chosen: dict[str, ColumnMatch]) -> list[str]:
    """Return the unused id-like columns that might be the customer: none whose
    header names something else, nor one that changes within an order."""
    used = {m.source for m in chosen.values()}
    order = chosen[_C.ORDER].source if _C.ORDER in chosen else None
    orders = ev.cleaned(order) if order is not None else None
    return [
        h
        for h in id_like_columns(ev, used)
        if not _other_party(h)
        and _keys(ev, h)
        and all(header_score(c, h) < HAS_HEADER for c in _NOT_CUSTOMER)
        and (orders is None or _determines(orders, ev.cleaned(h)) >= _AGREE)
    ]


# Headers that clearly name one of these are not customers, however id-like.
_NOT_CUSTOMER = (_C.ORDER, _C.OFFERING, _C.ORDERED_AT, _C.OFFERING_NAME, _C.CATEGORY)
