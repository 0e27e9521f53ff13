"""Number the candidate pairs so that history rows can be matched to them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.features.timeline import Past

C = Columns
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class PairKeys:
    """The customers and offerings of the candidate pairs, and one key per pair.

    customer and offering hold each pair's positions in customers and
    offerings (-1: missing id). A key is customer position * len(offerings) +
    offering position, -1 if either is missing. History rows get keys the same
    way, so a pair's history is the rows with its key.
    """

    customers: pd.Index
    offerings: pd.Index
    customer: Ints
    offering: Ints
    keys: Ints

    @classmethod
    def from_pairs(cls, pairs: pd.DataFrame) -> PairKeys:
        """Number the pairs' distinct customers and offerings."""
        missing = [c for c in (C.CUSTOMER, C.OFFERING) if c not in pairs.columns]
        if missing:
            raise ValueError(
                f"pairs need the columns customer_id and offering_id; {missing} "
                f"missing (found {list(pairs.columns)})."
            )
        customer, customers = pd.factorize(pairs[C.CUSTOMER])
        offering, offerings = pd.factorize(pairs[C.OFFERING])
        customer = customer.astype(np.int64)
        offering = offering.astype(np.int64)
        customers, offerings = pd.Index(customers), pd.Index(offerings)
        keys = cls.combine_codes(customer, offering, len(offerings))
        return cls(customers, offerings, customer, offering, keys)

    @staticmethod
    def combine_codes(customer: Ints, offering: Ints, n_offerings: int) -> Ints:
        """Keys from customer and offering positions (-1 where either is -1)."""
        keys = customer * n_offerings + offering
        keys[(customer < 0) | (offering < 0)] = -1
        return keys

    def of_rows(self, past: Past) -> Ints:
        """The pair key of each kept row of past (-1 if it is no pair's)."""
        customer = past.codes(C.CUSTOMER, self.customers)
        offering = past.codes(C.OFFERING, self.offerings)
        return self.combine_codes(customer, offering, len(self.offerings))
