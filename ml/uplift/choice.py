"""How UpliftModel picks an approach from its Qini on held-out folds.

The default is the average of the two logistic approaches (two models, and
one model with push interactions): on Hillstrom's training rows it was never
far from the best on fresh splits, for visits and for conversions. Another
approach replaces it only when its mean Qini over the folds is higher by more
than one standard error of the fold-by-fold difference, and only when every
fold holds enough takers in both groups (MIN_TAKERS) for the folds to tell
approaches apart. With fewer (Hillstrom's conversions: about a dozen held-back
buyers per fold), the folds ranked the approaches close to the reverse of a
fresh split's, so only the default is fitted (UpliftModel skips the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT = ("two models, logistic", "one model with push interactions, logistic")
# Takers (buyers) per held-out fold, in the smaller of the two groups.
MIN_TAKERS = 100


@dataclass(frozen=True, slots=True)
class Candidate:
    """An approach, or an average of several, and its Qini on each fold."""

    members: tuple[str, ...]
    fold_qini: tuple[float, ...]

    @property
    def name(self) -> str:
        """Plain name: the approach, or 'average of ...'."""
        if len(self.members) == 1:
            return self.members[0]
        return "average of " + " + ".join(self.members)

    @property
    def qini(self) -> float:
        """Mean Qini coefficient over the folds."""
        return float(np.mean(self.fold_qini))


def choose(
    candidates: Sequence[Candidate], takers_per_fold: float
) -> tuple[Candidate, str]:
    """The candidate to use and, in plain words, why."""
    best = max(candidates, key=lambda c: c.qini)
    default = next((c for c in candidates if set(c.members) == set(DEFAULT)), None)
    if default is None:
        return best, "the best Qini on the held-out folds"
    if takers_per_fold < MIN_TAKERS:
        return default, (
            f"the default: the held-out folds hold about {takers_per_fold:.0f} "
            f"buyers in the smaller group, under the {MIN_TAKERS} needed to tell "
            "approaches apart"
        )
    gaps = np.subtract(best.fold_qini, default.fold_qini)
    error = float(np.std(gaps, ddof=1) / np.sqrt(len(gaps))) if len(gaps) > 1 else 0.0
    if best is default or best.qini - default.qini <= error:
        return default, "the default: no approach beat it by more than the folds' noise"
    return best, "its Qini beat the default's by more than the folds' noise"
