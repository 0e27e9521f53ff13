"""Training a project's model, saving it, and reusing it only when it is
trustworthy and answers the same question on the same data."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from ml.errors import Cancelled
from ml.importing.importer import import_file
from ml.modelmeta import ModelMeta, library_versions
from ml.store import Project, signing
from ml.store.savedmodels import data_fingerprint, list_models
from ml.workflows import train as training
from ml.workflows.settings import TrainSettings
from ml.workflows.train import (
    COMPONENTS,
    TrainedModel,
    load_or_train,
    read_learning_data,
    train_and_save,
)
from tests.ml.builders import DAY0, SMALL_RANKER, weekly_world

# Tiny trees on weekly windows: a second per training.
RANKER = {**SMALL_RANKER, "training_windows": 3, "max_iter": 10}
HORIZON = 7
SETTINGS = TrainSettings(horizon_days=HORIZON, ranker_options=RANKER)
AS_OF = DAY0 + pd.Timedelta(days=160)  # the day after the last order
HEADERS = {
    "customer_id": "Customer ID",
    "offering_id": "Product",
    "ordered_at": "Order date",
    "quantity": "Quantity",
    "amount": "Amount",
    "order_id": "Order ID",
}


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    # Tiny fits spend their time waiting for threads on a busy machine.
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, TrainedModel]:
    """A project of weekly buyers with one saved model (the file is closed),
    signed with the key in the folder "user-config" beside it."""
    folder = tmp_path_factory.mktemp("trained")
    orders = folder / "orders.csv"
    weekly_world().rename(columns=HEADERS).to_csv(orders, index=False)
    path = folder / "weekly.pushwise"
    with (
        pytest.MonkeyPatch.context() as patch,
        Project.create(path) as project,
        threadpool_limits(1),
    ):
        patch.setenv(signing.CONFIG_ENV, str(folder / "user-config"))
        import_file(project, orders)
        model = train_and_save(project, SETTINGS)
    return path, model


@pytest.fixture
def project(trained, tmp_path, user_config_dir, monkeypatch) -> Iterator[Project]:
    """A copy of the trained project, open, on the computer that trained it."""
    monkeypatch.setenv(signing.CONFIG_ENV, str(trained[0].parent / "user-config"))
    copy = tmp_path / "copy.pushwise"
    shutil.copyfile(trained[0], copy)
    with Project.open(copy) as project:
        yield project


def reuse(project: Project, **changes) -> tuple[TrainedModel, str]:
    settings = replace(SETTINGS, **changes)
    return load_or_train(project, settings, learning=read_learning_data(project))


def test_a_trained_model_describes_what_it_learnt_from(trained) -> None:
    path, model = trained
    meta = model.meta
    assert (meta.as_of, meta.horizon_days, meta.level) == (AS_OF, 7, "offering")
    assert (meta.customers, meta.offerings) == (41, 26)  # 40 + "weekly"; X, p0..p24
    assert meta.purchases == len(weekly_world())
    assert meta.parameters["max_iter"] == 10
    assert meta.versions == library_versions()
    assert meta.components == COMPONENTS
    assert 0.0 <= meta.validation["calibration_gap"] < 0.1
    assert model.ranker.recommend(["weekly"], k=1) == {"weekly": ["X"]}
    with Project.open(path) as project:
        assert list_models(project) == [meta]
        assert meta.fingerprint == data_fingerprint(project)


def test_the_saved_model_is_reused_and_plans_as_the_trained_one(
    project, trained
) -> None:
    model, note = reuse(project)
    assert note.startswith("Using the model saved in the project on ")
    assert note.endswith(f"(as of {AS_OF:%Y-%m-%d}, 7-day horizon).")
    assert model.meta == trained[1].meta
    customers = [f"c{c}" for c in range(40)] + ["weekly"]
    pd.testing.assert_frame_equal(
        model.ranker.scored(customers), trained[1].ranker.scored(customers)
    )
    assert len(list_models(project)) == 1


def test_a_model_from_another_computer_is_retrained_and_says_so(
    project, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv(signing.CONFIG_ENV, str(tmp_path / "this-computer"))
    model, note = reuse(project)
    assert note == (
        "The saved model was trained on another computer, so Pushwise retrained "
        "it from the project's data and saved it in the project."
    )
    assert list_models(project)[0].model_id == model.meta.model_id
    assert reuse(project)[1].startswith("Using the model saved")


def test_a_model_made_with_other_library_versions_is_retrained(project) -> None:
    (old_json,) = project.con.execute("SELECT meta_json FROM models").fetchone()
    old = ModelMeta.from_json(old_json)
    older = old.to_json().replace(
        f'"numpy": "{old.versions["numpy"]}"', '"numpy": "1.26.0"'
    )
    (payload,) = project.con.execute("SELECT payload FROM models").fetchone()
    # Signed here, by an older Pushwise: trusted bytes, still not unpickled.
    project.con.execute(
        "UPDATE models SET meta_json = ?, signature = ?",
        [older, signing.sign(payload, older)],
    )
    _, note = reuse(project)
    assert note.startswith(
        "The saved model was made with numpy 1.26.0, and this Pushwise uses numpy "
    )


def test_new_data_means_a_new_model(project, tmp_path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer ID,Opted out\nc1,yes\n", encoding="utf-8")
    import_file(project, customers)
    model, note = reuse(project)
    assert note == (
        "The project's data changed since the saved model was trained, so "
        "Pushwise trained a new model and saved it in the project."
    )
    assert model.meta.fingerprint == data_fingerprint(project)


def test_another_question_means_a_new_model(project) -> None:
    as_of = AS_OF - pd.Timedelta(days=14)
    model, note = reuse(project, as_of=as_of)
    assert note == (
        f"No model as of {as_of:%Y-%m-%d} with a 7-day horizon by offering was "
        "saved, so Pushwise trained one and saved it in the project."
    )
    assert model.meta.as_of == as_of
    assert len(list_models(project)) == 2


def test_a_cancelled_training_leaves_the_project_as_it_was(project) -> None:
    before = list_models(project)
    calls = itertools.count()
    with pytest.raises(Cancelled):
        # Stop at the last check, once the ranker is fitted.
        train_and_save(project, SETTINGS, stop_requested=lambda: next(calls) >= 2)
    assert next(calls) == 3  # the fit ran: the cancel came after it
    assert list_models(project) == before


def test_a_model_saved_with_older_internals_is_retrained(project, monkeypatch) -> None:
    # A newer Pushwise whose ranker keeps other internals must not unpickle
    # the old one into them.
    monkeypatch.setattr(training, "COMPONENTS", ("ranker:99",))
    model, note = reuse(project)
    assert note == (
        "The saved model was trained with other settings, so Pushwise trained a "
        "new model and saved it in the project."
    )
    assert model.meta.components == ("ranker:99",)


def test_other_settings_mean_a_new_model(project) -> None:
    _, note = reuse(project, ranker_options={**RANKER, "max_iter": 11})
    assert note == (
        "The saved model was trained with other settings, so Pushwise trained a "
        "new model and saved it in the project."
    )
