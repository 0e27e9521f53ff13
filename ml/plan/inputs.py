"""What build_plan takes from elsewhere: scored pairs and the project's exclusions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from ml.columns import Columns
from ml.store.project import Project

C = Columns


@dataclass(frozen=True, slots=True)
class Exclusions:
    """Customers who opted out of contact, offerings marked inactive and
    charges such as postage (Exclusions(): none of them)."""

    opted_out: frozenset[str] = frozenset()
    inactive: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()


# Order lines that are charges rather than things a customer wants offered,
# recognised by a name that ends in a charge word after at most two others
# (Online Retail: POSTAGE, DOTCOM POSTAGE, Next Day Carriage, Manual, AMAZON
# FEE; but not BLACK BAROQUE CARRIAGE CLOCK), or says it adjusts an account.
SERVICE_NAMES = (
    r"^\s*(\S+\s+){0,2}(postage|carriage|shipping|delivery charges?|"
    r"bank charges?|fees?|discounts?|manual|commission|samples?)\s*$|^\s*adjust"
)


def load_exclusions(project: Project) -> Exclusions:
    """Read opted-out customers, inactive offerings and service lines (by
    their names) from a project."""
    con = project.con
    opted = con.execute(
        f"SELECT {C.CUSTOMER} FROM customers WHERE {C.OPTED_OUT}"
    ).fetchall()
    inactive = con.execute(
        f"SELECT {C.OFFERING} FROM offerings WHERE {C.ACTIVE} = false"
    ).fetchall()
    # An offering's usual name decides (a product may have odd lines such as
    # "adjustment").
    services = con.execute(
        f"SELECT {C.OFFERING} FROM (SELECT {C.OFFERING}, mode({C.OFFERING_NAME}) "
        f"AS name FROM orders GROUP BY ALL) WHERE regexp_matches(lower(name), ?)",
        [SERVICE_NAMES],
    ).fetchall()
    return Exclusions(
        opted_out=frozenset(str(row[0]) for row in opted),
        inactive=frozenset(str(row[0]) for row in inactive),
        services=frozenset(str(row[0]) for row in services),
    )


def scored_pairs(
    scores: sp.spmatrix | sp.sparray,
    customers: Sequence[str],
    offerings: Sequence[str] | npt.NDArray[np.object_],
) -> pd.DataFrame:
    """Scored pairs (customer_id, offering_id, probability) from a sparse
    customers x offerings matrix such as TwoStageRanker.scores; stored entries
    are the candidates."""
    matrix = sp.coo_matrix(scores)
    if matrix.shape != (len(customers), len(offerings)):
        raise ValueError(
            f"scores is {matrix.shape} for {len(customers)} customers and "
            f"{len(offerings)} offerings."
        )
    return pd.DataFrame(
        {
            C.CUSTOMER: np.asarray(customers, dtype=object)[matrix.row],
            C.OFFERING: np.asarray(offerings, dtype=object)[matrix.col],
            "probability": matrix.data.astype(np.float64),
        }
    )


def load_offering_names(project: Project) -> pd.Series:
    """offering_id -> name: the catalogue's name, else the usual name on orders."""
    rows = project.con.execute(
        f"""SELECT o.{C.OFFERING}, coalesce(c.name, o.name) FROM (
                SELECT {C.OFFERING}, mode({C.OFFERING_NAME}) AS name
                FROM orders GROUP BY ALL) o
            LEFT JOIN offerings c USING ({C.OFFERING})
            WHERE coalesce(c.name, o.name) IS NOT NULL"""
    ).fetchall()
    return pd.Series(
        {str(offering): str(name).strip() for offering, name in rows}, dtype="string"
    )
