"""The workflow pages of the main window, in the order the sidebar lists them.

To add or replace a page, edit ``workflow_pages``: each entry names a factory
``factory(state) -> QWidget``. Import page modules inside the factory so that
the window opens without loading what a page needs (scikit-learn, models).
A page may define ``export()`` (File > Export… calls it while it is shown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.state import AppState


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One workflow page: its key, sidebar title, tooltip and factory."""

    key: str
    title: str
    tooltip: str
    factory: Callable[[AppState], QWidget]


def _data_page(state: AppState) -> QWidget:
    from app.pages.data import DataPage

    return DataPage(state)


def _plan_page(state: AppState) -> QWidget:
    from app.pages.plan import PushPlanPage

    return PushPlanPage(state)


def _model_page(state: AppState) -> QWidget:
    from app.pages.model import ModelPage

    return ModelPage(state)


def _campaigns_page(state: AppState) -> QWidget:
    from app.pages.campaigns import CampaignsPage

    return CampaignsPage(state)


def _backtest_page(state: AppState) -> QWidget:
    from app.pages.backtest import BacktestPage

    return BacktestPage(state)


def workflow_pages() -> list[PageSpec]:
    """The pages of the main window, in workflow order."""
    return [
        PageSpec(
            "data",
            "Data",
            "What the project holds: orders, feedback, offerings, customers, imports",
            _data_page,
        ),
        PageSpec(
            "model",
            "Model",
            "Train a model on your data and see how trustworthy it is",
            _model_page,
        ),
        PageSpec(
            "plan",
            "Push plan",
            "Which offering to push to which customer, with the rules applied",
            _plan_page,
        ),
        PageSpec(
            "backtest",
            "Backtest",
            "Predicted versus actual uptake on past weeks",
            _backtest_page,
        ),
        PageSpec(
            "campaigns",
            "Campaigns",
            "What the pushes sent did: predicted against actual uptake, and "
            "against the control group",
            _campaigns_page,
        ),
    ]
