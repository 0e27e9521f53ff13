"""Uptake per level, on Online Retail and the grocery-shaped history (run by hand).

Follows ../shared/BENCHMARK_PROTOCOL.md "Offering uptake" (the last 28
complete days are the test window; distinct buyers per offering over it) at
three levels: the 500 offerings with the most purchase lines before the
cut-off, every category, and the total of all offerings (each offering's
buyers added up). Online Retail's categories are the last word of the
product description (as bench_holdback.py makes them); the grocery-shaped
history (bench_scale.py's 1x file, made by grocery.py and cached under
/tmp/pushwise-scale) has its own category column.

Offerings and categories: the naive last-4-weeks against Pushwise's
gradient-boosting model at the cut-off. The total: the naive (its last four
weeks), Pushwise's forecast of the total itself (GroupTotalsForecaster), and
what the backtest chart drew before, the model's per-offering forecasts and
intervals added up; at the cut-off and at the eight earlier as-of dates of
bench_demand.py, so that its coverage rests on 36 weeks. Everything runs with
its defaults: nothing here is tuned to these files. Writes the section
"Demand per level" of tests/benchmarks/RESULTS.md.

    .venv/bin/python tests/benchmarks/bench_demand_levels.py
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from bench_demand import DATA as RETAIL
from bench_demand import EARLIER
from bench_holdback import categories_of
from bench_scale import CACHE, history_file
from results_file import replace_section

from ml.backtest.run import by_category
from ml.columns import Columns
from ml.dataset import OfferingLevel, load_interactions
from ml.demand import (
    GradientBoostingDemandForecaster,
    GroupTotalsForecaster,
    MovingAverageForecaster,
    demand_metrics,
    horizon_actuals,
    protocol_offerings,
)
from ml.demand.series import BUYERS, WEEK, window_uptake
from ml.demand.totals import NAIVE
from ml.evaluation.split import Split, protocol_split
from ml.importing.importer import import_file
from ml.plan.inputs import load_offering_names
from ml.store.project import Project

C = Columns
SECTION = "## Demand per level (bench_demand_levels.py)"
H = 28
TOTAL = "all"
SAVED = CACHE / "demand-levels.json"  # the last run's figures
FloatArray = np.ndarray


@dataclass(frozen=True, slots=True)
class History:
    """One history's purchases by offering and by category."""

    name: str
    offerings: pd.DataFrame
    categories: pd.DataFrame


def retail() -> History:
    """Online Retail's purchases, and the same with the description's last word."""
    with (
        tempfile.TemporaryDirectory() as folder,
        Project.open(Path(folder) / "retail.pushwise", create=True) as project,
    ):
        import_file(project, RETAIL)
        purchases = load_interactions(project).purchases
        names = load_offering_names(project)
    grouped = by_category(purchases, categories_of(names))
    return History("Online Retail", purchases, grouped)


def grocery() -> History:
    """The 1x grocery-shaped history, imported once and cached as Parquet."""
    cached = {level: CACHE / f"grocery-1x-{level}.parquet" for level in OfferingLevel}
    if not all(path.exists() for path in cached.values()):
        source, _ = history_file(1.0)
        with (
            tempfile.TemporaryDirectory() as folder,
            Project.open(Path(folder) / "grocery.pushwise", create=True) as project,
        ):
            import_file(project, source)
            for level, path in cached.items():
                load_interactions(project, level=level).purchases.to_parquet(path)
    return History(
        "grocery-shaped 1x",
        pd.read_parquet(cached[OfferingLevel.OFFERING]),
        pd.read_parquet(cached[OfferingLevel.CATEGORY]),
    )


def level_rows(history: History) -> list[dict[str, object]]:
    """Naive and Pushwise at the cut-off, for the top 500 and the categories."""
    rows = []
    for level, purchases in (
        ("top-500 offerings", history.offerings),
        ("categories", history.categories),
    ):
        split = protocol_split(purchases, horizon_days=H)
        offerings = protocol_offerings(
            split.train,
            split.as_of,
            level="item" if level.startswith("top") else "category",
        )
        actual = horizon_actuals(split.test, split.as_of, H)
        row: dict[str, object] = {"history": history.name, "level": level}
        row["offerings"] = len(offerings)
        for method, model in (
            ("naive", MovingAverageForecaster()),
            ("pushwise", GradientBoostingDemandForecaster(H)),
        ):
            frame = model.fit(split.train, split.as_of).predict(offerings, H)
            frame = frame.set_index(C.OFFERING)
            metrics = demand_metrics(
                frame["predicted_buyers"],
                actual,
                lower=frame["lower"],
                upper=frame["upper"],
            )
            row[f"{method} wape"] = metrics.wape
            row[f"{method} bias"] = metrics.bias
            row[f"{method} coverage"] = metrics.interval_coverage
        print(row, flush=True)
        rows.append(row)
    return rows


def weekly_totals(split: Split) -> FloatArray:
    """The actual total of each week of the test window."""
    starts = [split.as_of + step * WEEK for step in range(H // 7)]
    return np.array(
        [window_uptake(split.test, s, s + WEEK)[BUYERS].sum() for s in starts]
    )


def total_rows(history: History) -> list[dict[str, object]]:
    """The total at the cut-off and the earlier dates: naive, Pushwise's own
    forecast, and (at the cut-off) the per-offering forecasts added up."""
    purchases = history.offerings
    cutoff = protocol_split(purchases, horizon_days=H).as_of
    found: dict[str, list[dict[str, FloatArray]]] = {}
    for days in (*EARLIER, 0):
        split = protocol_split(
            purchases, horizon_days=H, as_of=cutoff - pd.Timedelta(days=days)
        )
        sold = pd.Index(split.train[C.OFFERING].astype(str).unique())
        groups = pd.Series(TOTAL, index=sold)
        actual = weekly_totals(split)
        horizon = float(
            window_uptake(split.test, split.as_of, split.test_end)[BUYERS].sum()
        )
        for method, model in (
            ("naive last-4-weeks", GroupTotalsForecaster(H, methods=(NAIVE,))),
            ("Pushwise: the total's own forecast", GroupTotalsForecaster(H)),
        ):
            fitted = model.fit(split.train, split.as_of, groups)
            weekly = fitted.predict_weekly([TOTAL])
            whole = fitted.predict([TOTAL])
            banded = method.startswith("Pushwise")
            found.setdefault(method, []).append(
                _measured(weekly, whole, actual, horizon, banded=banded)
            )
            if days == 0 and banded:
                print(method, fitted.choice_, flush=True)
        if days == 0:
            model = GradientBoostingDemandForecaster(H).fit(split.train, split.as_of)
            weekly = model.predict_weekly(list(sold), H)
            summed = weekly.groupby("week_start")[
                ["predicted_buyers", "lower", "upper"]
            ]
            whole = model.predict(list(sold), H)[["predicted_buyers", "lower", "upper"]]
            found["each offering's forecast and band added up (before)"] = [
                _measured(
                    summed.sum().reset_index(),
                    whole.sum().to_frame().T,
                    actual,
                    horizon,
                    banded=True,
                )
            ]
    rows = []
    for method, measured in found.items():
        # Every date, then the cut-off alone (the only date of "before").
        for chosen in {len(measured): measured, 1: measured[-1:]}.values():
            joined = {
                key: np.concatenate([m[key] for m in chosen]) for key in chosen[0]
            }
            scores = _scores(joined)
            rows.append({"history": history.name, "method": method, **scores})
            rows[-1]["origins"] = len(chosen)
            print(rows[-1], flush=True)
    return rows


def _measured(
    weekly: pd.DataFrame,
    whole: pd.DataFrame,
    actual: FloatArray,
    horizon: float,
    *,
    banded: bool,
) -> dict[str, FloatArray]:
    nan = np.full(len(actual), np.nan)
    return {
        "week": weekly["predicted_buyers"].to_numpy(dtype=float),
        "week actual": actual,
        "week lower": weekly["lower"].to_numpy(dtype=float) if banded else nan,
        "week upper": weekly["upper"].to_numpy(dtype=float) if banded else nan,
        "horizon": whole["predicted_buyers"].to_numpy(dtype=float),
        "horizon actual": np.array([horizon]),
        "horizon lower": whole["lower"].to_numpy(dtype=float)
        if banded
        else np.array([np.nan]),
        "horizon upper": whole["upper"].to_numpy(dtype=float)
        if banded
        else np.array([np.nan]),
    }


def _scores(m: dict[str, FloatArray]) -> dict[str, float]:
    out = {}
    for span in ("week", "horizon"):
        predicted, actual = m[span], m[f"{span} actual"]
        low, high = m[f"{span} lower"], m[f"{span} upper"]
        out[f"{span} wape"] = float(np.abs(predicted - actual).sum() / actual.sum())
        out[f"{span} bias"] = float(predicted.sum() / actual.sum() - 1.0)
        inside = (actual >= low) & (actual <= high)
        known = ~np.isnan(low)
        out[f"{span} coverage"] = float(inside[known].mean()) if known.any() else np.nan
        out[f"{span} width"] = (
            float(np.mean((high - low)[known] / predicted[known]))
            if known.any()
            else np.nan
        )
    return out


def render(levels: list[dict[str, object]], totals: list[dict[str, object]]) -> str:
    """The RESULTS.md section."""
    out = [
        SECTION,
        "",
        'BENCHMARK_PROTOCOL.md "Offering uptake" at three levels; 80% intervals; '
        f"measured {date.today()} on {platform.machine()} (2 cores, shared), "
        f"Python {platform.python_version()}. Target (issue 10, section 4): "
        "WAPE <= 0.95 x the naive last-4-weeks, bias within +-5%, 80% intervals "
        "covering 75-85%.",
        "",
        "Offerings and categories, at the protocol cut-off (distinct buyers per "
        "offering or category over the 28 days):",
        "",
        "| history | level | offerings | naive WAPE | Pushwise WAPE | x naive "
        "| naive bias | Pushwise bias | naive coverage | Pushwise coverage |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in levels:
        ratio = float(row["pushwise wape"]) / float(row["naive wape"])
        out.append(
            f"| {row['history']} | {row['level']} | {row['offerings']} "
            f"| {row['naive wape']:.4f} | {row['pushwise wape']:.4f} | {ratio:.2f} "
            f"| {row['naive bias']:+.3f} | {row['pushwise bias']:+.3f} "
            f"| {row['naive coverage']:.2f} | {row['pushwise coverage']:.2f} |"
        )
    out += [
        "",
        "The total of all offerings (each offering's distinct buyers added up), "
        "at the cut-off and the eight earlier as-of dates of bench_demand.py "
        "(weekly: 36 weeks; horizon: 9 windows of 28 days); width = the band's "
        "mean width over the forecast:",
        "",
        "| history | method | origins | weekly WAPE | weekly bias | weekly coverage "
        "| band width | 28-day WAPE | 28-day bias | 28-day coverage |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in totals:
        out.append(
            f"| {row['history']} | {row['method']} | {row['origins']} "
            f"| {row['week wape']:.4f} | {row['week bias']:+.3f} "
            f"| {_optional(row['week coverage'])} | {_optional(row['week width'])} "
            f"| {row['horizon wape']:.4f} | {row['horizon bias']:+.3f} "
            f"| {_optional(row['horizon coverage'])} |"
        )
    return "\n".join([*out, "", READING, ""])


def _optional(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "" if np.isnan(number) else f"{number:.2f}"


READING = """### Reading the figures

- **Offerings and categories: target met.** Pushwise's WAPE is 0.92 x the
  naive for Online Retail's 500 biggest offerings, 0.79-0.81 x by category, and
  0.80 x and 0.81 x on the grocery-shaped history, with biases between -2.5%
  and +3.8% and 77-83% of the offerings inside their 80% intervals (the
  naive's interval covers 74-90%). The model's figures move by a few
  thousandths from run to run (0.130-0.134 by category on Online Retail).
  Before this change (no "trend" market level) Online Retail scored 0.2173
  (1.02 x the naive, bias -13%) by offering and 0.1652 (1.00 x, bias -12%) by
  category; the grocery-shaped figures barely moved (0.2697 and 0.0433):
  there validation took a flat trend (-0.1% a week) by product and kept the
  flat level by category. The trend level is chosen per
  project on the four newest validation origins (bench_demand.py's section
  says how fragile one such choice is).
- **The total.** The weekly chart of all offerings used to draw the sum of
  every offering's interval: a band 1.4 times the forecast wide on Online
  Retail and 3 times on the grocery-shaped history (last rows), which holds
  the actual total every week and says nothing. The total's own band is 0.66
  times the forecast wide on Online Retail (the weekly total swings by 20-30%
  from week to week there) and 0.085 times on the grocery-shaped history. It
  held the actual total in 75% (Online Retail) and 89% (grocery-shaped) of
  36 weeks, and in 7 and 6 of the 9 four-week totals: at the edge of the
  75-85% target or outside it, on few and correlated weeks (the sampling
  error of a share of 36 weeks is about +-0.07, of 9 windows +-0.14).
- **The total's point forecast.** On the grocery-shaped history validation
  keeps the flat last four weeks (weekly WAPE 0.018, bias 0.0%): the history
  holds one year, so last year's shape is never available, and the trend
  does not help there. On Online Retail it takes the 13-week trend at most
  dates: weekly WAPE 0.167 against the naive's 0.193 over the nine dates,
  bias -13% against -17%. The bias stays outside +-5% because the market grew
  faster than its own 13-week trend from September to December. At the
  cut-off alone, adding up the per-offering forecasts (now with the trend
  level) gives about as good a total (weekly WAPE 0.096 against 0.092; 0.090
  without the weekly tilt of the last point below), and over the eight
  earlier dates the total's own forecast was better (mean weekly WAPE 0.177
  against 0.184), so the total is forecast as a series of its own.
- Tried for the total: flat means of the last 8 and 13 weeks as candidates
  (they lag a rising market: weekly WAPE 0.157-0.167 against 0.145 for the
  last 4 weeks alone over the nine dates, with the total of the 500 biggest
  offerings, the total's first definition); a trend over 4 weeks (never
  chosen) or 8 weeks (0.196 against the naive's 0.197 over the eight earlier
  dates, against 0.183 with 13 weeks); the total of the 500 biggest
  offerings instead of all offerings (those 500 were chosen for selling most
  before the cut-off, so their total falls after it and the errors at earlier
  dates, where they were still rising, put the band on the wrong side: 56%
  weekly coverage on the grocery-shaped history). A weekday profile shapes
  only a partial last week (a horizon that is not whole weeks); with whole
  weeks every week holds each weekday once.
- The weekly rows of single offerings and categories are the model's
  horizon forecast shared out by each one's weekly repeat ratio, tilted by
  the market's trend where validation chose the trend level (at Online
  Retail's cut-off the four weeks get 0.95, 0.98, 1.02 and 1.05 of the
  mean). Weekly WAPE with and without the tilt (not in the tables above):
  by offering 0.336 against 0.341 at 2011-10-14 and 0.297 against 0.290 at
  the cut-off, by category 0.231 against 0.238 and 0.204 against 0.198: no
  clear gain either way (the run-up to December peaked in its second week).
  With one year of history there is no seasonal shape to give them."""


def main() -> None:
    """Measure (or, with --render, re-render the last run) and write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--render", action="store_true", help="reuse the last run")
    if not parser.parse_args().render:
        levels: list[dict[str, object]] = []
        totals: list[dict[str, object]] = []
        for make in (retail, grocery):
            history = make()
            totals += total_rows(history)
            levels += level_rows(history)
        SAVED.write_text(json.dumps({"levels": levels, "totals": totals}))
    saved = json.loads(SAVED.read_text())
    replace_section(SECTION, render(saved["levels"], saved["totals"]))


if __name__ == "__main__":
    main()
