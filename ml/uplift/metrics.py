"""Qini and uplift curves, the Qini coefficient and AUUC, with bootstrap intervals.

The definitions are scikit-uplift's (0.5), so figures compare one to one with
`sklift.metrics.qini_auc_score` (negative_effect=True) and `uplift_auc_score`;
tests/benchmarks/bench_uplift.py checks that they agree.

Customers are sorted by predicted uplift, highest first; the curves have one
point per distinct predicted value (ties form one step) plus (0, 0). After the
first n customers, with n_t treated and n_c control among them, and r_t, r_c
of those who took the offer up:

* Qini curve:   Q(n) = r_t - r_c * n_t / n_c  (0 when n_c = 0), extra uptake
  counted in the treated group's size;
* uplift curve: U(n) = (r_t / n_t - r_c / n_c) * n  (each rate 0 when its group
  is empty), extra uptake had all n been pushed.

A score is the area between the model's curve and the random-order diagonal
(from (0, 0) to the curve's end), divided by the same area of the perfect
ordering (trapezoid rule):

* Qini coefficient: perfect order puts treated buyers first and control buyers
  last (score y * t - y * (1 - t); negative effects are part of the optimum);
* AUUC: perfect order by 2 * (y == t) + (y if control buyers outnumber treated
  non-buyers else t).

1 is the perfect order, 0 random; both can be negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
# Bootstrap weights are drawn this many cells at a time (rows x resamples).
_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True, slots=True)
class _Sorted:
    """Rows in the order of a score (highest first) and where each tie ends."""

    order: npt.NDArray[np.intp]
    ends: npt.NDArray[np.intp]

    @classmethod
    def by(cls, score: npt.ArrayLike) -> _Sorted:
        values = np.asarray(score, dtype=float)
        # As scikit-uplift: a stable ascending sort, reversed.
        order = np.argsort(values, kind="mergesort")[::-1]
        ranked = values[order]
        ends = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
        return cls(order=order, ends=ends.astype(np.intp))


def _as_binary(name: str, values: npt.ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=float).ravel()
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 and 1.")
    return array


def _checked(
    outcome: npt.ArrayLike, uplift: npt.ArrayLike, treated: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    y = _as_binary("outcome", outcome)
    t = _as_binary("treated", treated)
    score = np.asarray(uplift, dtype=float).ravel()
    if not len(y) == len(t) == len(score):
        raise ValueError("outcome, uplift and treated must have the same length.")
    if not (t.any() and (1 - t).any()):
        raise ValueError("Both a treated and a control group are needed.")
    return y, score, t


def _curves(
    sort: _Sorted, y: FloatArray, t: FloatArray, w: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(n, Qini, uplift) at each tie end, (0, 0, 0) first; w has shape
    (resamples, rows): how often each row is drawn."""
    ws = w[:, sort.order]
    ys, ts = y[sort.order].astype(w.dtype), t[sort.order].astype(w.dtype)
    # Whole-number counts: exact and fast in integers.
    n, n_t, r_t, r_c = (
        np.cumsum(c, axis=1)[:, sort.ends].astype(float)
        for c in (ws, ws * ts, ws * (ts * ys), ws * ((1 - ts) * ys))
    )
    n_c = n - n_t
    share = np.divide(n_t, n_c, out=np.zeros_like(n_t), where=n_c > 0)
    rate_t = np.divide(r_t, n_t, out=np.zeros_like(r_t), where=n_t > 0)
    rate_c = np.divide(r_c, n_c, out=np.zeros_like(r_c), where=n_c > 0)
    zero = np.zeros((len(w), 1))
    return (
        np.hstack([zero, n]),
        np.hstack([zero, r_t - r_c * share]),
        np.hstack([zero, (rate_t - rate_c) * n]),
    )


def _above_diagonal(x: FloatArray, curve: FloatArray) -> FloatArray:
    """Area between each row's curve and its random-order diagonal."""
    area = np.trapezoid(curve, x, axis=1)
    return area - x[:, -1] * curve[:, -1] / 2.0


def _perfect_areas(y: FloatArray, t: FloatArray, w: IntArray) -> FloatArray:
    """The perfect orders' areas above the diagonal: shape (resamples, 2)."""
    qini_best = _curves(_Sorted.by(y * t - y * (1 - t)), y, t, w)
    by_y = _curves(_Sorted.by(2 * (y == t) + y), y, t, w)
    by_t = _curves(_Sorted.by(2 * (y == t) + t), y, t, w)
    control_buyers = w @ (y * (1 - t))
    treated_non_buyers = w @ ((1 - y) * t)
    lift_best = np.where(
        control_buyers > treated_non_buyers,
        _above_diagonal(by_y[0], by_y[2]),
        _above_diagonal(by_t[0], by_t[2]),
    )
    return np.column_stack([_above_diagonal(qini_best[0], qini_best[1]), lift_best])


def _scores(
    y: FloatArray, score: FloatArray, t: FloatArray, w: IntArray, best: FloatArray
) -> FloatArray:
    """(Qini coefficient, AUUC) for each row of weights: shape (resamples, 2)."""
    x, qini, lift = _curves(_Sorted.by(score), y, t, w)
    return np.column_stack([_above_diagonal(x, qini), _above_diagonal(x, lift)]) / best


def _score(y: FloatArray, score: FloatArray, t: FloatArray) -> FloatArray:
    w = np.ones((1, len(y)), dtype=np.int64)
    return np.asarray(_scores(y, score, t, w, _perfect_areas(y, t, w))[0], float)


def qini_curve(
    outcome: npt.ArrayLike, uplift: npt.ArrayLike, treated: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The Qini curve: customers targeted (highest predicted uplift first)
    against extra uptake among them, (0, 0) first."""
    y, score, t = _checked(outcome, uplift, treated)
    x, qini, _ = _curves(_Sorted.by(score), y, t, np.ones((1, len(y)), dtype=np.int64))
    return x[0], qini[0]


def qini_coefficient(
    outcome: npt.ArrayLike, uplift: npt.ArrayLike, treated: npt.ArrayLike
) -> float:
    """The normalised area under the Qini curve (sklift's qini_auc_score)."""
    y, score, t = _checked(outcome, uplift, treated)
    return float(_score(y, score, t)[0])


def auuc(
    outcome: npt.ArrayLike, uplift: npt.ArrayLike, treated: npt.ArrayLike
) -> float:
    """The normalised area under the uplift curve (sklift's uplift_auc_score)."""
    y, score, t = _checked(outcome, uplift, treated)
    return float(_score(y, score, t)[1])


def bootstrap_scores(
    outcome: npt.ArrayLike,
    treated: npt.ArrayLike,
    predictions: Mapping[str, npt.ArrayLike],
    *,
    n: int = 1000,
    random_state: int = 0,
) -> dict[str, FloatArray]:
    """Qini coefficient and AUUC of each prediction on the same n resamples of
    the customers (drawn with replacement): name -> array (n, 2).

    The resamples are shared, so a ratio or difference of two models taken per
    resample gives a paired interval.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    first = next(iter(predictions.values()))
    y, _, t = _checked(outcome, first, treated)
    scores = {name: _checked(y, p, t)[1] for name, p in predictions.items()}
    rng = np.random.default_rng(random_state)
    out: dict[str, list[FloatArray]] = {name: [] for name in scores}
    block = max(1, _BLOCK_CELLS // len(y))
    for start in range(0, n, block):
        size = min(block, n - start)
        picks = rng.integers(0, len(y), size=(size, len(y)))
        w = np.vstack([np.bincount(row, minlength=len(y)) for row in picks])
        best = _perfect_areas(y, t, w)
        for name, score in scores.items():
            out[name].append(_scores(y, score, t, w, best))
    return {name: np.vstack(parts) for name, parts in out.items()}


def interval(samples: npt.ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile interval of bootstrap samples (95 % by default)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}.")
    tail = (1.0 - confidence) / 2.0
    low, high = np.nanquantile(np.asarray(samples, float), [tail, 1.0 - tail])
    return (float(low), float(high))
