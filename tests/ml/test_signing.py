"""The user's model signing key: where it lives, who may read it, what it proves."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from ml.errors import PushwiseError
from ml.store import signing

META = '{"as_of": "2011-12-10"}'
PAYLOAD = b"model bytes"


def test_the_key_is_made_once_in_the_config_folder_for_the_user_only(
    user_config_dir: Path,
) -> None:
    signature = signing.sign(PAYLOAD, META)
    path = user_config_dir / signing.KEY_FILE
    assert len(path.read_bytes()) == signing.KEY_BYTES
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signing.sign(PAYLOAD, META) == signature  # the same key, not a new one
    assert [p.name for p in user_config_dir.iterdir()] == [signing.KEY_FILE]


def test_a_missing_config_folder_is_created(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "new" / "pushwise"
    monkeypatch.setenv(signing.CONFIG_ENV, str(folder))
    assert signing.verify(PAYLOAD, META, signing.sign(PAYLOAD, META))
    assert (folder / signing.KEY_FILE).is_file()


def test_any_change_to_the_bytes_or_the_description_breaks_the_signature() -> None:
    signature = signing.sign(PAYLOAD, META)
    assert signing.verify(PAYLOAD, META, signature)
    assert not signing.verify(PAYLOAD + b" ", META, signature)
    assert not signing.verify(PAYLOAD, META.replace("10", "11"), signature)
    # Moving bytes across the boundary between description and payload.
    assert not signing.verify(b"1" + PAYLOAD, META[:-1], signature)
    assert not signing.verify(PAYLOAD, META, "garbage ü")


def test_another_computers_key_is_told_apart_from_tampering(
    tmp_path, monkeypatch
) -> None:
    ours = signing.sign(PAYLOAD, META)
    monkeypatch.setenv(signing.CONFIG_ENV, str(tmp_path / "other-computer"))
    theirs = signing.sign(PAYLOAD, META)
    assert theirs != ours
    assert not signing.verify(PAYLOAD, META, ours)
    assert not signing.signed_here(ours)  # made elsewhere
    assert signing.signed_here(theirs)


def test_a_damaged_key_file_is_reported_with_what_to_do(user_config_dir) -> None:
    (user_config_dir / signing.KEY_FILE).write_bytes(b"short")
    with pytest.raises(PushwiseError, match="holds 5 bytes") as error:
        signing.sign(PAYLOAD, META)
    assert "delete the file" in error.value.message


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_CONFIG_HOME": "/xdg"}, "/xdg/pushwise"),
        ("linux", {}, "~/.config/pushwise"),
        ("darwin", {}, "~/Library/Application Support/Pushwise"),
        ("win32", {"APPDATA": "/appdata"}, "/appdata/Pushwise"),
    ],
)
def test_the_platforms_config_folder_is_used_without_the_override(
    monkeypatch, platform, env, expected
) -> None:
    monkeypatch.delenv(signing.CONFIG_ENV)
    for name in ("XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    assert signing.config_dir() == Path(expected).expanduser()
