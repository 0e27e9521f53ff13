"""`pushwise forecast`: uptake per offering as FORECAST.csv."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from ml.cli.common import (
    EXIT_OK,
    add_source_arguments,
    offering_level,
    open_source,
    progress,
)
from ml.columns import Columns
from ml.workflows.settings import PERIODS


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    forecast = commands.add_parser(
        "forecast",
        help="forecast how many customers will take up each offering",
        description="Learn from the order history as of a date and write, for "
        "every offering sold before it, the customers expected to take it up "
        "over the horizon (or each week of it), with an 80% interval.",
    )
    add_source_arguments(forecast, files=True)
    forecast.add_argument(
        "--period",
        choices=PERIODS,
        default="horizon",
        help="one row per offering for the whole horizon (default), or per week",
    )
    forecast.add_argument(
        "--offering-column",
        metavar="COL",
        help="forecast by this column of the orders file (e.g. its category column)",
    )
    forecast.add_argument("--out", required=True, type=Path, metavar="FORECAST.csv")
    forecast.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Forecast and write FORECAST.csv; print a short summary."""
    # Imported here: `pushwise import` and `info` start without scikit-learn.
    from ml.demand.base import PREDICTED_BUYERS
    from ml.demand.gbm import GradientBoostingDemandForecaster
    from ml.workflows.forecast import forecast_project, to_forecast_csv

    forecaster = GradientBoostingDemandForecaster(horizon_days=args.horizon)
    with contextlib.ExitStack() as stack:
        project = open_source(args, stack)
        level = offering_level(project, args.offering_column)
        frame = forecast_project(
            project,
            level=level,
            as_of=args.as_of,
            horizon_days=args.horizon,
            period=args.period,
            forecaster=forecaster,
            report=progress(),
        )
    to_forecast_csv(frame, args.out)
    offerings = frame[Columns.OFFERING].drop_duplicates().tolist()
    # Weekly buyers do not add up to the horizon's (a customer may come back
    # week after week), so the total is always the horizon's.
    total = forecaster.predict(offerings)[PREDICTED_BUYERS].sum()
    fallback = int(forecaster.uses_fallback(offerings).sum())
    kind = level.value
    rows = f", {len(frame):,} weekly rows" if args.period == "week" else ""
    print(
        f"Uptake forecast as of {forecaster.as_of_:%Y-%m-%d} over {args.horizon} "
        f"days: {len(offerings):,} {kind}s{rows} written to {args.out}"
    )
    print(f"Total predicted buyers (summed over {kind}s): {total:,.0f}")
    print(
        f"Naive last-4-weeks fallback (history too short or sparse): "
        f"{fallback:,} {kind}s"
    )
    return EXIT_OK
