"""The heavy steps on a Dask cluster (two worker processes of one thread each)
give the plan, forecast and backtest of a local run; a lost worker stops the
job with a plain message and leaves the project as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ml import compute
from ml.backtest.run import run_backtest
from ml.cli import main
from ml.columns import Columns
from ml.dataset import load_interactions
from ml.demand.baselines import MovingAverageForecaster
from ml.errors import Cancelled
from ml.importing.importer import import_file
from ml.models.baselines import PopularityRecommender
from ml.models.ranker import TwoStageRanker
from ml.plan import PlanRules
from ml.store.project import Project
from ml.store.savedmodels import list_models
from ml.workflows.forecast import forecast_project
from ml.workflows.plan import plan_project
from ml.workflows.settings import TrainSettings
from tests.conftest import ROOT, SAMPLE
from tests.test_layers import _ml_modules

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

# A lighter ranker than the default keeps the module quick; the cluster
# runs the same steps whatever the settings.
LIGHT = {"max_iter": 30, "training_windows": 3}
CUSTOMERS = 300


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A local cluster of 2 worker processes, 1 thread each; its address.
    A task that kills its worker is not retried (allowed-failures 0)."""
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        ) as local,
    ):
        yield local.scheduler_address


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of the sample's first 300 customers (about 22,000 lines)."""
    folder = tmp_path_factory.mktemp("cluster")
    orders = pd.read_csv(SAMPLE, dtype=str)
    ids = sorted(orders["CustomerID"].dropna().unique())[:CUSTOMERS]
    part = folder / "orders.csv"
    orders.loc[orders["CustomerID"].isin(ids)].to_csv(part, index=False)
    path = folder / "shop.pushwise"
    with Project.open(path, create=True) as project:
        import_file(project, part)
    return path


@pytest.mark.slow
def test_plan_with_the_project_setting_is_the_local_plan(cluster, shop) -> None:
    settings = TrainSettings(ranker_options=LIGHT)
    with Project.open(shop) as project:
        here = plan_project(project, settings, PlanRules(), save_model=False)
        compute.save_scheduler(project.con, cluster)
        try:
            assert compute.scheduler_for(project) == cluster
            there = plan_project(project, settings, PlanRules(), save_model=False)
        finally:
            compute.save_scheduler(project.con, None)
        assert compute.scheduler_for(project) is None
    key = [Columns.CUSTOMER, Columns.OFFERING, "rank"]
    assert len(here.plan.rows) > 1000
    pd.testing.assert_frame_equal(
        there.plan.rows[key].reset_index(drop=True),
        here.plan.rows[key].reset_index(drop=True),
    )
    assert there.plan.rows["probability"].to_numpy() == pytest.approx(
        here.plan.rows["probability"].to_numpy(), abs=1e-12
    )
    assert there.model.meta.validation == pytest.approx(here.model.meta.validation)


@pytest.mark.slow
def test_forecast_with_scheduler_argument_and_environment(
    cluster, shop, tmp_path, monkeypatch
) -> None:
    argv = ["forecast", "--project", str(shop), "--period", "week"]
    assert main([*argv, "--out", str(tmp_path / "here.csv")]) == 0
    given = ["--scheduler", cluster, "--out", str(tmp_path / "given.csv")]
    assert main([*argv, *given]) == 0
    with Project.open(shop) as project:
        local = forecast_project(project, period="week")
        monkeypatch.setenv(compute.SCHEDULER_ENV, cluster)
        assert compute.scheduler_for(project) == cluster
        from_env = forecast_project(project, period="week")
    here = pd.read_csv(tmp_path / "here.csv")
    assert len(here) > 1000
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "given.csv"), here)
    pd.testing.assert_frame_equal(from_env, local)


@pytest.mark.slow
def test_backtest_on_the_cluster_is_the_local_backtest(cluster, shop) -> None:
    with Project.open(shop) as project:
        data = load_interactions(project)
    # Each fold runs on a worker of its own: Pushwise, one list baseline and
    # one demand method are enough to compare every table.
    options = {
        "folds": 2,
        "ranker": TwoStageRanker(**LIGHT),
        "baselines": {"popularity": PopularityRecommender()},
        "demand": {"moving average": MovingAverageForecaster()},
    }
    here = run_backtest(data, **options)
    said: list[str] = []
    with compute.scheduler_given(cluster), compute.on_cluster(None) as executor:
        assert executor.remote
        there = run_backtest(data, **options, report=lambda f, m: said.append(m))
    assert said[:3] == [
        "Checked 0 of 2 earlier dates",
        "Checked 1 of 2 earlier dates",
        "Checked 2 of 2 earlier dates",
    ]
    assert here.summary()["ndcg"].notna().all()
    for name in ("list_metrics", "gains", "calibration", "uptake", "demand_metrics"):
        pd.testing.assert_frame_equal(
            getattr(there, name), getattr(here, name), rtol=1e-9, obj=name
        )


def test_connection_check_counts_the_workers(cluster) -> None:
    said = compute.describe_cluster(f" {cluster} ")
    assert said.startswith(
        f"Reached the scheduler at {cluster}: 2 workers with 2 threads"
    )


@pytest.mark.slow
def test_the_engine_loads_dask_only_for_a_cluster() -> None:
    """The desktop bundle leaves Dask out: no ml module may import it."""
    code = (
        "import importlib, sys\n"
        f"for name in {_ml_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(m for m in ('dask', 'distributed') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_bad_address_is_a_bad_argument(shop, tmp_path, capsys) -> None:
    out = str(tmp_path / "f.csv")
    argv = ["forecast", "--project", str(shop), "--scheduler", "my-cluster"]
    assert main([*argv, "--out", out]) == 2
    assert "--scheduler 'my-cluster' is not a scheduler address" in (
        capsys.readouterr().err
    )


def test_unreachable_scheduler_is_said_plainly_and_at_once(shop) -> None:
    started = time.monotonic()
    with (
        Project.open(shop) as project,
        compute.scheduler_given("tcp://127.0.0.1:9"),
        pytest.raises(compute.ClusterError, match="could not reach the cluster"),
    ):
        forecast_project(project)
    # Nothing listens there: said without waiting for a connection timeout.
    assert time.monotonic() - started < compute._CONNECT_S / 2


def test_missing_extra_names_the_install_command(shop, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        Project.open(shop) as project,
        compute.scheduler_given("tcp://127.0.0.1:8786"),
        pytest.raises(compute.ClusterError) as error,
    ):
        forecast_project(project)
    assert "pip install 'pushwise[cluster]'" in error.value.message


@pytest.mark.slow
def test_lost_worker_fails_the_job_and_saves_nothing(
    cluster, shop, monkeypatch, capsys
) -> None:
    with Project.open(shop) as project:
        before = list_models(project)
    # A lambda travels by value: the worker runs it without this module.
    monkeypatch.setattr("ml.models.ranker._window_examples", lambda *args: os._exit(3))
    code = main(["train", "--project", str(shop), "--scheduler", cluster])
    err = capsys.readouterr().err
    assert code == 3
    assert "lost a worker in the middle of the job" in err
    assert "nothing was saved" in err
    with Project.open(shop) as project:
        assert list_models(project) == before


def test_cancel_stops_the_job_on_the_cluster(cluster) -> None:
    started = time.monotonic()

    def stop_requested() -> bool:
        return time.monotonic() - started > 0.3

    with (
        compute.scheduler_given(cluster),
        compute.on_cluster(None) as executor,
        pytest.raises(Cancelled),
    ):
        executor.map(time.sleep, [2.0, 2.0, 2.0], stop_requested=stop_requested)
    assert time.monotonic() - started < 1.5
