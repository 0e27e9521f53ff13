"""Synthetic shops with known weekly demand, for the demand model's tests.

Every buyer is a new customer, so an offering's distinct buyers in a window
are Poisson with the sum of its daily rates: the truth is known exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

START = pd.Timestamp("2021-01-01")  # a Friday
DAY = pd.Timedelta(days=1)
Rate = Callable[[np.ndarray], np.ndarray]  # day numbers -> buyers per week


def shop(rates: dict[str, Rate], days: int, seed: int = 0) -> pd.DataFrame:
    """Purchase lines from START for `days` days, buyers drawn per day."""
    rng = np.random.default_rng(seed)
    day = np.arange(days)
    frames = []
    for offering, rate in rates.items():
        counts = rng.poisson(np.maximum(rate(day), 0.0) / 7.0)
        when = np.repeat(day, counts)
        frames.append(
            pd.DataFrame(
                {
                    "offering_id": offering,
                    "ordered_at": START
                    + pd.to_timedelta(when, unit="D")
                    + pd.to_timedelta(rng.integers(8, 18, len(when)), unit="h"),
                    "quantity": rng.integers(1, 4, len(when)).astype(float),
                }
            )
        )
    lines = pd.concat(frames, ignore_index=True)
    lines["amount"] = lines["quantity"] * 2.5
    lines["customer_id"] = pd.Series([f"c{i}" for i in range(len(lines))], dtype="str")
    lines["offering_id"] = lines["offering_id"].astype("str")
    lines["ordered_at"] = lines["ordered_at"].astype("datetime64[us]")
    columns = ["customer_id", "offering_id", "ordered_at", "quantity", "amount"]
    return lines.sort_values("ordered_at", kind="stable")[columns].reset_index(
        drop=True
    )


def steady(per_week: float) -> Rate:
    """The same rate every day."""
    return lambda day: np.full(len(day), per_week, dtype=float)


def seasonal(per_week: float, peak: float, start_day: int, weeks: int = 4) -> Rate:
    """`per_week`, but `peak` during `weeks` weeks from `start_day` of each
    364-day year."""

    def rate(day: np.ndarray) -> np.ndarray:
        in_season = (day % 364 >= start_day) & (day % 364 < start_day + 7 * weeks)
        return np.where(in_season, peak, per_week).astype(float)

    return rate


def expected_buyers(rate: Rate, first_day: int, days: int) -> float:
    """The expected buyers of an offering in [first_day, first_day + days)."""
    return float(rate(np.arange(first_day, first_day + days)).sum() / 7.0)


def steady_shop(seed: int = 0, days: int = 420) -> tuple[pd.DataFrame, dict[str, Rate]]:
    """Forty steady offerings from 1 to 40 buyers a week."""
    rates = {f"s{i:02d}": steady(1.0 + i) for i in range(40)}
    return shop(rates, days, seed), rates
