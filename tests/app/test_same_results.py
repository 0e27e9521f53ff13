"""The same results everywhere: on the same project and as-of date, the window
and the command line make the same push plan (pairs, ranks, scores, reasons)
and the same check at earlier dates, because both run ml.workflows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from app.pages.model import ModelPage
from app.window import MainWindow
from ml.cli import main as cli
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.plan import to_plan_csv
from ml.store.project import Project
from tests.app.conftest import write_plan_files

HORIZON_DAYS = 7
WAIT_MS = 600_000


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """Weekly buyers with named products in categories, two countries and a
    complaint; customers with segments, two of them with no order yet, and a
    product with no sale yet (what only cold-start pairs reach)."""
    orders, feedback = write_plan_files(tmp_path / "files")
    customers = tmp_path / "files" / "customers.csv"
    rows = [f"c{n},{'Gold' if n % 3 else 'Silver'}" for n in range(40)]
    rows += ["new1,Gold", "new2,Silver"]
    customers.write_text(
        "Customer ID,Segment\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    offerings = tmp_path / "files" / "offerings.csv"
    products = [f"p{n},{'Mugs' if n % 2 else 'Plates'}" for n in range(25)]
    products += ["X,Mugs", "p99,Plates"]
    offerings.write_text(
        "Product ID,Category\n" + "\n".join(products) + "\n", encoding="utf-8"
    )
    # Reviews: customers who love their mugs, so category ratings count too.
    liked = [
        f"c{n},p{2 * (n % 12) + 1},2024-04-{n + 1:02d},5,Love it" for n in range(20)
    ]
    with feedback.open("a", encoding="utf-8") as file:
        file.write("\n".join(liked) + "\n")
    path = tmp_path / "shop.pushwise"
    with Project.create(path) as project:
        import_file(project, orders, kind=Kind.ORDERS)
        import_file(project, feedback, kind=Kind.FEEDBACK)
        import_file(project, customers, kind=Kind.CUSTOMERS)
        import_file(project, offerings, kind=Kind.OFFERINGS)
    return path


@pytest.mark.slow
def test_the_window_and_the_command_line_give_the_same_plan_and_check(
    qtbot, window: MainWindow, shop: Path, tmp_path: Path
) -> None:
    # The window: Train on the Model page with a 7-day horizon and one
    # earlier date to check at; the Push plan page then makes the plan.
    assert window.open_project(shop)
    qtbot.waitUntil(lambda: not window.state.busy, timeout=WAIT_MS)
    page = window.pages["model"]
    assert isinstance(page, ModelPage)
    page.horizon_unit.setCurrentText("days")
    page.horizon_spin.setValue(HORIZON_DAYS)
    page.folds_spin.setValue(1)
    page.train_button.click()
    state = window.state
    qtbot.waitUntil(lambda: state.plan is not None and not state.busy, timeout=WAIT_MS)
    assert page.result is not None and page.result.backtest is not None
    meta, check = page.result.meta, page.result.backtest
    window_plan = to_plan_csv(state.plan, tmp_path / "window-plan.csv")
    check.write(tmp_path / "window-check")
    state.close_project()

    # The command line on the same project and as-of date.
    as_of = meta.as_of
    common = ["--project", str(shop), "--horizon", str(HORIZON_DAYS)]
    cli_plan = tmp_path / "cli-plan.csv"
    assert cli(["recommend", *common, "--out", str(cli_plan)]) == 0
    earlier = as_of - pd.Timedelta(days=HORIZON_DAYS)
    assert (
        cli(
            [
                "backtest",
                *common,
                "--folds",
                "1",
                "--as-of",
                f"{earlier:%Y-%m-%d}",
                "--out",
                str(tmp_path / "cli-check"),
            ]
        )
        == 0
    )

    plans = [pd.read_csv(path, dtype=str) for path in (window_plan, cli_plan)]
    assert len(plans[0]) > 50 and plans[0]["reason"].str.len().min() > 0
    assert {"new1", "new2"} <= set(plans[0]["customer_id"])  # cold start
    pd.testing.assert_frame_equal(plans[0], plans[1])
    assert cli_plan.read_bytes() == window_plan.read_bytes()
    written = sorted(p.name for p in (tmp_path / "window-check").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "cli-check").iterdir())
    for name in written:
        mine = (tmp_path / "window-check" / name).read_bytes()
        assert mine == (tmp_path / "cli-check" / name).read_bytes(), name
