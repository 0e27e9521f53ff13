"""Fixtures of the GUI tests: private settings and data folder, projects, a window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QSettings

from app.settings import Settings
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.modelmeta import ModelMeta
from ml.store.project import Project
from ml.store.signing import key_path
from ml.workflows.results import ModelResult
from tests.conftest import SAMPLE
from tests.ml.builders import SMALL_RANKER, weekly_world

ORDERS_CSV = """\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
1001,A1,Red mug,2,2024-01-02 10:00,3.50,C1,France
1001,B2,Blue plate,1,2024-01-02 10:00,12.00,C1,France
1002,A1,Red mug,4,2024-01-09 11:30,3.50,C2,Germany
1003,C3,Green bowl,1,2024-01-17 09:15,8.25,C3,Germany
1004,B2,Blue plate,3,2024-01-18 16:45,12.00,C1,France
C1005,A1,Red mug,-1,2024-01-20 12:00,3.50,C2,Germany
"""
FEEDBACK_CSV = """customer_id,date,rating,comment
C1,2024-01-05,5,Lovely mug
C2,2024-01-12,2,Arrived broken
C3,2024-01-20,4,Nice bowl
"""

# The weekly buyers' orders as a shop would export them.
HEADERS = {
    "customer_id": "Customer ID",
    "offering_id": "Product",
    "ordered_at": "Order date",
    "quantity": "Quantity",
    "amount": "Amount",
    "order_id": "Order ID",
}


HERE = Path(__file__).parent
TINY_RANKER = {**SMALL_RANKER, "training_windows": 3, "max_iter": 20}
# A product name a spreadsheet would run as a formula.
RISKY_NAME = "=2+3 mug"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Ignore the offscreen platform's warning about window size hints.

    Every top-level window shown offscreen logs "This plugin does not support
    propagateSizeHints()"; it says nothing about Pushwise.
    """
    ignore = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(ignore)


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's data folder (sample project, log file) for this test only."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("PUSHWISE_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    """The ini file standing in for the user's QSettings."""
    return tmp_path / "settings" / "pushwise.ini"


@pytest.fixture
def settings(settings_file: Path) -> Settings:
    """UI preferences kept in a temporary ini file."""
    return Settings(QSettings(str(settings_file), QSettings.Format.IniFormat))


def write_small_files(folder: Path) -> tuple[Path, Path]:
    """Write the tiny orders and feedback files used by the tests."""
    folder.mkdir(parents=True, exist_ok=True)
    orders, feedback = folder / "orders.csv", folder / "feedback.csv"
    orders.write_text(ORDERS_CSV, encoding="utf-8")
    feedback.write_text(FEEDBACK_CSV, encoding="utf-8")
    return orders, feedback


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A project with 5 order lines, 1 return and 3 feedback entries."""
    orders, feedback = write_small_files(tmp_path / "files")
    path = tmp_path / "small.pushwise"
    with Project.create(path) as project:
        import_file(project, orders, kind=Kind.ORDERS)
        import_file(project, feedback, kind=Kind.FEEDBACK)
    return path


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample imported once per test run (copy it before use)."""
    path = tmp_path_factory.mktemp("sample") / "sample.pushwise"
    with Project.create(path) as project:
        import_file(project, SAMPLE)
    return path


@pytest.fixture
def sample_project(sample_template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the imported sample project."""
    path = tmp_path / "sample.pushwise"
    shutil.copyfile(sample_template, path)
    return path


@pytest.fixture
def window(qtbot, settings: Settings) -> Iterator:
    """The main window with private settings, shown."""
    from app.window import MainWindow

    main_window = MainWindow(settings=settings)
    qtbot.addWidget(main_window)
    main_window.resize(1280, 860)
    main_window.show()
    yield main_window
    main_window.state.shutdown()


@pytest.fixture(scope="module")
def weekly_template(tmp_path_factory) -> Path:
    """A project of weekly buyers (40 customers, 160 days), imported once."""
    folder = tmp_path_factory.mktemp("weekly")
    orders = folder / "orders.csv"
    weekly_world().rename(columns=HEADERS).to_csv(orders, index=False)
    path = folder / "weekly.pushwise"
    with Project.create(path) as project:
        import_file(project, orders)
    return path


@pytest.fixture
def weekly_project(weekly_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "weekly.pushwise"
    copy.write_bytes(weekly_template.read_bytes())
    return copy


def keep_signing_key(template: Path) -> None:
    """Keep this test's model signing key beside a trained `template` project
    (a module's fixture), for copy_trained."""
    shutil.copyfile(key_path(), template.with_suffix(".key"))


def copy_trained(template: Path, path: Path) -> Path:
    """A copy of a trained template project at `path`, with this test's
    signing key made the template's: its saved models were made "on this
    computer" and load (the worker loads them by id)."""
    shutil.copyfile(template, path)
    key_path().parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template.with_suffix(".key"), key_path())
    return path


def write_plan_files(folder: Path) -> tuple[Path, Path]:
    """Weekly buyers' orders (one product named like a formula, France and UK
    customers) and one bad rating, as a shop would export them."""
    world = weekly_world().dropna(subset=["customer_id"])
    names = "Item " + world["offering_id"]
    names = names.where(world["offering_id"] != "p12", RISKY_NAME)
    orders = pd.DataFrame(
        {
            "InvoiceNo": world["order_id"],
            "StockCode": world["offering_id"],
            "Description": names,
            "Quantity": 1,
            "InvoiceDate": world["ordered_at"].dt.strftime("%Y-%m-%d 10:00"),
            "UnitPrice": 2.0,
            "CustomerID": world["customer_id"],
            "Country": world["customer_id"].map(
                lambda c: "France" if c.endswith(("1", "3")) else "UK"
            ),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    orders_file, feedback_file = folder / "orders.csv", folder / "feedback.csv"
    orders.to_csv(orders_file, index=False)
    # c0 buys p17 now and then: a one-star rating blocks it.
    feedback_file.write_text(
        "customer_id,offering_id,date,rating,comment\nc0,p17,2024-05-01,1,Broke\n",
        encoding="utf-8",
    )
    return orders_file, feedback_file


@pytest.fixture(scope="session")
def plan_trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModelMeta]:
    """A tiny project with a model trained and saved in it, once for the test
    run (the plan page's tests and the rules panel's): the window holds its
    description, the worker loads it. Copy it with copy_trained."""
    from ml.workflows.settings import TrainSettings
    from ml.workflows.train import train_and_save

    folder = tmp_path_factory.mktemp("plan")
    orders, feedback = write_plan_files(folder)
    path = folder / "tiny.pushwise"
    # Its own signing key: set up before any test's, whose key it is copied as.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PUSHWISE_CONFIG_DIR", str(folder / "user-config"))
        with Project.create(path) as project:
            import_file(project, orders, kind=Kind.ORDERS)
            import_file(project, feedback, kind=Kind.FEEDBACK)
            model = train_and_save(project, TrainSettings(ranker_options=TINY_RANKER))
        keep_signing_key(path)
    return path, model.meta


@pytest.fixture(scope="session")
def weekly_trained(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, ModelResult]:
    """The weekly buyers' project with a tiny model saved in it and checked at
    3 earlier dates, once for the test run (the backtest page's tests and the
    window's freshness ones); the signing key is kept beside the project (copy
    it with copy_trained)."""
    from threadpoolctl import threadpool_limits

    from ml.progress import never, no_report
    from ml.workflows.settings import CheckSettings, TrainSettings
    from ml.workflows.train import train_and_check
    from tests.app.test_model_page import TINY

    folder = tmp_path_factory.mktemp("weekly-trained")
    orders = folder / "orders.csv"
    weekly_world().rename(columns=HEADERS).to_csv(orders, index=False)
    settings = TrainSettings(
        horizon_days=7, ranker_options={**TINY, "training_windows": 3}
    )
    path = folder / "weekly.pushwise"
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(1):
        patch.setenv("PUSHWISE_CONFIG_DIR", str(folder / "user-config"))
        with Project.create(path) as project:
            import_file(project, orders)
            result = train_and_check(
                project, settings, CheckSettings(folds=3), no_report, never
            )
        keep_signing_key(path)
    return path, result
