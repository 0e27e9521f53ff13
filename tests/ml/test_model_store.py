"""Saved models: signed in the project, never unpickled unless this user's key
signed them with the same library versions."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ml.importing.importer import import_file
from ml.modelmeta import ModelMeta, library_versions
from ml.store import Project, signing
from ml.store.savedmodels import (
    LoadedModel,
    ModelUnavailable,
    data_fingerprint,
    described_models,
    list_models,
    load_model,
    save_model,
)

# Set by unpickling a Bomb: proof that its bytes were unpickled.
EXPLODED: list[str] = []


def _explode(name: str) -> str:
    EXPLODED.append(name)
    return name


class Bomb:
    """A payload whose unpickling has a visible side effect."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_explode, (self.name,))


def meta(model_id: str = "m1", minutes: int = 0, **changes: object) -> ModelMeta:
    base = ModelMeta(
        model_id=model_id,
        created_at=datetime(2024, 5, 1, tzinfo=UTC) + timedelta(minutes=minutes),
        as_of=pd.Timestamp("2011-12-10"),
        horizon_days=28,
        level="offering",
        parameters={"horizon_days": 28, "learning_rate": 0.08, "random_state": 0},
        versions=library_versions(),
        fingerprint="f" * 64,
        customers=3,
        offerings=2,
        purchases=10,
        validation={"calibration_gap": 0.01},
        components=("ranker",),
        seconds=1.5,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    EXPLODED.clear()
    with Project.create(tmp_path / "shop.pushwise") as project:
        yield project


def test_a_saved_model_loads_back_with_its_description(project) -> None:
    save_model(project, meta(), {"weights": [1, 2, 3]})
    loaded = load_model(project, "m1")
    assert loaded == LoadedModel(meta(), {"weights": [1, 2, 3]})
    assert list_models(project) == [meta()]


def test_a_valid_model_is_unpickled(project) -> None:
    # The control for the tests below: this payload does explode when loaded.
    save_model(project, meta(), Bomb("loaded"))
    assert isinstance(load_model(project, "m1"), LoadedModel)
    assert EXPLODED == ["loaded"]


@pytest.mark.parametrize(
    ("column", "change"),
    [
        ("payload", "payload || '\\x00'::BLOB"),
        ("meta_json", "replace(meta_json, '2011-12-10', '2011-12-11')"),
        ("signature", "replace(signature, substr(signature, -4), 'beef')"),
    ],
)
def test_a_changed_model_is_refused_without_unpickling(project, column, change):
    save_model(project, meta(), Bomb("tampered"))
    project.con.execute(f"UPDATE models SET {column} = {change}")
    loaded = load_model(project, "m1")
    assert isinstance(loaded, ModelUnavailable)
    assert loaded.reason.startswith("was changed after it was saved")
    assert EXPLODED == []


def test_a_model_from_another_computer_is_refused_without_unpickling(
    project, tmp_path, monkeypatch
) -> None:
    save_model(project, meta(), Bomb("foreign"))
    monkeypatch.setenv(signing.CONFIG_ENV, str(tmp_path / "this-computer"))
    loaded = load_model(project, "m1")
    assert loaded == ModelUnavailable("m1", "was trained on another computer")
    assert loaded.message == (
        "This model was trained on another computer; Pushwise will retrain it "
        "from the project's data."
    )
    assert EXPLODED == []


def test_a_model_made_with_other_library_versions_is_not_unpickled(project):
    versions = {**library_versions(), "scikit-learn": "1.5.0"}
    save_model(project, meta(versions=versions), Bomb("old"))  # signed here
    loaded = load_model(project, "m1")
    assert isinstance(loaded, ModelUnavailable)
    assert loaded.reason == (
        f"was made with scikit-learn 1.5.0, and this Pushwise uses "
        f"scikit-learn {library_versions()['scikit-learn']}"
    )
    assert EXPLODED == []


def test_only_the_newest_models_are_kept_newest_first(project) -> None:
    for minute in range(7):
        save_model(project, meta(f"m{minute}", minute), minute, keep=5)
    assert [m.model_id for m in list_models(project)] == [
        "m6",
        "m5",
        "m4",
        "m3",
        "m2",
    ]
    assert isinstance(load_model(project, "m1"), ModelUnavailable)


def test_a_failed_save_leaves_the_project_as_it_was(project) -> None:
    save_model(project, meta("kept"), 1)
    with pytest.raises(duckdb.ConstraintException, match="Duplicate key"):
        save_model(project, meta("kept", 1), 2)  # same id: the insert fails
    assert [m.model_id for m in list_models(project)] == ["kept"]
    assert load_model(project, "kept") == LoadedModel(meta("kept"), 1)


def test_any_import_changes_the_data_fingerprint(project, tmp_path) -> None:
    empty = data_fingerprint(project)
    orders = tmp_path / "orders.csv"
    orders.write_text("Customer ID,Product,Order date,Quantity\nc1,A,2024-01-02,1\n")
    import_file(project, orders)
    first = data_fingerprint(project)
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer ID,Opted out\nc1,yes\n")
    import_file(project, customers)
    second = data_fingerprint(project)
    assert len({empty, first, second}) == 3
    import_file(project, orders)  # the same file again adds nothing
    assert data_fingerprint(project) == second


def test_what_drives_a_model_is_kept_in_order_and_older_models_still_read() -> None:
    drivers = (("Bought it before", 0.6), ("A best seller", 0.3), ("Due again", 0.1))
    saved = meta(drivers=drivers)
    assert ModelMeta.from_json(saved.to_json()).drivers == drivers
    older = json.loads(meta().to_json())
    del older["drivers"]  # saved before the drivers were kept
    assert ModelMeta.from_json(json.dumps(older)).drivers == ()


def test_the_window_s_list_needs_no_unpickling_and_says_why_one_is_unusable(
    project,
) -> None:
    older = {**library_versions(), "scikit-learn": "0.1"}
    save_model(project, meta("old", versions=older), Bomb("old"))
    save_model(project, meta("new", minutes=1), Bomb("new"))
    new, old = described_models(project)
    assert isinstance(new, ModelMeta) and new.model_id == "new"
    assert isinstance(old, ModelUnavailable) and "scikit-learn 0.1" in old.reason
    assert EXPLODED == []  # nothing was unpickled
