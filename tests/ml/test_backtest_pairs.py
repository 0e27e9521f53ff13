"""Gains, calibration and uptake flags of scored pairs: hand-computed answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.backtest.pairs import calibration_table, gains_table, taken_up
from ml.evaluation.split import protocol_split
from tests.ml.builders import purchases_frame


def test_taken_up_means_bought_in_the_window_by_that_customer() -> None:
    split = protocol_split(
        purchases_frame(
            [
                ("ann", "a", "2024-01-05", 1),
                ("ann", "b", "2024-02-03", 1),  # in the window
                ("bo", "a", "2024-02-04", 1),
                (None, "c", "2024-02-04", 1),  # anonymous: nobody's uptake
                ("ann", "c", "2024-03-05", 1),  # after the window
            ]
        ),
        as_of=pd.Timestamp("2024-02-01"),
    )
    pairs = pd.DataFrame(
        {
            "customer_id": ["ann", "ann", "ann", "bo", "bo"],
            "offering_id": ["a", "b", "c", "a", "b"],
        }
    )
    assert taken_up(pairs, split).tolist() == [False, True, False, True, False]


def test_a_perfect_ranking_catches_everything_once_the_takers_are_contacted() -> None:
    taken = np.array([True] * 10 + [False] * 90)
    score = np.where(taken, 0.9, 0.1)
    gains = gains_table(score, taken)
    assert len(gains) == 100
    assert gains["share_contacted"].iloc[[0, -1]].tolist() == [0.01, 1.0]
    # 10% of the pairs hold all the uptake: 1% contacted catches 10% of it.
    assert gains["share_of_uptake"].iloc[0] == pytest.approx(0.1)
    assert gains["share_of_uptake"].iloc[9] == pytest.approx(1.0)
    assert gains["lift"].iloc[9] == pytest.approx(10.0)
    assert gains["share_of_uptake"].iloc[-1] == pytest.approx(1.0)
    assert gains["lift"].iloc[-1] == pytest.approx(1.0)


def test_gains_are_monotone_and_tied_scores_count_as_random_order() -> None:
    rng = np.random.default_rng(4)
    score = rng.integers(0, 5, 300).astype(float)  # many ties
    taken = rng.random(300) < score / 8
    gains = gains_table(score, taken)
    assert gains["share_of_uptake"].is_monotonic_increasing
    assert gains["share_of_uptake"].iloc[-1] == pytest.approx(1.0)
    # Everyone tied: the expected curve is the diagonal.
    flat = gains_table(np.zeros(300), taken)
    np.testing.assert_allclose(flat["share_of_uptake"], flat["share_contacted"])


def test_no_uptake_gives_an_unknown_curve_not_an_error() -> None:
    gains = gains_table(np.array([0.3, 0.2]), np.array([False, False]))
    assert gains["share_of_uptake"].isna().all()


def test_perfect_probabilities_are_calibrated_in_every_decile() -> None:
    taken = np.array([True] * 25 + [False] * 75)
    table = calibration_table(taken.astype(float), taken)
    assert table["decile"].tolist() == list(range(1, 11))
    assert table["pairs"].tolist() == [10] * 10
    np.testing.assert_allclose(table["predicted"], table["observed"])


def test_deciles_order_the_pairs_by_predicted_probability() -> None:
    probability = np.linspace(0.0, 0.99, 100)[::-1]
    taken = np.zeros(100, dtype=bool)
    table = calibration_table(probability, taken)
    assert table["predicted"].is_monotonic_increasing
    assert table.loc[0, "predicted"] == pytest.approx(np.mean(np.linspace(0, 0.09, 10)))
    assert (table["observed"] == 0).all()
