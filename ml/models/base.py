"""What every recommender offers, and the sparse building blocks they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml.columns import Columns
from ml.dataset import purchases_before
from ml.errors import InputDataError
from ml.features.groups import distinct
from ml.features.topk import Cells, row_blocks, top_cells

C = Columns
Ids = npt.NDArray[np.object_]
Indices = npt.NDArray[np.intp]
Floats = npt.NDArray[np.float64]

REQUIRED_COLUMNS = (C.CUSTOMER, C.OFFERING, C.ORDERED_AT)
BASKET_KEYS = ("order", "day")
# Similarities are computed densely one block of rows at a time, about four
# million cells (32 MB) per block whatever the catalogue or customer count.
_BLOCK_CELLS = 4_000_000
# Padding (and tie-breaking) popularity counts buyers over the last 28 days, the
# protocol's horizon: on the validation window it beat all-history popularity
# by a wide margin (NDCG@10 0.111 vs 0.078; 7-28 days are about equal).
PADDING_WINDOW_DAYS = 28
# recommend() scores this many customers at a time, so that dense-ish score rows
# (TIFU-KNN's neighbour mix) never exist for every customer at once.
_BATCH = 512


@runtime_checkable
class Recommender(Protocol):
    """Ranks offerings per customer from the purchases before an as-of date."""

    offerings_: Ids

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Learn from the purchase rows with ordered_at < as_of only."""
        ...

    def recommend(
        self, customers: Sequence[str], k: int = 10, *, new_only: bool = False
    ) -> dict[str, list[str]]:
        """Top-k offering ids per customer, best first, padded with popularity."""
        ...

    def scores(self, customers: Sequence[str]) -> sp.csr_matrix:
        """The model's scores, customers x offerings_ (zero: no evidence)."""
        ...


@dataclass(frozen=True, slots=True)
class PurchaseMatrix:
    """Purchase lines per known customer and offering, with row and column ids.

    customers and offerings are sorted; customer_codes and offering_codes give,
    for every history row, its row (-1 for anonymous demand) and column index.
    """

    customers: Ids
    offerings: Ids
    counts: sp.csr_matrix
    customer_codes: Indices
    offering_codes: Indices


def build_purchase_matrix(history: pd.DataFrame) -> PurchaseMatrix:
    """Build the sparse customer x offering matrix of purchase-line counts."""
    offering_codes, offerings = pd.factorize(history[C.OFFERING], sort=True)
    customer_codes, customers = pd.factorize(history[C.CUSTOMER], sort=True)
    known = customer_codes >= 0
    counts = sp.csr_matrix(
        (
            np.ones(int(known.sum())),
            (customer_codes[known], offering_codes[known]),
        ),
        shape=(len(customers), len(offerings)),
    )
    counts.sum_duplicates()
    return PurchaseMatrix(
        customers=np.asarray(customers, dtype=object),
        offerings=np.asarray(offerings, dtype=object),
        counts=counts,
        customer_codes=customer_codes.astype(np.intp),
        offering_codes=offering_codes.astype(np.intp),
    )


def distinct_buyers(
    history: pd.DataFrame,
    matrix: PurchaseMatrix,
    *,
    since: pd.Timestamp | None = None,
) -> Floats:
    """Count distinct buyers per offering, each anonymous order being one buyer."""
    rows = np.ones(len(history), dtype=bool)
    if since is not None:
        rows = (history[C.ORDERED_AT] >= since).to_numpy()
    n_offerings = len(matrix.offerings)
    customer = matrix.customer_codes[rows]
    offering = matrix.offering_codes[rows]
    known = customer >= 0
    pairs = distinct(customer[known] * n_offerings + offering[known])
    buyers = np.bincount(pairs % n_offerings, minlength=n_offerings)
    if C.ORDER in history.columns:
        order = pd.factorize(history[C.ORDER])[0][rows][~known]
    else:
        order = np.full(int((~known).sum()), -1)
    anonymous = offering[~known]
    # Anonymous lines have no customer; an anonymous order is the nearest thing
    # to one visit by one buyer, and a line without an order stands alone.
    in_order = order >= 0
    orders = distinct(
        order[in_order].astype(np.int64) * n_offerings + anonymous[in_order]
    )
    buyers += np.bincount(orders % n_offerings, minlength=n_offerings)
    buyers += np.bincount(anonymous[~in_order], minlength=n_offerings)
    return buyers.astype(np.float64)


def basket_codes(history: pd.DataFrame, matrix: PurchaseMatrix, key: str) -> Indices:
    """Number each row's basket: its order, or (key "day" or no order id) its day."""
    day = history[C.ORDERED_AT].to_numpy().astype("datetime64[D]").astype(np.int64)
    span = int(day.max() - day.min()) + 1 if len(day) else 1
    customer_day = (matrix.customer_codes.astype(np.int64) + 1) * span + day - day.min()
    day_codes: Indices = pd.factorize(customer_day)[0].astype(np.intp)
    if key == "day" or C.ORDER not in history.columns:
        return day_codes
    order_codes = pd.factorize(history[C.ORDER])[0]
    n_orders = int(order_codes.max()) + 1
    codes: Indices = np.where(order_codes >= 0, order_codes, n_orders + day_codes)
    return codes


def top_k_cosine(rows: sp.csr_matrix, k: int, *, shrink: float = 0.0) -> sp.csr_matrix:
    """Keep, for each row, its k most similar other rows (positive similarity
    only; ties: the lower row number).

    Similarity is the cosine with shrinkage: dot / (norm * norm + shrink). Only
    the pairs of rows that share a column are ever computed (sparse products,
    _BLOCK_CELLS of them at a time), never every pair of rows.
    """
    n = rows.shape[0]
    rows = sp.csr_matrix(rows, dtype=np.float64)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    transposed = rows.T.tocsr()
    k = min(k, max(n - 1, 0))
    # A row's products are at most its cells times their columns' lengths.
    column_sizes = np.diff(transposed.indptr)
    reach = np.bincount(
        np.repeat(np.arange(n), np.diff(rows.indptr)),
        weights=column_sizes[rows.indices],
        minlength=n,
    )
    parts: list[Cells] = []
    for block in row_blocks(reach.astype(np.int64), _BLOCK_CELLS):
        dots = sp.csr_matrix(rows[block.start : block.stop] @ transposed)
        local = np.repeat(np.arange(dots.shape[0]), np.diff(dots.indptr))
        mine = local + block.start
        dots.data = dots.data / (norms[mine] * norms[dots.indices] + shrink)
        dots.data[dots.indices == mine] = 0.0  # a row is not its own neighbour
        found = top_cells(dots, k)
        parts.append(replace(found, row=found.row + block.start))
    if not parts:
        return sp.csr_matrix((n, n))
    return sp.csr_matrix(
        (
            np.concatenate([part.value for part in parts]),
            (
                np.concatenate([part.row for part in parts]),
                np.concatenate([part.col for part in parts]),
            ),
        ),
        shape=(n, n),
    )


def select_rows(matrix: sp.csr_matrix, rows: Indices) -> sp.csr_matrix:
    """Take rows of matrix by index, with an empty row wherever the index is -1."""
    known = np.flatnonzero(rows >= 0)
    pick = sp.csr_matrix(
        (np.ones(len(known)), (known, rows[known])),
        shape=(len(rows), matrix.shape[0]),
    )
    return sp.csr_matrix(pick @ matrix)


def rank_rows(
    scores: sp.csr_matrix,
    k: int,
    *,
    padding: Indices,
    exclude: sp.csr_matrix | None = None,
) -> list[Indices]:
    """Top-k column indices per row by score, ties and padding in padding order."""
    rank = np.empty(len(padding), dtype=np.intp)
    rank[padding] = np.arange(len(padding))
    scores = sp.csr_matrix(scores)
    ranked: list[Indices] = []
    for i in range(scores.shape[0]):
        lo, hi = scores.indptr[i], scores.indptr[i + 1]
        columns = scores.indices[lo:hi]
        values = scores.data[lo:hi]
        keep = values > 0
        banned = np.empty(0, dtype=np.intp)
        if exclude is not None:
            banned = exclude.indices[exclude.indptr[i] : exclude.indptr[i + 1]]
            keep &= ~np.isin(columns, banned)
        columns, values = columns[keep], values[keep]
        if len(values) > k:
            # Everything tied with the k-th best stays in, so ties are broken by
            # padding order below rather than by where argpartition put them.
            threshold = np.partition(values, len(values) - k)[len(values) - k]
            columns, values = columns[values >= threshold], values[values >= threshold]
        chosen = columns[np.lexsort((rank[columns], -values))][:k].astype(np.intp)
        missing = k - len(chosen)
        if missing > 0:
            candidates = padding[: k + len(chosen) + len(banned)]
            taken = np.concatenate([chosen, banned])
            extra = candidates[~np.isin(candidates, taken)][:missing]
            chosen = np.concatenate([chosen, extra])
        ranked.append(chosen)
    return ranked


class BaseRecommender(BaseEstimator):  # type: ignore[misc]
    """Fit bookkeeping, popularity padding and ranking shared by the recommenders.

    Subclasses set their parameters in ``__init__``, check them in
    ``_check_params`` and learn in ``_fit_model``; ``_model_scores`` returns
    their evidence for known customers. scikit-learn's BaseEstimator gives them
    get_params, set_params and clone (scikit-learn is untyped, hence the ignore).
    """

    def fit(self, purchases: pd.DataFrame, as_of: pd.Timestamp) -> Self:
        """Learn from the purchase rows with ordered_at < as_of only."""
        self._check_params()
        as_of = pd.Timestamp(as_of)
        missing = [name for name in REQUIRED_COLUMNS if name not in purchases.columns]
        if missing:
            raise ValueError(f"purchases lack the column(s) {missing}")
        history = purchases_before(purchases, as_of)
        if history.empty:
            raise InputDataError(
                f"there are no purchases before {as_of:%Y-%m-%d}, so there is "
                "nothing to learn from.",
                hint="Choose a later as-of date or import older orders.",
            )
        matrix = build_purchase_matrix(history)
        self.as_of_ = as_of
        self.offerings_ = matrix.offerings
        self.customers_ = matrix.customers
        self.bought_ = sp.csr_matrix((matrix.counts > 0).astype(np.float64))
        overall = distinct_buyers(history, matrix)
        since = self._popularity_since(as_of)
        recent = (
            overall if since is None else distinct_buyers(history, matrix, since=since)
        )
        self.popularity_ = recent
        # Most buyers first; ties by all-time buyers, then by offering id.
        self.popularity_order_ = np.lexsort(
            (np.arange(len(overall)), -overall, -recent)
        ).astype(np.intp)
        self._fit_model(history, matrix)
        return self

    def scores(self, customers: Sequence[str]) -> sp.csr_matrix:
        """The model's scores, customers x offerings_ (zero: no evidence)."""
        return self._scores_for_rows(self._rows(customers))

    def recommend(
        self, customers: Sequence[str], k: int = 10, *, new_only: bool = False
    ) -> dict[str, list[str]]:
        """Top-k offering ids per customer, best first, padded with popularity."""
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
            raise ValueError(f"k must be a whole number >= 0, got {k!r}")
        ids = list(customers)
        rows = self._rows(ids)
        lists: dict[str, list[str]] = {}
        for start in range(0, len(ids), _BATCH):
            batch = rows[start : start + _BATCH]
            exclude = select_rows(self.bought_, batch) if new_only else None
            ranked = rank_rows(
                self._scores_for_rows(batch),
                int(k),
                padding=self.popularity_order_,
                exclude=exclude,
            )
            for customer, columns in zip(
                ids[start : start + _BATCH], ranked, strict=True
            ):
                lists[customer] = self.offerings_[columns].tolist()
        return lists

    def _rows(self, customers: Sequence[str]) -> Indices:
        check_is_fitted(self, "offerings_")
        index = pd.Index(self.customers_)
        return np.asarray(
            index.get_indexer(pd.Index(list(customers), dtype=object)), dtype=np.intp
        )

    def _scores_for_rows(self, rows: Indices) -> sp.csr_matrix:
        known = np.flatnonzero(rows >= 0)
        evidence = self._model_scores(rows[known])
        place = np.full(len(rows), -1, dtype=np.intp)
        place[known] = np.arange(len(known))
        return select_rows(evidence, place)

    def _check_params(self) -> None:
        """Raise ValueError for a parameter out of range (none by default)."""

    def _popularity_since(self, as_of: pd.Timestamp) -> pd.Timestamp | None:
        """Start of the window popularity counts buyers in (None: all history)."""
        return as_of - pd.Timedelta(days=PADDING_WINDOW_DAYS)

    def _fit_model(self, history: pd.DataFrame, matrix: PurchaseMatrix) -> None:
        """Learn the model's own state from the history (nothing by default)."""

    def _model_scores(self, rows: Indices) -> sp.csr_matrix:
        """Evidence for the given known customer rows (none by default)."""
        return sp.csr_matrix((len(rows), len(self.offerings_)))
