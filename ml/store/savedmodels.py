"""Trained models saved in the project's models table, signed with the user's key.

A saved model is its description (ModelMeta as JSON), its pickled bytes and a
signature over both. Loading checks the signature and the library versions
before anything is unpickled: a model from another computer, altered bytes or
another library version are reported as ModelUnavailable and never unpickled.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC

import duckdb
import joblib

from ml.modelmeta import ModelMeta, version_mismatch
from ml.store import connection, signing
from ml.store.project import Project

# The newest models kept per project; older ones are deleted when one is saved.
KEEP = 5
_OTHER_COMPUTER = "was trained on another computer"
_UNREADABLE_META = "has a description Pushwise cannot read"
# zlib level 3: a third of the size of the raw pickle at a fraction of a second.
_COMPRESS = 3


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A saved model whose signature and library versions checked out."""

    meta: ModelMeta
    model: object


@dataclass(frozen=True, slots=True)
class ModelUnavailable:
    """A saved model that was not unpickled, and why ("was trained on another
    computer", ...: the reason completes "This model ...")."""

    model_id: str
    reason: str

    @property
    def message(self) -> str:
        """The reason as a sentence for users, saying what happens next."""
        return (
            f"This model {self.reason}; Pushwise will retrain it from the "
            "project's data."
        )


def data_fingerprint(project: Project) -> str:
    """Identifies the project's data: every import's id, kind and file hash, so
    any import changes it."""
    lines = "\n".join(
        f"{record.import_id}\t{record.kind}\t{record.content_hash}"
        for record in project.imports()
    )
    return hashlib.sha256(lines.encode()).hexdigest()


def save_model(
    project: Project, meta: ModelMeta, model: object, *, keep: int = KEEP
) -> None:
    """Sign and save a model, keeping only the `keep` newest, in one transaction."""
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=_COMPRESS)
    payload = buffer.getvalue()
    meta_json = meta.to_json()
    signature = signing.sign(payload, meta_json)
    # Naive UTC: the order of saved models survives a change of time zone.
    created = meta.created_at.astimezone(UTC).replace(tzinfo=None)
    with project.transaction() as con:
        con.execute(
            "INSERT INTO models (model_id, run_id, created_at, meta_json, payload, "
            "signature) VALUES (?, NULL, ?, ?, ?, ?)",
            [meta.model_id, created, meta_json, payload, signature],
        )
        con.execute(
            "DELETE FROM models WHERE model_id NOT IN (SELECT model_id FROM models "
            "ORDER BY created_at DESC, model_id DESC LIMIT ?)",
            [keep],
        )


def list_models(project: Project) -> list[ModelMeta]:
    """The saved models' descriptions, newest first, as stored (load_model
    checks them); a description that cannot be read is left out."""
    with connection.reading(project.path):
        rows = project.con.execute(
            "SELECT meta_json FROM models ORDER BY created_at DESC, model_id DESC"
        ).fetchall()
    found = []
    for (meta_json,) in rows:
        try:
            found.append(ModelMeta.from_json(str(meta_json)))
        except ValueError:
            continue
    return found


def described_models(project: Project) -> list[ModelMeta | ModelUnavailable]:
    """The saved models, newest first, each checked as far as it can be
    without reading its bytes: signed on this computer, with this
    installation's library versions (load_model checks the bytes too). A
    window shows a model from this without loading anything heavy."""
    with connection.reading(project.path):
        rows = project.con.execute(
            "SELECT model_id, meta_json, signature FROM models "
            "ORDER BY created_at DESC, model_id DESC"
        ).fetchall()
    found: list[ModelMeta | ModelUnavailable] = []
    for model_id, meta_json, signature in rows:
        if not signing.signed_here(str(signature)):
            found.append(ModelUnavailable(str(model_id), _OTHER_COMPUTER))
            continue
        try:
            meta = ModelMeta.from_json(str(meta_json))
        except ValueError:
            found.append(ModelUnavailable(str(model_id), _UNREADABLE_META))
            continue
        mismatch = version_mismatch(meta.versions)
        found.append(
            meta
            if mismatch is None
            else ModelUnavailable(meta.model_id, f"was made with {mismatch}")
        )
    return found


def load_model(project: Project, model_id: str) -> LoadedModel | ModelUnavailable:
    """Check a saved model's signature and versions, and only then unpickle it."""
    try:
        row = project.con.execute(
            "SELECT meta_json, payload, signature FROM models WHERE model_id = ?",
            [model_id],
        ).fetchone()
    except duckdb.Error as exc:  # its bytes are not checked when opening
        if not connection.is_damage(exc):
            raise
        return ModelUnavailable(
            model_id, "cannot be read back: the project file is damaged where it is"
        )
    if row is None:
        return ModelUnavailable(model_id, "is not in the project")
    meta_json, payload, signature = str(row[0]), bytes(row[1]), str(row[2])
    if not signing.verify(payload, meta_json, signature):
        if signing.signed_here(signature):
            reason = "was changed after it was saved (its signature does not match)"
        else:
            reason = _OTHER_COMPUTER
        return ModelUnavailable(model_id, reason)
    try:
        meta = ModelMeta.from_json(meta_json)
    except ValueError:
        return ModelUnavailable(model_id, _UNREADABLE_META)
    mismatch = version_mismatch(meta.versions)
    if mismatch is not None:
        return ModelUnavailable(model_id, f"was made with {mismatch}")
    try:
        model = joblib.load(io.BytesIO(payload))
    except Exception as exc:  # signed and same versions, yet unreadable: say why
        return ModelUnavailable(model_id, f"cannot be read back ({exc!r})")
    return LoadedModel(meta, model)
