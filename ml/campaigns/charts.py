"""A campaign's results as charts (ChartData): drawn by pyqtgraph on the
Campaigns page and as SVG in the HTML report."""

from __future__ import annotations

from ml.campaigns.results import CampaignResults
from ml.evaluation.charts import ChartData, ChartSeries


def uptake_by_week_chart(results: CampaignResults) -> ChartData:
    """Pushes taken up so far, week by week: predicted with its interval, and
    actual up to the last imported order."""
    weekly = results.weekly()
    until = tuple(weekly["until"])
    observed = weekly.dropna(subset=["actual"])
    series = []
    if results.predicted:
        series.append(
            ChartSeries(
                "Predicted",
                until,
                tuple(weekly["predicted"]),
                tuple(weekly["predicted_low"]),
                tuple(weekly["predicted_high"]),
            )
        )
    if not observed.empty:
        series.append(
            ChartSeries("Actual", tuple(observed["until"]), tuple(observed["actual"]))
        )
    return ChartData(
        title="Pushes taken up, week by week",
        caption="Pushes sent that the customer took up so far, against what "
        "Pushwise predicted (band: 95 % interval).",
        x_label="Week ending",
        y_label="Pushes taken up",
        kind="line",
        series=tuple(series),
    )


def calibration_of_campaign_chart(results: CampaignResults) -> ChartData:
    """Predicted chance against the share taken up, per decile of the pushes
    sent: on the diagonal when the predictions were right."""
    table = results.per_decile()
    labels = tuple(f"{d}" for d in table["decile"])
    return ChartData(
        title="Predicted versus actual, by decile of predicted chance",
        caption="Each pair of bars is a tenth of the pushes sent, from the "
        "lowest predicted chance to the highest.",
        x_label="Decile of predicted chance",
        y_label="Share taken up",
        kind="bar",
        series=(
            ChartSeries("Predicted", labels, tuple(table["predicted"].astype(float))),
            ChartSeries("Actual", labels, tuple(table["actual"].astype(float))),
        ),
    )
