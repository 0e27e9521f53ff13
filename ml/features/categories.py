"""Each offering's category, for the features that need one."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.columns import Columns
from ml.features.timeline import codes
from ml.store.project import Project

C = Columns
Ints = npt.NDArray[np.int64]

# The imported offerings table wins; otherwise the category an offering's
# order lines name most often (ties: the first name in sort order).
_CATEGORIES_SQL = f"""
    WITH counted AS (
        SELECT {C.OFFERING}, {C.CATEGORY}, count(*) AS lines FROM orders
        WHERE {C.CATEGORY} IS NOT NULL GROUP BY ALL),
    ranked AS (
        SELECT {C.OFFERING}, {C.CATEGORY}, row_number() OVER (
            PARTITION BY {C.OFFERING} ORDER BY lines DESC, {C.CATEGORY}) AS place
        FROM counted),
    from_orders AS (SELECT {C.OFFERING}, {C.CATEGORY} FROM ranked WHERE place = 1),
    listed AS (
        SELECT {C.OFFERING}, {C.CATEGORY} FROM offerings
        WHERE {C.CATEGORY} IS NOT NULL)
    SELECT {C.OFFERING},
           coalesce(listed.{C.CATEGORY}, from_orders.{C.CATEGORY}) AS {C.CATEGORY}
    FROM from_orders FULL OUTER JOIN listed USING ({C.OFFERING})
    ORDER BY {C.OFFERING}"""


def load_categories(project: Project) -> pd.Series:
    """Read offering_id -> category from the project (empty if none is known).

    The category comes from the imported offerings when they give one, else
    from the orders (the category most of the offering's lines name). Pass it
    as `categories` to pair_features and customer_features when planning by
    offering.
    """
    frame = project.con.execute(_CATEGORIES_SQL).df()
    categories = pd.Series(
        frame[C.CATEGORY].to_numpy(),
        index=pd.Index(frame[C.OFFERING], name=C.OFFERING),
        name=C.CATEGORY,
        dtype="str",
    )
    return categories


def category_codes(
    categories: pd.Series, offerings: pd.Series | pd.Index
) -> tuple[Ints, int]:
    """Number each offering's category (-1: none known) and count the categories.

    categories maps offering_id (index) to a category; an offering listed twice
    keeps its first category.
    """
    known = categories.loc[~categories.index.duplicated() & categories.notna()]
    number, names = pd.factorize(known)
    position = codes(offerings, pd.Index(known.index))
    return np.append(number, -1).astype(np.int64)[position], len(names)
