"""A folder or a device given as the file to import is named as such (and
/dev/zero is never read), not reported as a missing file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.cli import main as cli
from ml.errors import InputDataError
from ml.importing.importer import import_file
from ml.store.project import Project


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("folder", "this is a folder, not a file; choose a file inside it."),
        ("/dev/zero", "this is not a regular file but a device, pipe or socket"),
        ("missing.csv", "the file does not exist."),
    ],
)
def test_import_names_what_the_path_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, said: str
) -> None:
    (tmp_path / "folder").mkdir()
    path = tmp_path / target if not target.startswith("/") else Path(target)
    project = tmp_path / "shop.pushwise"
    assert cli(["import", str(path), "--project", str(project)]) == 2
    err = capsys.readouterr().err
    assert err == f"pushwise: {path}: {said}" + err.split(said, 1)[1]
    assert len(err.strip().splitlines()) == 1
    assert "no such file" not in err
    assert not project.exists()


@pytest.mark.parametrize("target", ["folder", "/dev/zero"])
def test_engine_refuses_a_folder_or_device_without_reading_it(
    tmp_path: Path, target: str
) -> None:
    (tmp_path / "folder").mkdir()
    path = tmp_path / target if not target.startswith("/") else Path(target)
    with Project.open(tmp_path / "shop.pushwise", create=True) as project:
        with pytest.raises(InputDataError, match=r"folder|not a regular file"):
            import_file(project, path)
        assert project.imports() == []


@pytest.mark.parametrize("command", ["train", "recommend", "forecast", "backtest"])
def test_orders_given_as_a_folder_are_named_as_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    source = (
        ["--project", str(folder)] if command == "train" else ["--orders", str(folder)]
    )
    out = [] if command == "train" else ["--out", str(tmp_path / "out")]
    assert cli([command, *source, *out]) == 2
    err = capsys.readouterr().err
    said = "this is a folder, not a file; choose a file inside it."
    assert err == f"pushwise: {folder}: {said}\n"
