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


def _empty(title: str, message: str) -> Callable[[AppState], QWidget]:
    def make(state: AppState) -> QWidget:
        from app.pages.placeholder import EmptyStatePage

        return EmptyStatePage(title, message)

    return make


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
            _empty(
                "No model yet",
                "Train a model on your orders: it learns which offerings each "
                "customer is likely to take up next, and shows how good its "
                "predictions were on past weeks.",
            ),
        ),
        PageSpec(
            "plan",
            "Push plan",
            "Which offering to push to which customer, with the rules applied",
            _empty(
                "Train a model first",
                "The push plan lists, for each customer, the offerings to offer "
                "next. It appears here once a model is trained.",
            ),
        ),
        PageSpec(
            "backtest",
            "Backtest",
            "Predicted versus actual uptake on past weeks",
            _empty(
                "Train a model first",
                "The backtest compares the predicted uptake with what customers "
                "actually bought in past weeks. It appears here once a model is "
                "trained.",
            ),
        ),
    ]
