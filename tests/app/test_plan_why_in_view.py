"""The push plan's Why column is in view at the window's default size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.settings import Settings
from app.widgets.table import TablePanel
from app.window import MainWindow
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.modelmeta import ModelMeta
from ml.store.project import Project
from ml.workflows.settings import TrainSettings
from ml.workflows.train import train_and_save
from tests.app.conftest import copy_trained, keep_signing_key
from tests.ml.builders import SMALL_RANKER, weekly_world

WAIT_MS = 60_000
# Names as long as the sample's (Online Retail) product names.
NAMES = [
    "WHITE HANGING HEART T-LIGHT HOLDER",
    "KNITTED UNION FLAG HOT WATER BOTTLE",
    "SET 7 BABUSHKA NESTING BOXES",
    "GLASS STAR FROSTED T-LIGHT HOLDER",
    "HAND WARMER SCOTTY DOG DESIGN",
    "ASSORTED COLOUR BIRD ORNAMENT",
    "POPPY'S PLAYHOUSE BEDROOM",
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModelMeta]:
    """A small project with sample-length names, and a model trained and
    saved in it."""
    folder = tmp_path_factory.mktemp("why")
    world = weekly_world().dropna(subset=["customer_id"])
    codes = sorted(world["offering_id"].unique())
    names = {code: f"{NAMES[i % len(NAMES)]} {i}" for i, code in enumerate(codes)}
    orders = pd.DataFrame(
        {
            "InvoiceNo": world["order_id"],
            "StockCode": world["offering_id"],
            "Description": world["offering_id"].map(names),
            "Quantity": 1,
            "InvoiceDate": world["ordered_at"].dt.strftime("%Y-%m-%d 10:00"),
            "UnitPrice": 2.0,
            "CustomerID": "1" + world["customer_id"].str.zfill(4),
            "Country": "United Kingdom",
        }
    )
    path = folder / "shop.pushwise"
    orders.to_csv(folder / "orders.csv", index=False)
    # Its own signing key: set up before any test's (PUSHWISE_CONFIG_DIR may
    # still name the previous test's folder, or none before the first test).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PUSHWISE_CONFIG_DIR", str(folder / "user-config"))
        with Project.create(path) as project:
            import_file(project, folder / "orders.csv", kind=Kind.ORDERS)
            options = {**SMALL_RANKER, "training_windows": 3, "max_iter": 20}
            model = train_and_save(project, TrainSettings(ranker_options=options))
        keep_signing_key(path)
    return path, model.meta


@pytest.fixture
def default_window(qtbot, settings: Settings) -> Iterator[MainWindow]:
    """The main window at the size it opens with the first time."""
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.state.shutdown()


def _width_in_view(panel: TablePanel, name: str) -> float:
    """How much of a column is in view without scrolling, in widths of "M"."""
    view: QTableView = panel.view
    section = panel.model.visible_columns().index(name)
    left = view.columnViewportPosition(section)
    right = min(left + view.columnWidth(section), view.viewport().width())
    return max(right - max(left, 0), 0) / view.fontMetrics().horizontalAdvance("M")


@pytest.mark.slow
def test_the_why_column_is_in_view_at_the_default_size(
    qtbot, default_window: MainWindow, trained, tmp_path: Path
) -> None:
    template, model = trained
    path = tmp_path / "shop.pushwise"
    copy_trained(template, path)
    window = default_window
    assert window.open_project(path)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.plan_changed, timeout=WAIT_MS):
        window.state.set_model(model)
    window.show_page("plan")
    page = window.pages["plan"]
    tabs = {
        "All pushes": (page.all_panel, page.all_panel),
        "By customer": (page.by_customer, page.by_customer.panel),
        "By offering": (page.by_offering, page.by_offering.panel),
    }
    in_view = {}
    for name, (tab, panel) in tabs.items():
        page.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda panel=panel: panel.view.viewport().width() > 100)
        assert panel.model.rowCount() > 0, name
        in_view[name] = _width_in_view(panel, "reason")
    # Its heading at least; in the views by customer and by offering, where
    # Why follows the chance, a good part of each reason.
    assert in_view["All pushes"] >= 12
    assert in_view["By customer"] >= 12 and in_view["By offering"] >= 12
    # A name or reason cut with "…" can be read whole in its tooltip.
    model = page.by_customer.panel.model
    cell = model.index(0, model.visible_columns().index("offering_name"))
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == cell.data()
