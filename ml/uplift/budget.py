"""A contact budget: the push list with the most expected extra uptake (or
revenue) for a number of pushes, at most a few per customer.

Pairs are taken best first while the customer is under the cap. Choosing at
most `budget` pairs with at most `per_customer` per customer is a matroid
(a partition matroid truncated to the budget), so this greedy list is the
best possible for every list size at once: the gain curve is the running
total of the same order. Pairs whose expected gain is not above zero (the
push makes no difference or puts the customer off) are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.columns import Columns

C = Columns
UPLIFT = "uplift"
REVENUE = "revenue"
GAIN = "expected_gain"


@dataclass(frozen=True, slots=True)
class BudgetList:
    """The chosen pushes and what each list size is expected to bring.

    rows: the pushes, best first: customer_id, offering_id, uplift, (revenue,)
        expected_gain and rank (1 = first).
    curve: list_size (1, 2, ...) against the running total of expected_gain,
        over every pair worth pushing within the cap, not only the budget, so
        the user can see what more (or fewer) pushes would bring.
    """

    rows: pd.DataFrame
    curve: pd.DataFrame
    budget: int
    per_customer: int

    @property
    def expected_gain(self) -> float:
        """Expected extra uptake (or revenue) of the chosen list."""
        return float(self.rows[GAIN].sum())


def best_list(
    pairs: pd.DataFrame,
    budget: int,
    per_customer: int = 1,
    *,
    by_revenue: bool = False,
) -> BudgetList:
    """The list of at most `budget` pushes, at most `per_customer` per
    customer, with the largest expected extra uptake (with by_revenue: uplift
    times the `revenue` column, the revenue of one uptake)."""
    if budget < 0 or int(budget) != budget:
        raise ValueError(f"The budget must be a whole number of pushes, got {budget}.")
    if per_customer < 1 or int(per_customer) != per_customer:
        raise ValueError(
            f"The cap per customer must be at least 1, got {per_customer}."
        )
    needed = [C.CUSTOMER, C.OFFERING, UPLIFT] + ([REVENUE] if by_revenue else [])
    missing = [c for c in needed if c not in pairs.columns]
    if missing:
        raise ValueError(f"The pairs lack the columns {missing}.")
    table = pairs[needed].copy()
    gain = table[UPLIFT] * (table[REVENUE] if by_revenue else 1.0)
    table[GAIN] = gain.astype(float)
    table = table[table[GAIN] > 0]
    if table.duplicated([C.CUSTOMER, C.OFFERING]).any():
        raise ValueError("A customer and offering pair appears more than once.")
    # Ties: the order of the input pairs decides, so the list is repeatable.
    table = table.sort_values(GAIN, ascending=False, kind="stable")
    table = table[table.groupby(C.CUSTOMER, sort=False).cumcount() < per_customer]
    table = table.reset_index(drop=True)
    table["rank"] = table.index + 1
    curve = pd.DataFrame(
        {"list_size": table["rank"], GAIN: table[GAIN].cumsum()},
    )
    return BudgetList(
        rows=table.head(int(budget)),
        curve=curve,
        budget=int(budget),
        per_customer=int(per_customer),
    )
