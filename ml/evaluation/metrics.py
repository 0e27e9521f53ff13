"""Push-list quality, with exactly the formulas of BENCHMARK_PROTOCOL.md.

Evaluated customers bought at least once before the cutoff and at least once in
the test window; their relevant offerings are what they bought in the window.
In mode "new" offerings a customer bought before the cutoff are removed from
both their list and their ground truth, and customers left with nothing new in
the window are not evaluated. Mode "repeat" is its mirror image (replenishment):
lists and ground truth keep only offerings the customer bought before the
cutoff, and customers who bought nothing again in the window are not evaluated.
Rows without a customer are never evaluated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from ml.columns import Columns
from ml.dataset import purchases_before
from ml.evaluation.split import Split

C = Columns

Mode = Literal["all", "new", "repeat"]

PER_CUSTOMER_COLUMNS = (
    C.CUSTOMER,
    "recall",
    "precision",
    "ndcg",
    "hit",
    "ap",
    "relevant",
    "hits",
)

# Bootstrap resamples are drawn in blocks of at most this many indices, so that
# memory stays small however many customers are evaluated.
_BOOTSTRAP_BLOCK = 2_000_000


@dataclass(frozen=True, slots=True)
class ListMetrics:
    """Mean push-list quality over the evaluated customers (NaN when there are none).

    coverage: distinct offerings in the evaluated customers' top-k lists divided by
        the number of offerings with any purchase (anonymous too) before as_of.
    """

    k: int
    mode: str
    customers: int
    recall: float
    precision: float
    ndcg: float
    hit_rate: float
    map: float
    coverage: float


def relevant_items(split: Split, mode: Mode) -> dict[str, set[str]]:
    """Each evaluated customer's relevant offerings: those bought in the test window."""
    relevant, _ = _ground_truth(split, _checked_mode(mode))
    return relevant


def evaluate_lists(
    recommendations: Mapping[str, Sequence[str]],
    split: Split,
    *,
    k: int = 10,
    mode: Mode = "all",
) -> tuple[ListMetrics, pd.DataFrame]:
    """Score top-k push lists against what the evaluated customers bought.

    Returns the means and a per-customer frame (customer_id, recall, precision,
    ndcg, hit, ap, relevant, hits), one row per evaluated customer sorted by id.
    A list is read best first; repeated offerings count once, and in mode "new"
    offerings bought before as_of (in mode "repeat" the others) are dropped
    before the list is cut at k. An evaluated customer without a list counts
    as zero hits. Lists of customers who are not evaluated are ignored.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}.")
    k = int(k)
    checked = _checked_mode(mode)
    relevant, bought = _ground_truth(split, checked)
    repeat = checked == "repeat"

    # Discount of rank i (0-based) and the ideal DCG of n relevant items in the
    # top k, i.e. over min(n, k) positions.
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discounts).tolist()
    gains = discounts.tolist()

    customers = sorted(relevant)
    size = len(customers)
    recall = np.zeros(size)
    precision = np.zeros(size)
    ndcg = np.zeros(size)
    ap = np.zeros(size)
    n_relevant = np.zeros(size, dtype=np.int64)
    n_hits = np.zeros(size, dtype=np.int64)
    recommended: set[str] = set()
    empty: frozenset[str] = frozenset()
    for row, customer in enumerate(customers):
        truth = relevant[customer]
        top = _top_k(
            recommendations.get(customer, ()),
            k,
            bought.get(customer, empty),
            keep_bought=repeat,
        )
        recommended.update(top)
        hits = 0
        dcg = 0.0
        precision_sum = 0.0
        for rank, item in enumerate(top):
            if item in truth:
                hits += 1
                dcg += gains[rank]
                precision_sum += hits / (rank + 1)
        cap = min(len(truth), k)
        recall[row] = hits / len(truth)
        precision[row] = hits / k
        ndcg[row] = dcg / ideal[cap - 1]
        ap[row] = precision_sum / cap
        n_relevant[row] = len(truth)
        n_hits[row] = hits

    per_customer = pd.DataFrame(
        {
            C.CUSTOMER: pd.Series(customers, dtype="str"),
            "recall": recall,
            "precision": precision,
            "ndcg": ndcg,
            "hit": (n_hits > 0).astype(np.float64),
            "ap": ap,
            "relevant": n_relevant,
            "hits": n_hits,
        },
        columns=list(PER_CUSTOMER_COLUMNS),
    )
    catalogue = _catalogue_size(split)
    metrics = ListMetrics(
        k=k,
        mode=checked,
        customers=size,
        recall=_mean(recall),
        precision=_mean(precision),
        ndcg=_mean(ndcg),
        hit_rate=_mean(per_customer["hit"].to_numpy()),
        map=_mean(ap),
        coverage=len(recommended) / catalogue if catalogue else math.nan,
    )
    return metrics, per_customer


def bootstrap_interval(
    per_customer: pd.Series,
    *,
    n: int = 1000,
    random_state: int | np.random.Generator | None = 0,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean over customers (95 % by default).

    To compare two methods, pass the per-customer differences (aligned on
    customer_id) to get a paired interval for the difference of the means.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}.")
    values = pd.to_numeric(per_customer, errors="raise").dropna().to_numpy(float)
    if values.size == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(random_state)
    means = np.empty(n)
    block = max(1, _BOOTSTRAP_BLOCK // values.size)
    for start in range(0, n, block):
        stop = min(n, start + block)
        picks = rng.integers(0, values.size, size=(stop - start, values.size))
        means[start:stop] = values[picks].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return (float(low), float(high))


def _ground_truth(
    split: Split, mode: Mode
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Relevant offerings per evaluated customer, and (modes "new" and "repeat")
    what each bought before as_of; both restricted to the evaluated customers."""
    columns = [C.CUSTOMER, C.OFFERING, C.ORDERED_AT]
    train, test = split.train[columns], split.test[columns]
    before = train[(train[C.ORDERED_AT] < split.as_of) & train[C.CUSTOMER].notna()]
    window = test[
        (test[C.ORDERED_AT] >= split.as_of)
        & (test[C.ORDERED_AT] < split.test_end)
        & test[C.CUSTOMER].notna()
    ]
    window = window[window[C.CUSTOMER].isin(before[C.CUSTOMER].unique())]
    relevant = _sets(window)
    if mode == "all":
        return relevant, {}
    history = _sets(before[before[C.CUSTOMER].isin(list(relevant))])
    kept: dict[str, set[str]] = {}
    for customer, items in relevant.items():
        if mode == "repeat":
            chosen = items & history[customer]
        else:
            chosen = items - history[customer]
        if chosen:
            kept[customer] = chosen
    return kept, {customer: history[customer] for customer in kept}


def _sets(rows: pd.DataFrame) -> dict[str, set[str]]:
    """Each customer's distinct offerings (grouped by sorting, not per-row Python)."""
    pairs = rows[[C.CUSTOMER, C.OFFERING]].dropna().drop_duplicates()
    codes, customers = pd.factorize(pairs[C.CUSTOMER])
    order = np.argsort(codes, kind="stable")
    offerings = pairs[C.OFFERING].to_numpy(dtype=object)[order]
    bounds = np.searchsorted(codes[order], np.arange(len(customers) + 1)).tolist()
    return {
        customer: set(offerings[bounds[i] : bounds[i + 1]].tolist())
        for i, customer in enumerate(customers.tolist())
    }


def _top_k(
    items: Sequence[str],
    k: int,
    bought: set[str] | frozenset[str],
    *,
    keep_bought: bool,
) -> list[str]:
    """The first k distinct offerings of a list, skipping those bought before
    (keep_bought: skipping all the others instead)."""
    top: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item in seen or (item in bought) != keep_bought:
            continue
        seen.add(item)
        top.append(item)
        if len(top) == k:
            break
    return top


def _catalogue_size(split: Split) -> int:
    train = split.train
    return int(purchases_before(train, split.as_of)[C.OFFERING].nunique())


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _checked_mode(mode: str) -> Mode:
    if mode == "all":
        return "all"
    if mode == "new":
        return "new"
    if mode == "repeat":
        return "repeat"
    raise ValueError(f"mode must be one of {get_args(Mode)}, got {mode!r}.")
