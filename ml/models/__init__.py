"""Recommenders: which offerings to push to which customer, best first."""

from ml.models.base import BaseRecommender, Recommender
from ml.models.baselines import (
    ItemKNNRecommender,
    PersonalFrequencyRecommender,
    PopularityRecommender,
    TifuKNNRecommender,
)
from ml.models.ranker import TwoStageRanker

__all__ = [
    "BaseRecommender",
    "ItemKNNRecommender",
    "PersonalFrequencyRecommender",
    "PopularityRecommender",
    "Recommender",
    "TifuKNNRecommender",
    "TwoStageRanker",
]
