"""What a campaign did: predicted versus actual uptake of the pushes sent, and
the extra uptake and revenue over the control group, with 95 % intervals.

Uptake counts only purchases of a pushed offering by its customer from the
campaign's start to the end of its horizon. The GUI, the CLI and the tests all
read a campaign's results through `campaign_results`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from ml.campaigns.campaign import Campaign
from ml.campaigns.store import find_campaign

Z95 = 1.959964  # two-sided 95 % normal quantile
DECILES = 10


@dataclass(frozen=True, slots=True)
class Estimate:
    """A number with its 95 % interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class CampaignResults:
    """A campaign's pushes with what came of them, and the summaries.

    pushes: customer_id, offering_id, control, probability, bought (bool),
        first_bought (timestamp or NaT), revenue (of the pushed offering in
        the horizon).
    """

    campaign: Campaign
    pushes: pd.DataFrame
    observed_until: pd.Timestamp | None  # the last order imported (None: none)

    @property
    def days_observed(self) -> int:
        """Days of the horizon that the imported orders cover."""
        if self.observed_until is None:
            return 0
        days = (self.observed_until - self.campaign.starts_at).days + 1
        return max(0, min(self.campaign.horizon_days, days))

    @property
    def complete(self) -> bool:
        """Whether orders are imported up to the end of the horizon."""
        return self.days_observed >= self.campaign.horizon_days

    @property
    def predicted(self) -> bool:
        """Whether Pushwise predicted the pushes' uptake (a campaign saved from
        a push plan; not contacts imported from a CRM)."""
        return bool(self.pushes["probability"].notna().all())

    @property
    def contacted(self) -> pd.DataFrame:
        """The pushes that were sent (not the control group's)."""
        return self.pushes[~self.pushes["control"]]

    def predicted_vs_actual(self) -> pd.DataFrame:
        """Pushes, predicted and actual uptake (pushes taken up) and revenue, for
        the pushes sent and for the control group."""
        rows = []
        for group, frame in (("contacted", self.contacted), ("control", self._held)):
            if frame.empty:
                continue
            expected = _expected(frame["probability"])
            rows.append(
                {
                    "group": group,
                    "customers": frame["customer_id"].nunique(),
                    "pushes": len(frame),
                    "predicted": expected.value,
                    "predicted_low": expected.low,
                    "predicted_high": expected.high,
                    "actual": int(frame["bought"].sum()),
                    "revenue": float(frame["revenue"].sum()),
                }
            )
        return pd.DataFrame(rows)

    def per_offering(self) -> pd.DataFrame:
        """Predicted and actual uptake of the pushes sent, per offering, the
        most pushed first."""
        sent = self.contacted
        table = sent.groupby("offering_id", sort=False).agg(
            pushes=("bought", "size"),
            predicted=("probability", "sum"),
            actual=("bought", "sum"),
            revenue=("revenue", "sum"),
        )
        return table.sort_values(["pushes", "predicted"], ascending=False).reset_index()

    def per_decile(self) -> pd.DataFrame:
        """Calibration of the real campaign: the pushes sent in ten bands of
        predicted chance, with the mean chance and the share taken up."""
        sent = self.contacted
        if sent.empty or not self.predicted:
            return pd.DataFrame(columns=["decile", "pushes", "predicted", "actual"])
        ranks = sent["probability"].rank(method="first")
        bands = min(DECILES, len(sent))
        decile = pd.qcut(ranks, bands, labels=False) + 1
        table = sent.groupby(decile).agg(
            pushes=("bought", "size"),
            predicted=("probability", "mean"),
            actual=("bought", "mean"),
        )
        return table.rename_axis("decile").reset_index()

    def weekly(self) -> pd.DataFrame:
        """Week by week over the horizon: pushes sent taken up so far, and the
        prediction so far with its interval (uptake spread evenly over the
        horizon); weeks beyond the imported orders have no actual figure."""
        campaign, sent = self.campaign, self.contacted
        weeks = math.ceil(campaign.horizon_days / 7)
        days_in = (sent["first_bought"] - sent["contacted_at"]).dt.days
        rows = []
        for week in range(1, weeks + 1):
            days = min(7 * week, campaign.horizon_days)
            share = days / campaign.horizon_days
            expected = _expected(sent["probability"], share)
            actual = (
                float((days_in < days).sum()) if days <= self.days_observed else None
            )
            rows.append(
                {
                    "week": week,
                    "until": campaign.starts_at + pd.Timedelta(days=days - 1),
                    "predicted": expected.value,
                    "predicted_low": expected.low,
                    "predicted_high": expected.high,
                    "actual": actual,
                }
            )
        return pd.DataFrame(rows)

    def extra_customers(self) -> Estimate | None:
        """Customers who bought a pushed offering because of the push: the
        difference in the share who did between contacted and control, times
        the customers contacted (None without a control group)."""
        took = self._per_customer("bought", "max")
        sent, held = took[~took["control"]], took[took["control"]]
        if held.empty or sent.empty:
            return None
        p1, p0 = float(sent["bought"].mean()), float(held["bought"].mean())
        se = math.sqrt(p1 * (1 - p1) / len(sent) + p0 * (1 - p0) / len(held))
        return _scaled(p1 - p0, se, len(sent))

    def extra_revenue(self) -> Estimate | None:
        """Revenue from pushed offerings because of the push, the same way
        (difference in mean revenue per customer, Welch's interval)."""
        spent = self._per_customer("revenue", "sum")
        sent = spent.loc[~spent["control"], "revenue"]
        held = spent.loc[spent["control"], "revenue"]
        if len(held) < 2 or len(sent) < 2:
            return None
        se = math.sqrt(sent.var() / len(sent) + held.var() / len(held))
        return _scaled(sent.mean() - held.mean(), se, len(sent))

    def _per_customer(self, column: str, how: str) -> pd.DataFrame:
        """customer_id, control and `column` summed up per customer by `how`."""
        grouped = self.pushes.groupby(["customer_id", "control"], as_index=False)
        return grouped.agg(**{column: (column, how)})

    @property
    def _held(self) -> pd.DataFrame:
        return self.pushes[self.pushes["control"]]


def campaign_results(con: duckdb.DuckDBPyConnection, name: str) -> CampaignResults:
    """The named campaign's pushes with their uptake from the project's orders
    (`con`: the project's connection)."""
    campaign = find_campaign(con, name)
    assert campaign is not None
    # Each push counts from its own contact date (imported contacts) or the
    # campaign's start; a contact about no offering counts any purchase.
    pushes = con.execute(
        """SELECT p.customer_id, p.offering_id, p.control, p.probability,
                  coalesce(p.contacted_at, ?) AS contacted_at,
                  min(o.ordered_at) AS first_bought,
                  coalesce(sum(coalesce(o.amount, o.quantity * o.unit_price)), 0)
                      AS revenue
           FROM campaign_pushes p
           LEFT JOIN orders o
             ON o.customer_id = p.customer_id
            AND (p.offering_id IS NULL OR o.offering_id = p.offering_id)
            AND o.ordered_at >= coalesce(p.contacted_at, ?)
            AND o.ordered_at < coalesce(p.contacted_at, ?) + to_days(?)
           WHERE p.campaign_id = ?
           GROUP BY ALL ORDER BY p.customer_id, p.offering_id""",
        [
            campaign.starts_at.to_pydatetime(),
            campaign.starts_at.to_pydatetime(),
            campaign.starts_at.to_pydatetime(),
            campaign.horizon_days,
            campaign.campaign_id,
        ],
    ).df()
    pushes["bought"] = pushes["first_bought"].notna()
    pushes["probability"] = pushes["probability"].astype(float)
    last = con.execute("SELECT max(ordered_at) FROM orders").fetchone()
    until = None if not last or last[0] is None else pd.Timestamp(last[0])
    return CampaignResults(campaign, pushes, until)


def _expected(probability: pd.Series, share: float = 1.0) -> Estimate:
    """Expected pushes taken up (sum of chances, times `share` of the horizon)
    with its 95 % interval (normal approximation of the sum of Bernoullis)."""
    p = probability.to_numpy(dtype=float) * share
    if np.isnan(p).any():  # contacts imported from a CRM: nothing predicted
        return Estimate(math.nan, math.nan, math.nan)
    mean = float(p.sum())
    spread = Z95 * math.sqrt(float((p * (1 - p)).sum()))
    return Estimate(mean, max(0.0, mean - spread), mean + spread)


def _scaled(difference: float, se: float, customers: int) -> Estimate:
    value = float(difference) * customers
    spread = Z95 * se * customers
    return Estimate(value, value - spread, value + spread)


def results_in_words(results: CampaignResults) -> list[str]:
    """The results in plain sentences, for the page, the report and the CLI."""
    campaign = results.campaign
    lines = []
    if results.days_observed == 0:
        return [
            f"No orders after {campaign.starts_at:%Y-%m-%d} are imported yet: "
            "import the orders since the campaign started to see what it did."
        ]
    sent = results.contacted
    if not results.complete:
        lines.append(
            f"The imported orders cover {results.days_observed} of the campaign's "
            f"{campaign.horizon_days} days: the figures are so far, not final."
        )
    if not sent.empty and not results.predicted:
        lines.append(
            f"{int(sent['bought'].sum()):,} of the {len(sent):,} contacts were "
            "taken up (Pushwise made no prediction for contacts imported from "
            "your CRM)."
        )
    elif not sent.empty:
        share = results.days_observed / campaign.horizon_days
        expected = _expected(sent["probability"], share)
        lines.append(
            f"Pushwise predicted {expected.value:,.0f} of the {len(sent):,} pushes "
            f"sent to be taken up by now (between {expected.low:,.0f} and "
            f"{expected.high:,.0f}); {int(sent['bought'].sum()):,} were."
        )
    lines.extend(_against_promise(results))
    extra = results.extra_customers()
    if extra is not None:
        lines.append(
            f"About {_count(extra.value)} "
            f"{'more' if extra.value >= 0 else 'fewer'} customers bought than "
            f"would have without the push; between {extra.low:,.0f} and "
            f"{extra.high:,.0f}"
            + (
                " (not clearly different from no effect)."
                if extra.low <= 0 <= extra.high
                else "."
            )
        )
        revenue = results.extra_revenue()
        if revenue is not None:
            lines.append(
                f"Extra revenue from the pushed offerings: about {revenue.value:,.0f}"
                f" (between {revenue.low:,.0f} and {revenue.high:,.0f})."
            )
    else:
        lines.append(
            "This campaign has no control group, so how many would have bought "
            "anyway cannot be told."
        )
    return lines


def _against_promise(results: CampaignResults) -> list[str]:
    """The campaign against what the check on past weeks had promised."""
    promised = results.campaign.details.get("promised") or {}
    sent = results.contacted
    if sent.empty or not results.complete:
        return []
    lines = []
    if "precision" in promised:
        taken = float(sent["bought"].mean())
        customers = float(sent.groupby("customer_id")["bought"].any().mean())
        lines.append(
            f"The check on past weeks had promised that about "
            f"{promised['precision']:.1%} of the pushes would be taken up and "
            f"{promised['hit_rate']:.0%} of the customers would take up at least "
            f"one; in this campaign {taken:.1%} and {customers:.0%}."
        )
    ratio = promised.get("taken_per_predicted")
    predicted = float(sent["probability"].sum()) if results.predicted else 0.0
    if ratio is not None and predicted > 0:
        lines.append(
            f"At those earlier dates {ratio:.2f} pushes were taken up for each "
            f"one predicted; in this campaign {sent['bought'].sum() / predicted:.2f}."
        )
    return lines


def _count(value: float) -> str:
    return f"{abs(value):,.0f}"
