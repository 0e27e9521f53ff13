"""Build the push plan from scored pairs: rules, ranks, expected revenue, reasons."""

from __future__ import annotations

from collections.abc import Collection
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ml.columns import Columns
from ml.dataset import Interactions, purchases_before
from ml.features import (
    COOCCURRENCE_SOURCE,
    PAIR_FEATURES,
    FeatureConfig,
    cooccurrence_features,
    offering_features,
    pair_features,
)
from ml.features.timeline import AsOf, as_timestamp
from ml.plan.feedback import feedback_blocks, multipliers, rating_stats
from ml.plan.holdback import RepurchaseIntervals, hold_back, learn_intervals
from ml.plan.pushplan import PushPlan
from ml.plan.reasons import reasons, rhythm_known
from ml.plan.returns import ReturnEvidence, learn_returns, returns_block
from ml.plan.rules import (
    CAP,
    FEEDBACK,
    INACTIVE,
    KEYS,
    MIN_PROBABILITY,
    OPTED_OUT,
    RECENT,
    RULES,
    SERVICE,
    PlanRules,
)

if TYPE_CHECKING:  # the window unpickles plans without scipy
    import scipy.sparse as sp

C = Columns
ROW_COLUMNS = [
    C.CUSTOMER,
    C.OFFERING,
    "rank",
    "score",
    "probability",
    "expected_revenue",
    "reason",
]
SUPPRESSED_COLUMNS = [C.CUSTOMER, C.OFFERING, "rule", "detail"]
# The ranker's own score: it orders pairs of equal probability (calibration
# gives many pairs the same one), as the ranker's lists do.
_MODEL_SCORE = "model_score"


def _check_scored(scored: pd.DataFrame) -> pd.DataFrame:
    """The scored pairs, validated: known ids, probabilities in [0, 1], no
    repeats; the model's own score (NaN where not given) as _MODEL_SCORE."""
    missing = [c for c in (*KEYS, "probability") if c not in scored.columns]
    if missing:
        raise ValueError(
            f"scored needs columns customer_id, offering_id, probability; "
            f"missing {missing}."
        )
    table = scored[[*KEYS, "probability"]].reset_index(drop=True)
    if table[KEYS].isna().any().any():
        raise ValueError("scored has rows without a customer_id or offering_id.")
    table = table.astype({C.CUSTOMER: str, C.OFFERING: str})
    probability = table["probability"].astype("float64")
    if not probability.between(0.0, 1.0).all():
        raise ValueError("scored probabilities must be between 0 and 1 (not NaN).")
    table["probability"] = probability
    if table.duplicated(KEYS).any():
        raise ValueError("scored has the same customer_id and offering_id twice.")
    given = scored["score"] if "score" in scored.columns else np.nan
    table[_MODEL_SCORE] = pd.Series(given, index=scored.index).to_numpy(dtype="float64")
    return table


def _with_features(
    table: pd.DataFrame,
    data: Interactions,
    as_of: pd.Timestamp,
    features: pd.DataFrame | None,
    categories: pd.Series | None,
    cfg: FeatureConfig,
) -> pd.DataFrame:
    """The candidates with their pair and offering features."""
    wanted = [*PAIR_FEATURES, COOCCURRENCE_SOURCE]
    if features is None:
        pairs = pair_features(
            data,
            as_of,
            table[KEYS],
            cfg,
            categories=categories,
            with_cooccurrence=False,
        )
    else:
        missing = [c for c in (*KEYS, *wanted) if c not in features.columns]
        if missing:
            raise ValueError(
                f"features lacks {missing}; pass what pair_features returned."
            )
        pairs = features[[*KEYS, *wanted]].astype({C.CUSTOMER: str, C.OFFERING: str})
        pairs = table[KEYS].merge(pairs, on=KEYS, how="left", validate="1:1")
    joined = pd.concat([table, pairs[wanted].set_index(table.index)], axis=1)
    offerings = offering_features(
        data, as_of, cfg, offerings=pd.unique(table[C.OFFERING])
    )
    return joined.join(offerings, on=C.OFFERING)


def _expected_revenue(
    table: pd.DataFrame, data: Interactions, as_of: pd.Timestamp
) -> pd.Series:
    """probability x the customer's median line amount for the offering before
    as_of, else the offering's median line amount (NaN when neither is known)."""
    past = purchases_before(data.purchases, as_of)
    past = past[past[C.OFFERING].isin(pd.unique(table[C.OFFERING]))]
    own = past.dropna(subset=[C.CUSTOMER]).groupby(KEYS)[C.AMOUNT].median()
    overall = past.groupby(C.OFFERING)[C.AMOUNT].median()
    keys = pd.MultiIndex.from_frame(table[KEYS])
    spend = pd.Series(own.reindex(keys).to_numpy(), index=table.index)
    spend = spend.fillna(table[C.OFFERING].map(overall))
    return table["probability"] * spend.astype("float64")


def _suppress(
    table: pd.DataFrame, removed: pd.Series, rule: str, detail: pd.Series | str
) -> pd.DataFrame:
    """The suppressed rows for one rule."""
    gone = table.loc[removed, KEYS].copy()
    gone["rule"] = rule
    gone["detail"] = detail if isinstance(detail, str) else detail[removed]
    return gone


def build_plan(
    scored: pd.DataFrame,
    data: Interactions,
    as_of: AsOf,
    *,
    rules: PlanRules | None = None,
    opted_out: Collection[str] = (),
    inactive: Collection[str] = (),
    services: Collection[str] = (),
    names: pd.Series | None = None,
    features: pd.DataFrame | None = None,
    categories: pd.Series | None = None,
    cfg: FeatureConfig | None = None,
    intervals: RepurchaseIntervals | None = None,
    returns: ReturnEvidence | None = None,
    cooccurrence_matrix: tuple[sp.csr_matrix, pd.Index] | None = None,
) -> PushPlan:
    """Turn scored (customer, offering) pairs into a ranked, explained push plan.

    scored has customer_id, offering_id and probability (the ranker's
    predict_proba), and may have score (the ranker's ranking score, as
    scored() gives it), which orders pairs of equal probability. features
    may pass pair_features of the same pairs and as_of; categories
    (offering_id -> category) feeds category ratings; names (offering_id ->
    name) lets the reasons name offerings. intervals may pass what
    ml.plan.holdback.learn_intervals(data, as_of) returned, to save learning
    them again (only the due rule needs them); returns may pass what
    ml.plan.returns.learn_returns(data, as_of) returned (only needed when
    rules.block_returns is None). Pairs whose co-purchase features are
    missing (pair_features without with_cooccurrence) get them once the rules
    have run, for the pairs kept only; cooccurrence_matrix may pass what
    ml.features.cooccurrence(data, as_of) returned (the ranker's) for that.

    Fixed order (ml.plan.rules.RULES; each removed candidate is recorded once,
    under the first rule that removed it): opted_out, inactive_offering,
    service_line (postage, fees and the like, never pushed), recent_purchase
    (not due again yet: ml.plan.holdback), negative_feedback; then the score
    is nudged for poor or falling ratings and liked categories; then
    min_probability (on the probability); then candidates are ranked per
    customer by score (ties: probability, the ranker's score, then
    offering_id) and
    per_customer_cap drops those ranked below max_per_customer.
    """
    rules = PlanRules() if rules is None else rules
    cfg = FeatureConfig() if cfg is None else cfg
    when = as_timestamp(as_of)
    table = _with_features(_check_scored(scored), data, when, features, categories, cfg)
    dropped: list[pd.DataFrame] = []
    counts = dict.fromkeys(RULES, 0)

    def remove(removed: pd.Series, rule: str, detail: pd.Series | str) -> None:
        nonlocal table
        counts[rule] = int(removed.sum())
        dropped.append(_suppress(table, removed, rule, detail))
        table = table.loc[~removed]

    opted = {str(c) for c in opted_out}
    remove(
        table[C.CUSTOMER].isin(opted),
        OPTED_OUT,
        "the customer opted out of contact",
    )
    gone = {str(o) for o in inactive}
    remove(
        table[C.OFFERING].isin(gone) & rules.skip_inactive,
        INACTIVE,
        "the offering is marked inactive",
    )
    remove(
        table[C.OFFERING].isin({str(o) for o in services}),
        SERVICE,
        "a service line (postage, fees, discounts), not something to offer",
    )
    if rules.recent_purchase_days is None and intervals is None:
        intervals = learn_intervals(data, when)
    held, why = hold_back(table, rules, intervals)
    remove(held, RECENT, why)
    if rules.block_returns is None and returns is None:
        returns = learn_returns(data, when)
    blocks = feedback_blocks(data, when, rules, returns=returns_block(rules, returns))
    keys = pd.MultiIndex.from_frame(table[KEYS])
    found = blocks.set_index(KEYS)["detail"].reindex(keys)
    blocked = pd.Series(found.to_numpy(), index=table.index)
    remove(blocked.notna(), FEEDBACK, blocked)

    stats = rating_stats(data, when)
    factor, penalised, boosted = multipliers(table, stats, rules)
    table["avg_rating"] = table[C.OFFERING].map(stats["mean_rating"])
    table = table.assign(
        score=table["probability"] * factor, penalised=penalised, boosted=boosted
    )
    low = table["probability"] < rules.min_probability
    remove(
        low,
        MIN_PROBABILITY,
        "probability "
        + table["probability"].round(3).astype("string")
        + f" is below the minimum {rules.min_probability:g}",
    )
    table = table.sort_values(
        [C.CUSTOMER, "score", "probability", _MODEL_SCORE, C.OFFERING],
        ascending=[True, False, False, False, True],
        kind="stable",
    )
    table["rank"] = table.groupby(C.CUSTOMER).cumcount().astype(np.int64) + 1
    remove(
        table["rank"] > rules.max_per_customer,
        CAP,
        "ranked "
        + table["rank"].astype("string")
        + f"; the plan keeps {rules.max_per_customer} per customer",
    )
    table["expected_revenue"] = _expected_revenue(table, data, when)
    # Popularity in the reasons is over four weeks when that window exists.
    window = 28 if 28 in cfg.windows else cfg.windows[0]
    # Co-purchase reasons cost a look-up per past offering of the customer:
    # they are found for the pairs kept only, and not for those explained by
    # the customer's own rhythm.
    unscored = table["cooccurrence_score"].isna() & ~rhythm_known(table)
    if unscored.any():
        copurchase = cooccurrence_features(
            data,
            when,
            table.loc[unscored, KEYS],
            cooccurrence_matrix=cooccurrence_matrix,
        )
        scores = ["cooccurrence_score", "cooccurrence_sum"]
        table.loc[unscored, scores] = copurchase[scores].to_numpy()
        table[COOCCURRENCE_SOURCE] = table[COOCCURRENCE_SOURCE].astype(object)
        table.loc[unscored, COOCCURRENCE_SOURCE] = copurchase[COOCCURRENCE_SOURCE]
    table["reason"] = reasons(table, popular_window=window, names=names)
    kept = [frame for frame in dropped if len(frame)]
    suppressed = (
        pd.concat(kept, ignore_index=True)[SUPPRESSED_COLUMNS]
        if kept
        else dropped[0][SUPPRESSED_COLUMNS]
    )
    return PushPlan(
        rows=table[ROW_COLUMNS].reset_index(drop=True),
        suppressed=suppressed.astype({"detail": object}),
        removed_by_rule=MappingProxyType(counts),
        as_of=when,
        rules=rules,
        intervals=intervals,
        returns=returns,
    )
