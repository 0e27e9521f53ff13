"""The comment scorer on Olist's real reviews (Portuguese), some ratings hidden."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from ml.columns import Kind
from ml.dataset import load_interactions
from ml.features.comments import FROM_COMMENT, feedback_texts, rate_comments
from ml.importing.importer import import_file
from ml.store.project import Project


@pytest.mark.slow
def test_hidden_olist_ratings_are_read_back_from_their_comments(
    tmp_path, shared_data
) -> None:
    reviews = shared_data / "olist-sample" / "olist_order_reviews_dataset.csv.gz"
    with Project.open(tmp_path / "olist.pushwise", create=True) as project:
        import_file(project, reviews, kind=Kind.FEEDBACK)
        data = load_interactions(project)
    said = data.feedback
    hide = (feedback_texts(said) != "") & (
        np.random.default_rng(0).random(len(said)) < 0.2
    )
    truth = said.rating[hide].to_numpy()
    hidden = said.assign(
        rating=said.rating.mask(hide), rating_source=said.rating_source.mask(hide)
    )
    as_of = said.submitted_at.max() + np.timedelta64(1, "D")
    rated, scorer = rate_comments(replace(data, feedback=hidden), as_of)
    assert scorer.enough_
    read = rated.feedback.rating[hide].to_numpy()
    assert (rated.feedback.rating_source[hide] == FROM_COMMENT).all()
    # Measured: MAE 0.157 (the mean rating: 0.321), AUC 0.945 on 668 comments.
    assert np.mean(np.abs(read - truth)) < 0.2
    assert np.mean(np.abs(read - truth)) < 0.6 * np.mean(
        np.abs(truth - said.rating[~hide].mean())
    )
    assert roc_auc_score(truth <= 0.25, -read) > 0.9
    # The ratings given are all still there.
    assert rated.feedback.rating[~hide].equals(said.rating[~hide])
