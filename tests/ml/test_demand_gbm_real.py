"""The demand model on the full Online Retail file, under BENCHMARK_PROTOCOL
(the figures and what was tried: tests/benchmarks/RESULTS.md, "Demand")."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.dataset import Interactions
from ml.demand import (
    GradientBoostingDemandForecaster,
    MovingAverageForecaster,
    forecast_metrics,
    horizon_actuals,
    protocol_offerings,
)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("as_of", ["2011-10-14", "2011-11-11"])
def test_the_model_is_about_as_good_as_the_naive_or_better(
    online_retail: Interactions, as_of: str
) -> None:
    purchases = online_retail.purchases
    cutoff = pd.Timestamp(as_of)
    offerings = protocol_offerings(purchases, cutoff)
    actual = horizon_actuals(purchases, cutoff)
    model = GradientBoostingDemandForecaster().fit(purchases, cutoff)
    forecast = model.predict(offerings)
    naive = MovingAverageForecaster().fit(purchases, cutoff).predict(offerings)
    ours = forecast_metrics(forecast.drop(columns="fallback"), actual)
    theirs = forecast_metrics(naive, actual)
    print(f"\n{as_of}: {model.choice_}\n  model {ours}\n  naive {theirs}")
    assert forecast.fallback.sum() < 10  # the big offerings have long histories
    assert ours.wape < theirs.wape + 0.01
    assert ours.spearman > 0.85
    assert 0.7 <= ours.interval_coverage <= 0.95
