"""What the workflows hand back to a front end, light to import: the window
unpickles these from a worker process without loading any model code (no
scikit-learn, no fitted ranker)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ml.backtest.report import BacktestReport
from ml.evaluation.charts import ChartData, ChartSeries
from ml.modelmeta import ModelMeta


@dataclass(frozen=True, slots=True)
class ModelResult:
    """A saved model's description with its check at earlier dates (None,
    with backtest_problem saying why, when there is none) and the chart of
    what drives it. The fitted ranker stays in the project: whoever needs it
    loads it by meta.model_id (load_trained), so a window holding this holds
    kilobytes, not the ranker."""

    meta: ModelMeta
    drivers: ChartData | None
    backtest: BacktestReport | None = None
    backtest_problem: str = ""
    loaded: bool = False
    check_stopped: bool = False  # saved, but Cancel came during the check


@dataclass(frozen=True, slots=True)
class CandidatesSummary:
    """What the window needs of the scored candidates kept in a worker: who
    and what can be asked about (Why not?), the offerings' names and the
    user's own id column names (the export)."""

    customers: list[str]
    offerings: list[str]
    names: pd.Series | None  # offering_id -> name
    id_columns: dict[str, str]


def drivers_chart(meta: ModelMeta) -> ChartData | None:
    """What drives the model's predictions, as bars of plain-named shares
    (percent); None for a model saved without them."""
    if not meta.drivers:
        return None
    names, shares = zip(*meta.drivers, strict=True)
    return ChartData(
        title="What drives the predictions",
        caption="The longer the bar, the more that reason weighs in the model's "
        "predictions; each bar is its share of what the model learned.",
        x_label="Reason",
        y_label="Share of what the model learned (%)",
        kind="bar",
        series=(
            ChartSeries("Weight", tuple(names), tuple(share * 100 for share in shares)),
        ),
    )
