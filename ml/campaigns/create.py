"""A push plan (or some of its offerings) frozen as a campaign, its control
group drawn, and the lists to hand to the CRM."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from ml.backtest.report import PLAN, BacktestReport
from ml.campaigns.campaign import FROM_PLAN, Campaign
from ml.campaigns.control import control_customers
from ml.campaigns.store import campaign_pushes, save_campaign
from ml.errors import InputDataError
from ml.plan.pushplan import PushPlan
from ml.plan.rulesfile import rules_to_json
from ml.safecells import write_safe_csv
from ml.store.project import Project

DEFAULT_CONTROL_SHARE = 0.10


def create_campaign(
    project: Project,
    name: str,
    plan: PushPlan,
    *,
    horizon_days: int,
    model_id: str | None,
    control_share: float | None = DEFAULT_CONTROL_SHARE,
    offerings: Sequence[str] = (),
    seed: int | None = None,
    promised: Mapping[str, float] | None = None,
) -> Campaign:
    """Save the plan's pushes (only those of `offerings` when given) as a
    campaign over `horizon_days` from the plan's date, made with the model
    `model_id`, with `control_share` of its customers held out as the control
    group (None or 0: no control group). The seed of the draw is stored, and
    what the check on past weeks promised (`backtest_promise`), if given."""
    name = name.strip()
    if not name:
        raise InputDataError("a campaign needs a name.", hint="Give it one.")
    pushes = plan.rows
    if offerings:
        unknown = sorted(set(offerings) - set(pushes["offering_id"]))
        if unknown:
            raise InputDataError(
                f"the push plan has no pushes of {', '.join(map(repr, unknown))}.",
                hint="Choose offerings that are in the plan.",
            )
        pushes = pushes[pushes["offering_id"].isin(list(offerings))]
    if pushes.empty:
        raise InputDataError(
            "the push plan is empty: there is nothing to send.",
            hint="Check the push rules, or import more recent orders.",
        )
    pushes = pushes.copy()
    seed = secrets.randbits(31) if seed is None else seed
    if control_share:
        held = control_customers(pushes, control_share, seed)
        pushes["control"] = pushes["customer_id"].isin(held)
    else:
        pushes["control"] = False
    campaign = Campaign(
        campaign_id=0,
        name=name,
        created_at=datetime.now().replace(microsecond=0),
        starts_at=pd.Timestamp(plan.as_of),
        horizon_days=horizon_days,
        source=FROM_PLAN,
        model_id=model_id,
        control_share=control_share or None,
        seed=seed if control_share else None,
        details={
            "rules": json.loads(rules_to_json(plan.rules)),
            "offerings": list(offerings),
            "promised": dict(promised or {}),
        },
    )
    return save_campaign(project, campaign, pushes)


def backtest_promise(report: BacktestReport) -> dict[str, float]:
    """What the check on past weeks promised for the plan's pushes: the share
    taken up (precision) and of customers with at least one (hit rate), and
    pushes taken up per one predicted; {} when it has no such figures."""
    summary = report.summary()
    plan = summary[(summary["method"] == PLAN) & (summary["mode"] == "all")]
    promised: dict[str, float] = {}
    if not plan.empty:
        row = plan.iloc[0]
        promised = {
            "precision": float(row["precision"]),
            "hit_rate": float(row["hit_rate"]),
        }
    predicted = float(report.uptake["predicted"].sum())
    if predicted > 0:
        promised["taken_per_predicted"] = (
            float(report.uptake["actual"].sum()) / predicted
        )
    return promised


def write_campaign_lists(
    con: duckdb.DuckDBPyConnection, campaign: Campaign, folder: Path
) -> tuple[Path, Path]:
    """Write the pushes to send (the customers to contact only) and, apart,
    the control group's customers, who must not be contacted."""
    pushes = campaign_pushes(con, campaign.campaign_id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(campaign.name)
    send = pushes[~pushes["control"]].drop(columns=["control"])
    held = (
        pushes.loc[pushes["control"], ["customer_id"]]
        .drop_duplicates()
        .assign(note="control group: do not contact for this campaign")
    )
    contacts = write_safe_csv(send, folder / f"{stem}-contacts.csv")
    control = write_safe_csv(held, folder / f"{stem}-control-group.csv")
    return contacts, control


def file_stem(name: str) -> str:
    """The campaign's name as a safe part of a file name."""
    kept = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)
    return kept.strip("-") or "campaign"
