"""The model card: what a trained model is and how good it is, in plain words."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ml.backtest.report import BacktestReport
    from ml.modelmeta import ModelMeta
    from ml.workflows.results import ModelResult


def card_html(result: ModelResult) -> str:
    """The model card as rich text for a QLabel."""
    meta = result.meta
    parts = [_trained(meta), _data(meta), "<h3>How good is it?</h3>"]
    if meta.note:  # a simple rule stands in for the model: say so first
        parts.insert(1, f"<p><b>{escape(meta.note)}</b></p>")
    if result.backtest is not None:
        parts.append(_quality(result.backtest))
    elif result.backtest_problem:
        parts.append(
            "<p>It could not be checked on past weeks: "
            f"{escape(result.backtest_problem)}</p>"
        )
    else:
        parts.append(
            "<p>Not checked on past weeks in this session yet: click "
            "<b>Check on past weeks</b> to see how good its predictions were.</p>"
        )
    parts.append(_calibration(meta))
    return "".join(parts)


def _trained(meta: ModelMeta) -> str:
    when = meta.created_at.astimezone()
    if meta.seconds >= 60:
        took = f"{round(meta.seconds / 60)} min"
    elif meta.seconds >= 1:
        took = f"{meta.seconds:.0f} s"
    else:
        took = "under a second"
    return (
        f"<h2>Model trained on {when:%d %b %Y at %H:%M}</h2>"
        f"<p style='color:gray'>Training took {escape(took)}.</p>"
    )


def _data(meta: ModelMeta) -> str:
    weeks = meta.horizon_days / 7
    span = (
        f"{weeks:.0f} weeks"
        if weeks.is_integer() and weeks > 1
        else f"{meta.horizon_days} days"
    )
    return (
        f"<p>It learned from <b>{meta.purchases:,}</b> purchases by "
        f"<b>{meta.customers:,}</b> customers of <b>{meta.offerings:,}</b> "
        f"offerings before <b>{meta.as_of:%d %b %Y}</b>, and predicts which "
        f"offerings each customer takes up in the <b>{span}</b> after that date.</p>"
    )


def _quality(report: BacktestReport) -> str:
    from ml.backtest.report import plain_name

    text = f"<p>{escape(report.headline())}</p>"
    summary = report.summary()
    rows = summary.loc[summary["mode"] == "all"]
    if rows.empty:
        return text
    k = int(rows["k"].max())
    lines = "".join(
        f"<tr><td>{escape(plain_name(str(row.method)))}</td>"
        f"<td align='right'>&nbsp;&nbsp;{row.recall:.0%}</td></tr>"
        for row in rows.itertuples()
    )
    return (
        f"{text}<p>Share of what customers bought that a top-{k} push list "
        "caught, on past weeks the model had not seen:</p>"
        f"<table cellspacing='2'>{lines}</table>"
    )


def _calibration(meta: ModelMeta) -> str:
    gap = meta.validation.get("calibration_gap")
    if gap is None:
        return ""
    return (
        "<p>On the newest weeks before its date, which it had not learned from, "
        f"its probabilities were off by {gap * 100:.1f} percentage points on "
        "average.</p>"
    )
