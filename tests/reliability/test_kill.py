"""kill -9 at random moments of an import and of a model save: the project
always opens afterwards and holds either everything before or everything after,
never half."""

from __future__ import annotations

import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from ml.store.project import Project
from ml.store.savedmodels import LoadedModel, list_models, load_model
from tests.reliability.faults import (
    import_ids,
    make_orders_csv,
    make_project,
    order_count,
    start_cli,
)

TRIES = 3


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, int]:
    """A project, a larger file to import into it, and the order lines before
    and after that import."""
    folder = tmp_path_factory.mktemp("kill")
    project = make_project(folder, make_orders_csv(folder))
    more = make_orders_csv(folder, 20_000, skip=4_000, name="more.csv")
    before = order_count(project)
    done = folder / "done.pushwise"
    shutil.copyfile(project, done)
    proc = start_cli(["import", str(more), "--project", str(done)])
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    return project, more, before, order_count(done)


def _wait_for(marker: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert time.monotonic() < deadline, "the child never got there"
        time.sleep(0.01)


@pytest.mark.slow
def test_kill_during_an_import_leaves_all_or_nothing(
    files: tuple[Path, Path, int, int], tmp_path: Path
) -> None:
    stored, more, before, after = files
    rng = random.Random(11)
    for attempt in range(TRIES):
        project = tmp_path / f"try{attempt}.pushwise"
        shutil.copyfile(stored, project)
        marker = tmp_path / f"reading{attempt}"
        # The clock starts once the engine is loaded and the file is read.
        prelude = f"""
import ml.importing.importer as _importer
from pathlib import Path
_read = _importer.read_table
def _read_table(*args, **kwargs):
    Path({str(marker)!r}).touch()
    return _read(*args, **kwargs)
_importer.read_table = _read_table
"""
        proc = start_cli(
            ["import", str(more), "--project", str(project)], prelude=prelude
        )
        _wait_for(marker)
        time.sleep(rng.uniform(0.0, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        with Project.open(project) as reopened:  # never damaged
            assert reopened.info().orders_rows in (before, after)
        assert (import_ids(project), order_count(project)) in (
            ([1], before),
            ([1, 2], after),
        )


@pytest.mark.slow
def test_kill_during_a_model_save_leaves_the_old_state_or_the_new_model(
    files: tuple[Path, Path, int, int], tmp_path: Path
) -> None:
    stored = files[0]
    rng = random.Random(7)
    for attempt in range(TRIES):
        project = tmp_path / f"try{attempt}.pushwise"
        shutil.copyfile(stored, project)
        marker = tmp_path / f"saving{attempt}"
        prelude = f"""
import ml.store.savedmodels as _models
import ml.workflows.train as _training
from pathlib import Path
_save = _models.save_model
def _save_model(*args, **kwargs):
    Path({str(marker)!r}).touch()
    return _save(*args, **kwargs)
_models.save_model = _save_model
if hasattr(_training, "save_model"):
    _training.save_model = _save_model
"""
        proc = start_cli(
            ["train", "--project", str(project), "--horizon", "3"], prelude=prelude
        )
        _wait_for(marker)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        with Project.open(project) as reopened:
            saved = list_models(reopened)
            assert len(saved) in (0, 1)
            for meta in saved:
                assert isinstance(load_model(reopened, meta.model_id), LoadedModel)
