"""A one-file HTML report of a run: the data, how far to trust the model
(backtest charts against the baselines), the push plan and the uptake forecast.
Charts are inline SVG, so the file opens in any browser, offline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pandas as pd

from ml import __version__
from ml.backtest.charts import (
    calibration_chart,
    gains_chart,
    scatter_chart,
    weekly_chart,
)
from ml.backtest.report import BacktestReport
from ml.columns import Columns
from ml.evaluation.charts import ChartData
from ml.htmlreport.svg import chart_svg
from ml.plan import PushPlan
from ml.plan.rules import rule_words

C = Columns
PLAN_ROWS_SHOWN = 25
FORECAST_ROWS_SHOWN = 15
METRIC_NAMES = {
    "recall": "Share of purchases caught (recall@10)",
    "precision": "Share of pushes taken up (precision@10)",
    "ndcg": "Ranking quality (NDCG@10)",
    "hit_rate": "Customers with at least one hit",
}
MODE_NAMES = {
    "all": "All offerings",
    "repeat": "Offerings bought before",
    "new": "Offerings new to the customer",
}
STYLE = """
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; color: #222;
       line-height: 1.45; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1.2rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 1.6rem; } figcaption { color: #555; font-size: 0.9rem; }
.headline { font-size: 1.1rem; background: #f2f6fa; padding: 0.8rem 1rem;
            border-left: 4px solid #0072B2; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; }
"""


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """What the report shows; the forecast and its gap may be absent."""

    data_summary: str
    model_note: str
    backtest: BacktestReport
    plan: PushPlan
    forecast: pd.DataFrame | None = None
    gap: pd.DataFrame | None = None
    names: pd.Series | None = None


def write_report(inputs: ReportInputs, path: Path) -> Path:
    """Write the report as one HTML file at `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(inputs), encoding="utf-8")
    return path


def render_report(inputs: ReportInputs) -> str:
    """The report as an HTML document."""
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        f"<h1>Pushwise report</h1><p class='meta'>Made {created} by Pushwise "
        f"{escape(__version__)}; push plan as of {inputs.plan.as_of:%Y-%m-%d}.</p>",
        "<h2>The data</h2>",
        f"<pre>{escape(inputs.data_summary)}</pre>",
        f"<p>{escape(inputs.model_note)}</p>",
        *_trust_section(inputs.backtest),
        *_plan_section(inputs.plan, inputs.names),
        *_forecast_section(inputs.forecast, inputs.gap, inputs.names),
    ]
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Pushwise report</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def _trust_section(backtest: BacktestReport) -> list[str]:
    parts = [
        "<h2>How far to trust it</h2>",
        "<p>The same model was trained at earlier dates and its predictions "
        "compared with what customers really bought afterwards.</p>",
        f"<p class='headline'>{escape(backtest.headline())}</p>",
        _metrics_table(backtest.summary()),
    ]
    charts: list[ChartData] = [weekly_chart(backtest)]
    if not backtest.gains.empty:
        charts.append(gains_chart(backtest))
    if not backtest.calibration.empty:
        charts.append(calibration_chart(backtest))
    if not backtest.demand_weekly.empty:
        charts.append(scatter_chart(backtest))
    parts += [_figure(chart) for chart in charts]
    return parts


def _metrics_table(summary: pd.DataFrame) -> str:
    if summary.empty:
        return "<p>No push-list results.</p>"
    metrics = [m for m in METRIC_NAMES if m in summary.columns]
    header = "".join(f"<th>{escape(METRIC_NAMES[m])}</th>" for m in metrics)
    rows = []
    for mode, group in summary.groupby("mode", sort=False):
        rows.append(
            f"<tr><th colspan='{len(metrics) + 1}'>"
            f"{escape(MODE_NAMES.get(str(mode), str(mode)))}</th></tr>"
        )
        for _, row in group.iterrows():
            cells = "".join(f"<td class='n'>{row[m]:.1%}</td>" for m in metrics)
            rows.append(f"<tr><td>{escape(str(row['method']))}</td>{cells}</tr>")
    return (
        f"<table><tr><th>Method (averaged over the test months)</th>{header}</tr>"
        + "".join(rows)
        + "</table>"
    )


def _figure(chart: ChartData) -> str:
    return (
        f"<figure><h3>{escape(chart.title)}</h3>{chart_svg(chart)}"
        f"<figcaption>{escape(chart.caption)}</figcaption></figure>"
    )


def _plan_section(plan: PushPlan, names: pd.Series | None) -> list[str]:
    rows = plan.rows
    customers = rows[C.CUSTOMER].nunique()
    words = rule_words(returns_block=plan.returns_blocked)
    removed = "".join(
        f"<tr><td>{escape(words.get(rule, rule))}</td><td class='n'>{count:,}</td></tr>"
        for rule, count in plan.removed_by_rule.items()
    )
    shown = rows.sort_values("expected_revenue", ascending=False).head(PLAN_ROWS_SHOWN)
    lines = "".join(
        "<tr>"
        f"<td>{escape(str(row[C.CUSTOMER]))}</td>"
        f"<td>{escape(_name(str(row[C.OFFERING]), names))}</td>"
        f"<td class='n'>{row['probability']:.0%}</td>"
        f"<td class='n'>{row['expected_revenue']:,.2f}</td>"
        f"<td>{escape(str(row['reason']))}</td>"
        "</tr>"
        for _, row in shown.iterrows()
    )
    return [
        "<h2>The push plan</h2>",
        f"<p>{len(rows):,} pushes for {customers:,} customers "
        f"(the whole plan is in <code>plan.csv</code>). Candidates the rules "
        "left out:</p>",
        f"<table><tr><th>Rule</th><th>Pushes removed</th></tr>{removed}</table>",
        f"<p>The {len(shown)} pushes with the highest expected revenue:</p>",
        "<table><tr><th>Customer</th><th>Offering</th><th>Chance of uptake</th>"
        f"<th>Expected revenue</th><th>Why</th></tr>{lines}</table>",
    ]


def _forecast_section(
    forecast: pd.DataFrame | None, gap: pd.DataFrame | None, names: pd.Series | None
) -> list[str]:
    if forecast is None or forecast.empty:
        return []
    top = forecast.sort_values("predicted_buyers", ascending=False)
    top = top.head(FORECAST_ROWS_SHOWN)
    if gap is not None and not gap.empty:
        top = top.merge(
            gap[[C.OFFERING, "sum_of_probabilities"]], on=C.OFFERING, how="left"
        )
    else:
        top = top.assign(sum_of_probabilities=float("nan"))
    start = pd.Timestamp(forecast["period_start"].min())
    end = pd.Timestamp(forecast["period_end"].max())
    lines = "".join(
        "<tr>"
        f"<td>{escape(_name(str(row[C.OFFERING]), names))}</td>"
        f"<td class='n'>{row['predicted_buyers']:,.0f}</td>"
        f"<td class='n'>{row['lower']:,.0f} to {row['upper']:,.0f}</td>"
        f"<td class='n'>{_number(row['sum_of_probabilities'])}</td>"
        "</tr>"
        for _, row in top.iterrows()
    )
    return [
        "<h2>Expected uptake per offering</h2>",
        f"<p>Buyers expected from {start:%Y-%m-%d} to before {end:%Y-%m-%d} "
        "(every offering is in <code>forecast.csv</code>). The last column adds "
        "up the known customers' chances of taking it up; it is lower where "
        "new or anonymous buyers make part of the demand.</p>",
        "<table><tr><th>Offering</th><th>Expected buyers</th><th>Likely range</th>"
        f"<th>Sum of customers' chances</th></tr>{lines}</table>",
    ]


def _name(offering: str, names: pd.Series | None) -> str:
    if names is not None and offering in names.index:
        return f"{names[offering]} ({offering})"
    return offering


def _number(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "" if pd.isna(number) else f"{number:,.0f}"
