"""Pushing where it changes something: an uplift model learnt from the
project's campaigns with a control group, and the push plan ranked by the
extra uptake each push is expected to bring, within a contact budget.

The model is per customer: the extra chance that they take up at least one
of their pushes because they were pushed. A push's expected extra uptake is
the customer's share of it, in proportion to the push's chance of uptake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from ml.campaigns.results import campaign_results
from ml.campaigns.store import campaigns
from ml.columns import Columns
from ml.errors import InputDataError
from ml.evaluation.charts import ChartData, ChartSeries
from ml.plan.pushplan import PushPlan
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.uplift.budget import GAIN, REVENUE, UPLIFT, best_list
from ml.uplift.history import customer_features
from ml.uplift.model import ANYWAY, PUT_OFF, UpliftModel

C = Columns
EXTRA, EXTRA_REVENUE = "extra_uptake", "extra_revenue"
WITHOUT, WITH, TYPE = "chance_without_push", "chance_with_push", "customer_type"
EXTRA_CHANCE, LISTED = "extra_chance", "pushes_listed"
CURVE_POINTS = 2000  # at most, drawn from the gain curve


@dataclass(frozen=True, slots=True)
class UpliftPlan:
    """The plan's pushes ranked by expected extra uptake.

    rows: customer_id, offering_id, rank (1 = first, over the whole list),
        probability, extra_uptake, extra_revenue (NaN: no amount known),
        chance_without_push, chance_with_push, customer_type, reason; only
        pushes expected to add uptake (or revenue), at most `per_customer`
        per customer, the `budget` best.
    curve: list_size against the expected extra uptake (or revenue) of the
        best list of that size (beyond the budget too).
    customers: every customer of the plan: customer_id, customer_type,
        chance_without_push, chance_with_push, extra_chance (can be below
        zero: put off by pushes) and pushes_listed (0: left out of the list).
    """

    rows: pd.DataFrame
    curve: pd.DataFrame
    customers: pd.DataFrame
    description: str  # what the model learnt from, and what it chose
    ranked_by: str = EXTRA  # or EXTRA_REVENUE: what the list and curve maximise
    caution: str = ""  # when held-out customers cannot tell it from random order

    def left_out(self, budget: int | None = None) -> pd.DataFrame:
        """The plan's customers the list (its `budget` first pushes) leaves
        out, with why (their type and chances)."""
        listed = self.rows if budget is None else self.rows.head(budget)
        return self.customers[~self.customers[C.CUSTOMER].isin(listed[C.CUSTOMER])]


def learn_uplift(
    con: duckdb.DuckDBPyConnection,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> tuple[UpliftModel, str]:
    """Fit the uplift model on every finished campaign with a control group;
    InputDataError saying what is missing when there is none to learn from."""
    frames, treated, took, used = [], [], [], []
    for campaign in campaigns(con):
        check_cancel(stop_requested)
        if not campaign.control_share:
            continue
        results = campaign_results(con, campaign.name)
        if not results.complete:
            continue
        per_customer = results.pushes.groupby(C.CUSTOMER, sort=True).agg(
            control=("control", "first"), bought=("bought", "any")
        )
        frames.append(
            customer_features(con, campaign.starts_at, list(per_customer.index))
        )
        treated.append(~per_customer["control"].to_numpy(dtype=bool))
        took.append(per_customer["bought"].to_numpy(dtype=bool))
        used.append(campaign.name)
    if not frames:
        raise InputDataError(
            "no finished campaign with a control group is in the project, so "
            "there is nothing to learn who buys because of a push from.",
            hint="Save a plan as a campaign with a control group, send it, and "
            "import the orders until the end of its horizon.",
        )
    model = UpliftModel()
    try:
        model.fit(
            pd.concat(frames),
            np.concatenate(treated),
            np.concatenate(took),
            report=report,
            stop_requested=stop_requested,
        )
    except ValueError as error:
        raise InputDataError(
            f"the campaigns {', '.join(map(repr, used))} are too small to learn "
            f"from ({error})",
            hint="Use a larger control group, or wait for more campaigns.",
        ) from None
    return model, f"Learnt from {', '.join(map(repr, used))}. {model.describe()}"


def plan_by_uplift(
    con: duckdb.DuckDBPyConnection,
    plan: PushPlan,
    *,
    budget: int | None = None,
    per_customer: int | None = None,
    by_revenue: bool = False,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> UpliftPlan:
    """The plan's pushes ranked by expected extra uptake (the model learnt
    from the project's campaigns), the `budget` best at most `per_customer`
    each (default: the plan's own cap); by_revenue ranks them by the extra
    revenue instead (extra uptake times what one uptake brings)."""
    rows = plan.rows
    if by_revenue and not (rows["expected_revenue"] > 0).any():
        raise InputDataError(
            "the orders have no amounts (or prices), so the revenue a push adds "
            "cannot be estimated.",
            hint="Rank by extra purchases, or import orders with their amounts.",
        )
    model, description = learn_uplift(con, scaled(report, 0.0, 0.9), stop_requested)
    customers = rows[C.CUSTOMER].drop_duplicates().tolist()
    chances = model.predict_chances(customer_features(con, plan.as_of, customers))
    pairs = rows[[C.CUSTOMER, C.OFFERING, "probability", "reason"]].copy()
    share = pairs["probability"] / pairs.groupby(C.CUSTOMER)["probability"].transform(
        "sum"
    )
    share = share.fillna(1.0 / pairs.groupby(C.CUSTOMER)[C.OFFERING].transform("size"))
    by_customer = chances.reindex(pairs[C.CUSTOMER])
    pairs[UPLIFT] = by_customer["uplift"].to_numpy() * share.to_numpy()
    # What one uptake brings: the plan's expected revenue over its chance
    # (unknown where no amount was ever recorded: such pushes add no revenue).
    pairs[REVENUE] = (rows["expected_revenue"] / rows["probability"]).where(
        rows["probability"] > 0
    )
    cap = per_customer or plan.rules.max_per_customer
    size = budget if budget is not None else len(pairs)
    chosen = best_list(pairs, size, cap, by_revenue=by_revenue)
    picked = chosen.rows[[C.CUSTOMER, C.OFFERING, "rank"]]
    out = picked.merge(pairs, on=[C.CUSTOMER, C.OFFERING], how="left")
    facts = by_customer.reset_index().drop_duplicates(C.CUSTOMER).set_index(C.CUSTOMER)
    out[WITHOUT] = out[C.CUSTOMER].map(facts[WITHOUT])
    out[WITH] = out[C.CUSTOMER].map(facts[WITH])
    out[TYPE] = out[C.CUSTOMER].map(facts["label"])
    out[EXTRA] = out[UPLIFT]
    out[EXTRA_REVENUE] = out[UPLIFT] * out[REVENUE]
    out["reason"] = out["reason"] + "; " + out[TYPE]
    columns = [C.CUSTOMER, C.OFFERING, "rank", "probability", EXTRA, EXTRA_REVENUE]
    report(1.0, "Ranked by extra revenue" if by_revenue else "Ranked by extra uptake")
    return UpliftPlan(
        out[[*columns, WITHOUT, WITH, TYPE, "reason"]],
        chosen.curve,
        _customers(facts, out[C.CUSTOMER].value_counts()),
        description,
        EXTRA_REVENUE if by_revenue else EXTRA,
        uncertainty_note(model.chosen_.fold_qini),
    )


def uncertainty_note(fold_qini: Sequence[float]) -> str:
    """A warning in words when the model's Qini on held-out folds cannot be
    told from zero (random order): its mean is within two standard errors of
    it. Empty when the folds agree that the ranking helps."""
    folds = np.asarray(fold_qini, dtype=float)
    if len(folds) < 2:
        return ""
    error = folds.std(ddof=1) / np.sqrt(len(folds))
    if folds.mean() - 2 * error > 0:
        return ""
    return (
        "Your campaigns are too small to tell who buys because of a push: on "
        "customers held out of the learning, this ranking did no better than a "
        f"random order (Qini {folds.mean():.3f}, from {folds.min():.3f} to "
        f"{folds.max():.3f} over {len(folds)} parts). Treat the list and the "
        "customer types as a guess; a larger control group or more campaigns "
        "will sharpen them."
    )


def only_listed(plan: PushPlan, pushes: pd.DataFrame) -> PushPlan:
    """The plan with only these pushes (customer_id, offering_id pairs, such
    as a list by extra uptake within a budget), e.g. to save as a campaign."""
    keys = pushes[[C.CUSTOMER, C.OFFERING]]
    return replace(plan, rows=plan.rows.merge(keys, on=[C.CUSTOMER, C.OFFERING]))


def _customers(facts: pd.DataFrame, listed: pd.Series) -> pd.DataFrame:
    """Each customer's type and chances, and how many pushes the list gives them."""
    frame = facts.rename(columns={"label": TYPE, UPLIFT: EXTRA_CHANCE})
    frame = frame[[TYPE, WITHOUT, WITH, EXTRA_CHANCE]].reset_index()
    frame[LISTED] = frame[C.CUSTOMER].map(listed).fillna(0).astype(int)
    return frame


def extra_in_words(pushes: pd.DataFrame) -> str:
    """What these pushes (rows of an UpliftPlan) are expected to add, in
    words: "about 12 purchases (340.50 in revenue)"."""
    extra = float(pushes[EXTRA].sum())
    revenue = float(pushes[EXTRA_REVENUE].sum())
    noun = "purchase" if f"{extra:,.0f}" == "1" else "purchases"
    return f"about {extra:,.0f} {noun} ({revenue:,.2f} in revenue)"


def left_out_in_words(ranked: UpliftPlan, budget: int | None = None) -> str:
    """Who the list (its `budget` first pushes) leaves out and why, in a sentence."""
    left = ranked.left_out(budget)
    if left.empty:
        return "Every customer of the plan is in the list."
    types = left[TYPE].value_counts()
    anyway, put_off = int(types.get(ANYWAY, 0)), int(types.get(PUT_OFF, 0))
    others = left[~left[TYPE].isin([ANYWAY, PUT_OFF])]
    beyond = int((others[EXTRA_CHANCE] > 0).sum())  # a push would add: no room
    parts = [
        f"{count:,} {words}"
        for count, words in (
            (anyway, "who would buy anyway"),
            (put_off, "put off by pushes"),
            (beyond, "beyond the budget"),
            (len(others) - beyond, "for whom a push changes nothing"),
        )
        if count
    ]
    return f"Left out of the list: {', '.join(parts)}."


def gain_curve_chart(ranked: UpliftPlan, budget: int | None = None) -> ChartData:
    """Expected extra uptake (or revenue) against the number of pushes sent
    (the best list of each size), with the budget marked."""
    curve = ranked.curve
    step = max(1, len(curve) // CURVE_POINTS)  # every point to draw is enough
    points = np.arange(0, len(curve), step)
    drawn = curve.iloc[np.union1d(points, [len(curve) - 1]) if len(curve) else points]
    markers = () if not budget else ((float(budget), f"Budget: {budget:,}"),)
    what = "revenue" if ranked.ranked_by == EXTRA_REVENUE else "purchases"
    return ChartData(
        title="What each list size is expected to add",
        caption=f"The {what} expected only because of the pushes, for the best "
        "list of each size: where the curve flattens, more pushes add little.",
        x_label="Pushes sent",
        y_label=f"Extra {what}",
        kind="line",
        series=(
            ChartSeries(
                f"Extra {what}",
                tuple(float(x) for x in drawn["list_size"]),
                tuple(float(y) for y in drawn[GAIN]),
            ),
        ),
        markers=markers,
    )
