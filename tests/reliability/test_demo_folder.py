"""`pushwise demo --out DIR` never deletes or overwrites the user's files: a
folder holding them is refused before anything changes; a new, empty or
earlier demo's folder is used (and only the demo's own files replaced)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.cli import main as cli
from ml.cli.common import EXIT_BAD_ARGUMENTS
from ml.demofolder import MARKER, DemoFolderError
from ml.errors import Cancelled
from ml.workflows.demo import DEMO_OUTPUTS, PROJECT_NAME, run_demo


def _user_files(folder: Path) -> dict[Path, bytes]:
    files = {
        folder / "budget.xlsx": b"PK\x03\x04 the user's budget",
        folder / "backtest" / "notes.txt": b"my notes",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def _prepared_only(folder: Path) -> None:
    """Run the demo up to its first look at Cancel: the folder is prepared
    (or refused) as in a full run, without the minute the pipeline takes."""
    with pytest.raises(Cancelled):
        run_demo(folder, stop_requested=lambda: True)


def _stale_demo_files(folder: Path) -> list[Path]:
    paths = [
        folder / name for name in ("plan.csv", "report.html", "backtest/folds.csv")
    ]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("from the earlier demo", encoding="utf-8")
    return paths


def test_a_folder_with_the_users_files_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "work"
    files = _user_files(folder)
    (folder / "plan.csv").write_text("the user's own plan", encoding="utf-8")
    before = sorted(path.relative_to(folder) for path in folder.rglob("*"))

    assert cli(["demo", "--out", str(folder)]) == EXIT_BAD_ARGUMENTS

    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "budget.xlsx" in err and "backtest/notes.txt" in err
    assert "nothing was changed" in err and "--out" in err
    assert sorted(path.relative_to(folder) for path in folder.rglob("*")) == before
    for path, content in files.items():
        assert path.read_bytes() == content
    assert (folder / "plan.csv").read_text(encoding="utf-8") == "the user's own plan"
    with pytest.raises(DemoFolderError):  # the engine refuses too, not just the CLI
        run_demo(folder)
    assert not (folder / MARKER).exists() and not (folder / PROJECT_NAME).exists()


def test_a_folder_with_only_a_file_named_like_the_demos_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "plan.csv").write_text("the user's own plan", encoding="utf-8")
    with pytest.raises(DemoFolderError, match=r"plan\.csv"):
        run_demo(tmp_path)
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8") == "the user's own plan"


def test_a_file_given_as_the_folder_is_a_bad_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    assert cli(["demo", "--out", str(target)]) == EXIT_BAD_ARGUMENTS
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("exists", [False, True])
def test_a_new_or_empty_folder_is_used(tmp_path: Path, exists: bool) -> None:
    folder = tmp_path / "demo"
    if exists:
        folder.mkdir()
        (folder / ".DS_Store").write_bytes(b"")  # the Finder's, not the user's
    _prepared_only(folder)
    marker = (folder / MARKER).read_text(encoding="utf-8")
    assert all(name in marker.splitlines() for name in DEMO_OUTPUTS)


def test_an_earlier_demos_folder_is_used_again_and_only_its_files_replaced(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    _prepared_only(folder)  # an earlier demo (it left its marker)
    stale = _stale_demo_files(folder)
    files = _user_files(folder)  # saved there by the user since

    _prepared_only(folder)

    assert not any(path.exists() for path in stale)
    for path, content in files.items():
        assert path.read_bytes() == content
    assert (folder / MARKER).is_file()


def test_a_demo_folder_from_before_the_marker_is_used_again(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "demo"  # what `make run` wrote before the marker
    stale = _stale_demo_files(folder)
    (folder / PROJECT_NAME).write_bytes(b"an earlier demo's project")
    _prepared_only(folder)
    assert not any(path.exists() for path in stale)
    assert (folder / MARKER).is_file()


def test_the_marker_never_names_what_is_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("outside the folder", encoding="utf-8")
    (folder / "budget.xlsx").write_bytes(b"the user's")
    (folder / MARKER).write_text("../victim.txt\nbudget.xlsx\n", encoding="utf-8")
    _prepared_only(folder)
    assert victim.read_text(encoding="utf-8") == "outside the folder"
    assert (folder / "budget.xlsx").read_bytes() == b"the user's"


def test_a_linked_backtest_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    (elsewhere / "folds.csv").write_text("the user's", encoding="utf-8")
    folder = tmp_path / "demo"
    _prepared_only(folder)
    (folder / "backtest").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DemoFolderError, match="backtest"):
        run_demo(folder)
    assert (elsewhere / "folds.csv").read_text(encoding="utf-8") == "the user's"
