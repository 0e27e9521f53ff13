"""UpliftModel on the real Hillstrom e-mail campaign (64,000 customers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from ml.uplift.metrics import bootstrap_scores, interval, qini_coefficient
from ml.uplift.model import UpliftModel

COLUMNS = ["recency", "history", "mens", "womens", "zip_code", "newbie", "channel"]


@pytest.mark.slow
def test_hillstrom_visits_are_ranked_far_better_than_random(
    shared_data: Path,
) -> None:
    frame = pd.read_csv(shared_data / "hillstrom-email" / "hillstrom.csv.gz")
    treated = (frame["segment"] != "No E-Mail").to_numpy(int)
    visit = frame["visit"].to_numpy(int)
    strata = frame["segment"] + frame["visit"].astype(str)
    train, test = train_test_split(
        np.arange(len(frame)), test_size=0.5, random_state=1, stratify=strata
    )
    model = UpliftModel(folds=3, random_state=1)
    model.fit(frame.iloc[train][COLUMNS], treated[train], visit[train])
    uplift = model.predict_uplift(frame.iloc[test][COLUMNS])
    qini = qini_coefficient(visit[test], uplift, treated[test])
    samples = bootstrap_scores(visit[test], treated[test], {"model": uplift}, n=200)
    low, high = interval(samples["model"][:, 0])
    # Random order scores 0; the model's whole 95 % interval is above it
    # (on visits the best methods score 0.02-0.05; conversions are too few
    # to tell any model from random with 64,000 customers).
    assert qini > 0.015 and low > 0.0, (qini, low, high, model.describe())
    top = uplift >= np.quantile(uplift, 0.7)
    y, t = visit[test], treated[test]

    def observed(rows: np.ndarray) -> float:
        return float(y[rows & (t == 1)].mean() - y[rows & (t == 0)].mean())

    # The top 30 % gain more from the e-mail than the rest (measured: 7.1
    # points more visits against 5.7).
    assert observed(top) > observed(~top) + 0.007, (observed(top), observed(~top))
    chances = model.predict_chances(frame.iloc[test][COLUMNS])
    # The e-mail raised visits from 10.6 % to 16.7 % overall.
    assert chances["uplift"].mean() == pytest.approx(0.061, abs=0.015)
