"""A campaign's results as files: CSV tables and a one-file HTML report."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from ml import __version__
from ml.campaigns.charts import calibration_of_campaign_chart, uptake_by_week_chart
from ml.campaigns.create import file_stem
from ml.campaigns.results import CampaignResults, results_in_words
from ml.evaluation.charts import ChartData
from ml.htmlreport.html import STYLE
from ml.htmlreport.svg import chart_svg
from ml.safecells import write_safe_csv

OFFERINGS_SHOWN = 25


def write_campaign_report(results: CampaignResults, folder: Path) -> list[Path]:
    """Write the results' tables as CSV and the HTML report into `folder`;
    return the files written, the report last."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(results.campaign.name)
    tables = {
        "predicted-vs-actual": results.predicted_vs_actual(),
        "per-offering": results.per_offering(),
        "per-decile": results.per_decile(),
        "weekly": results.weekly(),
        "pushes": results.pushes,
    }
    written = [
        write_safe_csv(table, folder / f"{stem}-{name}.csv")
        for name, table in tables.items()
    ]
    html = folder / f"{stem}-report.html"
    html.write_text(render_campaign_report(results), encoding="utf-8")
    return [*written, html]


def render_campaign_report(results: CampaignResults) -> str:
    """The HTML report: the results in words, the charts, the tables."""
    campaign = results.campaign
    words = "".join(f"<p>{escape(line)}</p>" for line in results_in_words(results))
    charts = ""
    if results.days_observed:
        charts = "".join(
            _figure(chart)
            for chart in (
                uptake_by_week_chart(results),
                calibration_of_campaign_chart(results),
            )
        )
    offerings = results.per_offering().head(OFFERINGS_SHOWN)
    control = (
        f"{campaign.control_share:.0%} of customers held out"
        if campaign.control_share
        else "no control group"
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>Campaign {escape(campaign.name)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Campaign {escape(campaign.name)}</h1>"
        f"<p class='meta'>Started {campaign.starts_at:%Y-%m-%d}, "
        f"{campaign.horizon_days} days, {escape(control)}. Pushwise {__version__}."
        f"</p><div class='headline'>{words}</div>{charts}"
        "<h2>Per offering (pushes sent)</h2>"
        f"{_table(offerings)}"
        "<h2>Contacted and control group</h2>"
        f"{_table(results.predicted_vs_actual())}"
        "</body></html>"
    )


def _figure(chart: ChartData) -> str:
    return (
        f"<figure><h3>{escape(chart.title)}</h3>{chart_svg(chart)}"
        f"<figcaption>{escape(chart.caption)}</figcaption></figure>"
    )


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>Nothing to show.</p>"
    header = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(_cell(v) for v in values)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{header}</tr>{''.join(rows)}</table>"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"<td class='n'>{value:,.2f}</td>"
    if isinstance(value, int):
        return f"<td class='n'>{value:,}</td>"
    return f"<td>{escape(str(value))}</td>"
