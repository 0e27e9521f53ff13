"""Ratings read from comments: known answers on synthetic reviews, the
not-enough case, given ratings kept, and no words learnt from the future."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ml.features.comments import (
    FROM_COMMENT,
    GIVEN,
    CommentScorer,
    feedback_texts,
    fill_ratings,
    rate_comments,
)
from ml.plan import build_plan
from tests.ml.builders import AS_OF, interactions

GOOD = ["great", "perfect", "love", "excellent", "fast", "recommend"]
BAD = ["terrible", "broken", "awful", "late", "refund", "useless"]
FILLER = ["the", "mug", "lamp", "delivery", "box", "it", "was", "arrived", "very"]


def reviews(n: int, seed: int = 0) -> tuple[list[str], list[float]]:
    """n distinct short reviews: good words with 5 stars, bad words with 1."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    ratings: list[float] = []
    seen: set[str] = set()
    while len(texts) < n:
        bad = rng.random() < 0.35
        words = list(rng.choice(BAD if bad else GOOD, size=2))
        words += list(rng.choice(FILLER, size=int(rng.integers(2, 5))))
        text = " ".join(rng.permutation(words))
        if text not in seen:
            seen.add(text)
            texts.append(text)
            ratings.append(0.0 if bad else 1.0)
    return texts, ratings


@pytest.fixture(scope="module")
def scorer() -> CommentScorer:
    texts, ratings = reviews(300)
    return CommentScorer().fit(texts, ratings)


def test_clearly_negative_words_get_a_low_score(scorer) -> None:
    assert scorer.enough_
    low, high = scorer.score(["awful and broken, refund", "perfect, love it"])
    assert low < 0.25 < 0.75 < high
    assert scorer.quality_ is not None
    assert scorer.quality_.auc > 0.95
    assert scorer.quality_.mae < scorer.quality_.baseline_mae


def test_a_refit_reads_the_same_ratings(scorer) -> None:
    texts, ratings = reviews(300)
    again = CommentScorer().fit(texts, ratings)
    probe = ["late and broken", "fast delivery, love it", "the mug"]
    assert again.score(probe) == pytest.approx(scorer.score(probe))


def test_empty_comments_get_no_score(scorer) -> None:
    scores = scorer.score(["", None, "   ", "great"])
    assert np.isnan(scores[:3]).all()
    assert scores[3] > 0.75


def test_too_few_rated_comments_give_no_scores() -> None:
    texts, ratings = reviews(120)
    few = CommentScorer().fit(texts, ratings)
    assert not few.enough_
    assert np.isnan(few.score(["awful", "great"])).all()


def test_one_comment_spread_over_many_offerings_counts_once() -> None:
    texts, ratings = reviews(150)
    # 150 distinct comments, each repeated as if on an order of two items.
    doubled = CommentScorer().fit(texts * 2, ratings * 2)
    assert doubled.rated_ == 150
    assert not doubled.enough_


def test_comments_without_negatives_are_not_enough() -> None:
    texts = [f"great item number {i}" for i in range(300)]
    happy = CommentScorer().fit(texts, [1.0] * 300)
    assert not happy.enough_


def feedback_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4"],
            "offering_id": ["mug"] * 4,
            "submitted_at": pd.to_datetime(["2024-01-05"] * 4),
            "rating": [1.0, np.nan, np.nan, np.nan],
            "comment": ["terrible, broken", "awful, broken, refund", None, "love it"],
            "title": [None, None, "perfect", None],
            "kind": "review",
        }
    )


def test_fill_reads_unrated_comments_and_never_touches_given_ratings(
    scorer,
) -> None:
    filled = fill_ratings(feedback_frame(), scorer)
    # c1 rated 5/5 even though the words are bad: the rating given stands.
    assert filled.rating.iloc[0] == 1.0
    assert filled.rating_source.tolist() == [GIVEN] + [FROM_COMMENT] * 3
    assert filled.rating.iloc[1] < 0.25
    assert filled.rating.iloc[2] > 0.75  # the title alone is read
    assert filled.rating.iloc[3] > 0.75


def test_fill_with_too_few_comments_changes_no_rating() -> None:
    texts, ratings = reviews(50)
    few = CommentScorer().fit(texts, ratings)
    filled = fill_ratings(feedback_frame(), few)
    assert filled.rating.iloc[0] == 1.0
    assert filled.rating.iloc[1:].isna().all()
    assert filled.rating_source.iloc[0] == GIVEN
    assert filled.rating_source.iloc[1:].isna().all()


def test_titles_and_comments_are_read_together() -> None:
    texts = feedback_texts(feedback_frame().assign(title=["Bad", None, "ok", ""]))
    assert texts.tolist() == [
        "Bad. terrible, broken",
        "awful, broken, refund",
        "ok",
        "love it",
    ]


def test_rate_comments_learns_only_from_comments_before_as_of() -> None:
    texts, ratings = reviews(300)
    rows = [("c1", "mug", "2024-01-20", rating, "review") for rating in ratings]
    rows += [
        ("c2", "mug", "2024-01-10", None, "review"),
        ("c3", "mug", "2024-02-10", None, "review"),
        ("c4", "mug", "2024-03-10", None, "review"),
    ]
    data = interactions([("c1", "mug", "2023-12-01")], feedback=rows)
    comments = [*texts, *["broken and awful"] * 3]
    data = replace(data, feedback=data.feedback.assign(comment=comments))
    rated, fitted = rate_comments(data, "2024-03-01")
    assert fitted is not None
    assert fitted.enough_
    assert (rated.feedback.rating.iloc[-3:-1] < 0.25).all()
    assert (rated.feedback.rating_source.iloc[-3:-1] == FROM_COMMENT).all()
    # After as_of: left as it was.
    assert math.isnan(rated.feedback.rating.iloc[-1])
    # Before the rated comments arrived there was nothing to learn from.
    early, unfitted = rate_comments(data, "2024-01-15")
    assert unfitted is not None
    assert not unfitted.enough_
    assert early.feedback.rating.iloc[-3:].isna().all()


def test_rate_comments_fits_nothing_when_every_comment_is_rated() -> None:
    data = interactions(
        [("c1", "mug", "2023-12-01")],
        feedback=[("c1", "mug", "2024-01-20", 0.5, "review")],
    )
    data = replace(data, feedback=data.feedback.assign(comment=["so so"]))
    rated, scorer = rate_comments(data, "2024-03-01")
    assert scorer is None
    assert rated is data


def test_an_unrated_angry_comment_stops_the_push() -> None:
    texts, ratings = reviews(300)
    rows = [("c1", "mug", "2024-01-20", rating, "review") for rating in ratings]
    rows += [
        ("c2", "mug", "2024-02-10", None, "review"),
        ("c3", "mug", "2024-02-10", None, "review"),
    ]
    bought = [("c2", "mug", "2024-01-02"), ("c3", "mug", "2024-01-02")]
    data = interactions(bought, feedback=rows)
    comments = [*texts, "awful, broken, I want a refund", "love it, perfect"]
    data = replace(data, feedback=data.feedback.assign(comment=comments))
    rated, _ = rate_comments(data, AS_OF)
    scored = pd.DataFrame(
        {"customer_id": ["c2", "c3"], "offering_id": "mug", "probability": 0.5}
    )
    plan = build_plan(scored, rated, AS_OF)
    assert plan.rows.customer_id.tolist() == ["c3"]
    assert plan.removed_by_rule["negative_feedback"] == 1
