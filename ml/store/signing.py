"""The user's model signing key and the HMAC that proves a saved model was made
here: bytes that will be unpickled are trusted only if this key signed them.

The key lives in the user's configuration folder, never in a project, so a
project copied from another computer (or altered by anyone without the key)
carries no model this computer will unpickle.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from ml.errors import PushwiseError

CONFIG_ENV = "PUSHWISE_CONFIG_DIR"
KEY_FILE = "model-signing.key"
KEY_BYTES = 32
_SCHEME = "hmac-sha256"
# Domain separation: this key signs nothing but saved models.
_CONTEXT = b"pushwise saved model\0"
_KEY_ID_CONTEXT = b"pushwise key id\0"


def config_dir() -> Path:
    """The user's Pushwise configuration folder ($PUSHWISE_CONFIG_DIR when set)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        return (Path(appdata) if appdata else home / "AppData" / "Roaming") / "Pushwise"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Pushwise"
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else home / ".config") / "pushwise"


def key_path() -> Path:
    """The file holding the signing key."""
    return config_dir() / KEY_FILE


def load_key() -> bytes:
    """The user's signing key, created (readable by the user only) on first use."""
    path = key_path()
    if not path.exists():
        _create_key(path)
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise _key_error(path, f"it cannot be read ({exc.strerror})") from exc
    if len(key) != KEY_BYTES:
        raise _key_error(path, f"it holds {len(key)} bytes instead of {KEY_BYTES}")
    return key


def key_id() -> str:
    """A public name of the key (it reveals nothing of the key itself)."""
    return _key_id(load_key())


def sign(payload: bytes, meta_json: str) -> str:
    """The signature of a saved model: HMAC-SHA256 over its description and bytes."""
    key = load_key()
    return _signature(key, payload, meta_json)


def verify(payload: bytes, meta_json: str, signature: str) -> bool:
    """Whether this user's key signed exactly this description and these bytes."""
    expected = sign(payload, meta_json)
    return hmac.compare_digest(expected.encode(), signature.encode())


def signed_here(signature: str) -> bool:
    """Whether a signature names this user's key (so a mismatch means tampering,
    not a model from another computer)."""
    parts = signature.split(":")
    return len(parts) == 3 and parts[1] == key_id()


def _signature(key: bytes, payload: bytes, meta_json: str) -> str:
    meta = meta_json.encode()
    mac = hmac.new(key, _CONTEXT, hashlib.sha256)
    # The length keeps the boundary between description and bytes unambiguous.
    mac.update(len(meta).to_bytes(8, "big"))
    mac.update(meta)
    mac.update(payload)
    return f"{_SCHEME}:{_key_id(key)}:{mac.hexdigest()}"


def _key_id(key: bytes) -> str:
    return hmac.new(key, _KEY_ID_CONTEXT, hashlib.sha256).hexdigest()[:16]


def _create_key(path: Path) -> None:
    """Write a new random key; if another process wrote one first, keep theirs."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{secrets.token_hex(8)}.tmp")
        # 0600 from the first byte: the key is never readable by others.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
                handle.flush()
                os.fsync(handle.fileno())
            # A hard link never replaces an existing key, so two processes
            # starting at once end up with the same one.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise _key_error(path, f"it cannot be created ({exc.strerror})") from exc


def _key_error(path: Path, problem: str) -> PushwiseError:
    return PushwiseError(
        f"the key that protects saved models is unusable: {problem}.",
        file=str(path),
        hint="Check the folder's permissions, or delete the file: Pushwise then "
        "makes a new key and retrains saved models from the projects' data.",
    )
