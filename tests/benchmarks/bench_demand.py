"""Offering uptake on the full UCI Online Retail file (run by hand).

Follows ../shared/BENCHMARK_PROTOCOL.md "Offering uptake": the last 28
complete days are the test window (2011-11-11 to 2011-12-09), everything
before is training; the target is each offering's distinct buyers in the
window, for the 500 offerings with the most purchase lines before the
cut-off. Methods: naive last-4-weeks, seasonal naive, a moving average
whose window is chosen on the validation window [T - 28, T), Pushwise's
gradient-boosting model, and statsforecast's AutoETS (a benchmark-only
peer, its set-up also chosen on the validation window). Writes the tables to
tests/benchmarks/RESULTS.md (section "Demand").

    .venv/bin/python tests/benchmarks/bench_demand.py
"""

from __future__ import annotations

import logging
import math
import platform
import tempfile
import time
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from results_file import replace_section

from ml.dataset import load_interactions
from ml.demand import (
    DemandMetrics,
    MovingAverageForecaster,
    SeasonalNaiveForecaster,
    demand_metrics,
    horizon_actuals,
    protocol_offerings,
)
from ml.demand.gbm import GradientBoostingDemandForecaster
from ml.demand.windows import DayLines
from ml.evaluation.split import Split, protocol_split, validation_split
from ml.importing.importer import import_file
from ml.store.project import Project

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "online-retail" / "online_retail.csv.gz"
SECTION = "## Demand (bench_demand.py)"
H = 28
WINDOWS = (14, 28, 56, 84)  # the moving average's candidate windows (days)
# Earlier as-of dates (every two weeks, horizons ending by the cut-off) on
# which the model's defaults were chosen; reported for the model and the naive.
EARLIER = tuple(range(126, 27, -14))
# WAPE quoted in issue 3 (same protocol).
REFERENCE = {"naive last-4-weeks": 0.208, "AutoETS": 0.244, "LightGBM global": 0.212}
TARGET = 0.187


@dataclass(frozen=True, slots=True)
class Result:
    """One method's forecast on the test window."""

    method: str
    metrics: DemandMetrics
    scaled_wape: float  # with the forecasts scaled to the true total
    seconds: float
    note: str


def load_purchases() -> pd.DataFrame:
    """Import the full file into a temporary project and read its purchases."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, DATA)
        return load_interactions(project).purchases


def score(frame: pd.DataFrame, actual: pd.Series) -> DemandMetrics:
    """Protocol metrics of a forecast frame (offering_id, predicted_buyers,
    and lower/upper when the method gives an interval)."""
    frame = frame.set_index("offering_id")
    bounds = {}
    if "lower" in frame and frame["lower"].notna().any():
        bounds = {"lower": frame["lower"], "upper": frame["upper"]}
    return demand_metrics(frame["predicted_buyers"], actual, **bounds)


def on_window(split: Split, method) -> tuple[DemandMetrics, float, pd.DataFrame]:
    """Fit a method on a split's training rows, score the 500 offerings."""
    offerings = protocol_offerings(split.train, split.as_of)
    actual = horizon_actuals(split.test, split.as_of, H)
    start = time.perf_counter()
    frame = method(split.train, split.as_of, offerings)
    seconds = time.perf_counter() - start
    return score(frame, actual), seconds, frame


def scaled_wape(split: Split, frame: pd.DataFrame) -> float:
    """WAPE once the forecasts are scaled so that their total is the true one
    (what is left when the market's level is known)."""
    predicted = frame.set_index("offering_id")["predicted_buyers"]
    actual = horizon_actuals(split.test, split.as_of, H)
    actual = actual.reindex(predicted.index, fill_value=0)
    scaled = predicted * actual.sum() / predicted.sum()
    return demand_metrics(scaled, actual).wape


def naive(train, as_of, offerings):
    return MovingAverageForecaster().fit(train, as_of).predict(offerings, H)


def seasonal_naive(train, as_of, offerings):
    return SeasonalNaiveForecaster().fit(train, as_of).predict(offerings, H)


def moving_average(window: int):
    def forecast(train, as_of, offerings):
        model = MovingAverageForecaster(window_days=window).fit(train, as_of)
        return model.predict(offerings, H)

    return forecast


def pushwise(train, as_of, offerings):
    return GradientBoostingDemandForecaster().fit(train, as_of).predict(offerings, H)


def autoets(setup: str):
    """AutoETS per offering, on its series of 28-day periods (one step ahead)
    or on its weekly series (four weeks summed), ending at as_of."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive

    def forecast(train, as_of, offerings):
        lines = DayLines.from_purchases(train, as_of, pd.Index(offerings))
        length, steps = (H, 1) if setup == "28-day periods" else (7, H // 7)
        # Whole periods only, the last one ending at as_of.
        periods = (-int(lines.day.min())) // length
        ends = -length * np.arange(periods)[::-1]
        counts = lines.distinct_buyers(ends, length)
        series = pd.DataFrame(
            {
                "unique_id": np.repeat(offerings, len(ends)),
                "ds": np.tile(np.arange(len(ends)), len(offerings)),
                "y": counts.reshape(-1),
            }
        )
        # From each offering's first period with a buyer.
        started = series.groupby("unique_id")["y"].transform(lambda y: y.cumsum() > 0)
        series = series[started]
        models = StatsForecast(
            models=[AutoETS(season_length=1)], freq=1, fallback_model=Naive()
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            predicted = models.forecast(df=series, h=steps, level=[80])
        totals = predicted.groupby("unique_id")[
            ["AutoETS", "AutoETS-lo-80", "AutoETS-hi-80"]
        ].sum()
        totals = totals.clip(lower=0).reindex(offerings, fill_value=0.0)
        out = pd.DataFrame(
            {
                "offering_id": offerings,
                "predicted_buyers": totals["AutoETS"].to_numpy(),
            }
        )
        if steps == 1:  # summed weekly bounds would not bound the sum
            out["lower"] = totals["AutoETS-lo-80"].to_numpy()
            out["upper"] = totals["AutoETS-hi-80"].to_numpy()
        return out

    return forecast


def run(split: Split) -> tuple[list[Result], dict[str, object]]:
    """Every method on the test window; set-ups chosen on validation."""
    validation = validation_split(split)
    window = min(
        WINDOWS, key=lambda w: on_window(validation, moving_average(w))[0].wape
    )
    setups = ("28-day periods", "weekly series")
    setup = min(setups, key=lambda s: on_window(validation, autoets(s))[0].wape)
    results = []
    for method, forecast, note in (
        ("naive last-4-weeks", naive, "buyers of the last 28 days"),
        ("seasonal naive", seasonal_naive, "same 28 days a year back"),
        ("moving average", moving_average(window), f"{window}-day window"),
        ("AutoETS", autoets(setup), setup),
        ("Pushwise GBM", pushwise, ""),
    ):
        metrics, seconds, frame = on_window(split, forecast)
        if method == "seasonal naive":
            note += f" ({int(frame['fallback'].sum())} of 500 fell back to the naive)"
        scaled = scaled_wape(split, frame)
        results.append(Result(method, metrics, scaled, seconds, note))
    model = GradientBoostingDemandForecaster()
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(split.train, split.as_of)
    timing = {
        "wall": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "choice": model.choice_,
    }
    return results, timing


def earlier_dates(purchases: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """WAPE of the naive and the model at the earlier as-of dates."""
    rows = []
    for days in EARLIER:
        split = protocol_split(
            purchases, horizon_days=H, as_of=as_of - pd.Timedelta(days=days)
        )
        row = {"as_of": split.as_of}
        for method, forecast in (("naive", naive), ("Pushwise GBM", pushwise)):
            row[method] = on_window(split, forecast)[0].wape
        rows.append(row)
    return pd.DataFrame(rows)


def render(
    split: Split,
    results: list[Result],
    timing: dict[str, object],
    earlier: pd.DataFrame,
) -> str:
    """The RESULTS.md section."""
    end = split.test_end
    best_peer = min(r.metrics.wape for r in results if r.method != "Pushwise GBM")
    ours = next(r for r in results if r.method == "Pushwise GBM").metrics
    lines = [
        SECTION,
        "",
        f"UCI Online Retail, protocol split: train before {split.as_of:%Y-%m-%d}, "
        f"test {split.as_of:%Y-%m-%d} to {end:%Y-%m-%d} (exclusive); distinct "
        f"buyers per offering over the {H} days, the 500 offerings with the most "
        f"purchase lines before the cut-off; 80% intervals; measured "
        f"{date.today()} on {platform.machine()} (2 cores, shared), Python "
        f"{platform.python_version()}. Reference = WAPE quoted in issue 3.",
        "",
        "| method | WAPE | reference | WAPE at the true total | MAE | Spearman "
        "| P@20 | bias | interval coverage | interval width | fit+predict s "
        "| set-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    for result in results:
        m = result.metrics
        reference = REFERENCE.get(result.method)
        lines.append(
            f"| {result.method} | {m.wape:.4f} "
            f"| {'' if reference is None else f'{reference:.3f}'} "
            f"| {result.scaled_wape:.4f} | {m.mae:.2f} "
            f"| {m.spearman:.3f} | {m.precision_at_20:.2f} | {m.bias:+.3f} "
            f"| {_optional(m.interval_coverage)} | {_optional(m.interval_width, 1)} "
            f"| {result.seconds:.1f} | {result.note} |"
        )
    choice = timing["choice"]
    lines += [
        "",
        f"Target (issue 3): WAPE <= 0.9 x the best peer = {TARGET:.3f}; best "
        f"method other than Pushwise here: {best_peer:.4f} (0.9 x = "
        f"{0.9 * best_peer:.4f}). Pushwise: **{ours.wape:.4f}**"
        f" ({'met' if ours.wape <= min(TARGET, 0.9 * best_peer) else 'missed'}).",
        f"Pushwise fit on the full training data: {timing['wall']:.1f} s wall, "
        f"{timing['cpu']:.1f} s CPU (one thread). Chosen on its validation "
        f"origins: {choice}.",
        "",
        "WAPE at the earlier as-of dates the model's defaults were chosen on "
        "(same protocol, 28 days each, all before the test window):",
        "",
        "| as of | naive last-4-weeks | Pushwise GBM |",
        "| --- | ---: | ---: |",
    ]
    for row in earlier.itertuples(index=False):
        lines.append(f"| {row[0]:%Y-%m-%d} | {row[1]:.4f} | {row[2]:.4f} |")
    mean = earlier[["naive", "Pushwise GBM"]].mean()
    lines.append(f"| mean | {mean['naive']:.4f} | {mean['Pushwise GBM']:.4f} |")
    lines += ["", READING, ""]
    return "\n".join(lines)


def _optional(value: float, digits: int = 3) -> str:
    return "" if math.isnan(value) else f"{value:.{digits}f}"


READING = """### Reading the figures

- **Issue 3's target missed, issue 10's met.** Issue 3 asks for WAPE <= 0.187
  (0.9 x the quoted naive 0.208). With the protocol's wording the naive scores
  0.2126 here (tests/ml/test_demand_online_retail.py explains the 0.005 gap:
  which 500 items tie at the cut); Pushwise scores 0.1959, 0.92 x the naive
  (issue 10 asks for <= 0.95 x and a bias within +-5%: -2.5% here), with 83%
  of the offerings inside their 80% interval. Before the "trend" market level
  (issue 10) it scored 0.2173, 2% worse than the naive, with a bias of -13%.
  AutoETS reproduces its reference (0.250 vs 0.244, the weekly set-up chosen
  on validation); the seasonal naive has no year-back data (the file starts on
  2010-12-01) and falls back to the naive for every offering; the moving
  average's window chosen on validation is 28 days, i.e. the naive.
- What changed: validation (the four newest origins before the cut-off) may
  now choose a "trend" market level: all offerings' weekly buyers keep the
  growth of the last 13 weeks over the 13 before, the trend the forecast of
  the total uses (section "Demand per level"). At this cut-off it took it, and
  the market's rise into December that the flat level missed is mostly
  carried (a market level of 1.14). On the eight earlier windows it took it
  once (2011-10-14: 0.2307 against 0.2254 with the flat level), so their mean
  is 0.2503 against 0.2496 before; by category it did better there
  (section "Demand per level"). Like the "recent" level before it, this is
  one choice on four origins: when validation keeps the flat level the test
  figure is 0.217, when it takes the trend 0.196.
- Where the error is: scaling each method's forecasts so that their total equals
  the true total (an oracle for the market's level; column "WAPE at the true
  total") leaves the naive at about 0.19 and the model at about 0.195: with the
  trend level the model's total is about right, and what is left is how it
  shares the uptake out among offerings (the flat-level model did that better,
  0.183, but missed the level). The market rose about 13% into December; no
  earlier December is in the data, so only the year's own growth can announce
  it. Poisson noise alone (a forecast equal to each offering's true rate)
  would score about 0.11.
- The model (ml/demand/gbm.py): global histogram gradient boosting over all
  offerings' weekly origins; the target is the buyers in the horizon over the
  naive forecast (+1) and over the origin's market ratio, so that it learns
  which offerings gain or lose against the market. The loss (Poisson or squared
  error; scikit-learn has no Tweedie loss for histogram boosting), the
  iterations, the market level (flat, last year or the trend) and whether to
  blend the model 50/50 with the naive are chosen on the four newest origins
  whose horizon ended by the cut-off; the errors there give the interval
  (coverage in the table, nominal 0.80).
- Tried during development, kept or rejected on the earlier windows and the
  validation origins, never on the test window (figures measured then, not re-
  run by this script): predicting the 28-day buyers directly (kept; weekly rows
  share it out by each offering's weekly repeat ratio); the "recent" market
  level (the market keeps its recent rise against the naive: 0.190 on the test
  window but 0.253 on the earlier windows, against 0.249-0.250 for the flat
  level, so it is not on offer by default; when validation could pick it, the
  test figure swung between 0.19 and 0.23 with small changes of the training
  set); recency-weighted training rows (half-life 8 or 16 weeks: +-0.001);
  absolute-error loss (WAPE itself: worse); no market normalisation (0.01-0.04
  worse at two earlier windows); week-of-year and market-wide features (they
  name the origin, and the model learnt that week's one-off swing: worse); more
  or bigger trees, smaller leaves, 40 instead of 26 origins (+-0.001); a "past
  buyers still active" feature (0.002 better, 1.5 s slower: not kept).
- Speed: one fit on the full file takes about 3 s of CPU on one thread (wall
  time depends on how busy the shared machine is). On this machine scikit-
  learn's default of two OpenMP threads made the same fit take about 100 s
  (threads spinning while they wait for each other on small trees), so the model
  fits with one thread (threadpoolctl)."""


def main() -> None:
    logging.getLogger("statsforecast").setLevel(logging.ERROR)
    purchases = load_purchases()
    split = protocol_split(purchases, horizon_days=H)
    results, timing = run(split)
    earlier = earlier_dates(purchases, split.as_of)
    section = render(split, results, timing, earlier)
    replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
