"""A Pushwise project: one DuckDB file holding imported tables, import log, mappings."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType

import duckdb
import pandas as pd

from ml.errors import ProjectError
from ml.interrupts import interrupts_deferred
from ml.store import connection, importlog, integrity, migrations, schema, settings
from ml.store import meta as metatable
from ml.store.importlog import ImportRecord
from ml.store.info import ProjectInfo, collect_info

__all__ = ["EXTENSION", "ImportRecord", "Project", "ProjectInfo"]

EXTENSION = ".pushwise"

# Paths open in this process. DuckDB shares one database between connections to
# the same file within a process, so a second Project on it would not be stopped
# by DuckDB's file lock; this set stops it instead.
_open_paths: set[str] = set()
_open_paths_lock = threading.Lock()


class Project:
    """An open project file; use it as a context manager or call close().

    The project has one DuckDB connection; use it from one thread at a time.
    """

    def __init__(
        self,
        path: Path,
        con: duckdb.DuckDBPyConnection,
        meta: dict[str, str],
        read_only_reason: str | None = None,
    ) -> None:
        """Wrap an open, current connection; call Project.create or Project.open."""
        self._path = path
        self._con: duckdb.DuckDBPyConnection | None = con
        self._meta = meta
        self._read_only_reason = read_only_reason
        self._in_transaction = False
        self._commits = 0
        # Releases the connection and the path if the project is dropped unclosed.
        self._finalizer = weakref.finalize(self, _release, _key(path), con)

    @classmethod
    def create(cls, path: str | Path) -> Project:
        """Create a new, empty project file; ProjectError if the file exists."""
        path = Path(path)
        if path.exists():
            raise ProjectError(
                "a file with this name already exists.",
                file=str(path),
                hint="Choose another name, or open the existing project.",
            )
        if not path.parent.is_dir():
            raise ProjectError(
                "the folder for the new project does not exist.",
                file=str(path),
                hint="Choose an existing folder.",
            )
        blocked = connection.folder_block(path.parent)
        if blocked is not None:
            raise ProjectError(
                f"the project cannot be created here: {blocked}.",
                file=str(path),
                hint="Choose a folder you can write to.",
            )
        wal = _wal(path)
        if wal.exists():
            # DuckDB would replay it into the new, empty project.
            raise ProjectError(
                f"a leftover file '{wal.name}' from an earlier project with this "
                "name is in the way.",
                file=str(path),
                hint="Move or delete that file, or choose another name.",
            )
        _claim(path)
        con: duckdb.DuckDBPyConnection | None = None
        try:
            con = connection.connect(path, read_only=False)
            meta = metatable.initialise(con)
        except BaseException as exc:
            # The file did not exist before: whatever was written is ours.
            if con is not None:
                con.close()
            path.unlink(missing_ok=True)
            wal.unlink(missing_ok=True)
            _unclaim(path)
            if isinstance(exc, duckdb.Error):
                raise ProjectError(
                    f"the project could not be created ({exc}).",
                    file=str(path),
                    hint="Check free disk space and that you may write to the folder.",
                ) from exc
            raise
        return cls(path, con, meta)

    @classmethod
    def open(
        cls, path: str | Path, *, create: bool = False, check_blocks: bool = True
    ) -> Project:
        """Open a project, upgrading it if an older Pushwise made it.

        With create=True a missing file is created as a new, empty project.
        check_blocks=False skips reading every block for damage: for a file
        handed from the window to a worker process and back, which was
        checked when the window opened it.
        """
        path = Path(path)
        if create and not path.exists():
            return cls.create(path)
        connection.check_file(path)
        _claim(path)
        try:
            version = metatable.inspect(path)
            con, read_only_reason = connection.connect_for_open(path)
            try:
                if version < schema.SCHEMA_VERSION:
                    if read_only_reason is not None:
                        raise connection.cannot_change(
                            path,
                            f"{read_only_reason}, and this project needs upgrading "
                            "to be opened by this version of Pushwise",
                        )
                    migrations.migrate(con, path, version, schema.SCHEMA_VERSION)
                with connection.reading(path):
                    metatable.check_tables(con, path)
                    meta = metatable.read_meta(con) or {}
                if check_blocks:
                    # Damage anywhere is reported now, not by a later export.
                    integrity.verify(con, path)
                    # Reading every block filled DuckDB's cache with the whole
                    # file; a fresh connection starts empty (on a 1.5 M-line
                    # project, 330 MB less for as long as the project is open).
                    con.close()
                    con = connection.connect(
                        path, read_only=read_only_reason is not None
                    )
            except BaseException:
                con.close()
                raise
        except BaseException:
            _unclaim(path)
            raise
        return cls(path, con, meta, read_only_reason)

    # -- the open file ------------------------------------------------------

    @property
    def path(self) -> Path:
        """The project file."""
        return self._path

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection, for the importer's and the models' SQL."""
        if self._con is None:
            raise ProjectError(
                "the project is closed.", file=str(self._path), hint="Open it again."
            )
        return self._con

    @property
    def schema_version(self) -> int:
        """The schema version of the open file (always this code's version)."""
        return int(self._meta["schema_version"])

    @property
    def project_id(self) -> str:
        """A random id given at creation; stays the same when the file is copied."""
        return self._meta["project_id"]

    @property
    def commits(self) -> int:
        """How many transactions this object has committed: the truth a command
        reports after a failure (compare it before and after a step)."""
        return self._commits

    @property
    def read_only(self) -> bool:
        """Whether the project was opened read-only (it can be read, not changed)."""
        return self._read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why it was opened read-only ("the file is read-only", ...), or None."""
        return self._read_only_reason

    def check_writable(self) -> None:
        """Raise ProjectError saying why, if the project cannot be changed."""
        if self._read_only_reason is not None:
            raise connection.cannot_change(self._path, self._read_only_reason)

    @property
    def closed(self) -> bool:
        """Whether close() was called."""
        return self._con is None

    def meta(self) -> dict[str, str]:
        """Return the meta table (schema_version, created_at, created_by, ...)."""
        return dict(self._meta)

    def close(self) -> None:
        """Write everything into the main file and close it (safe to call twice)."""
        con = self._con
        if con is None:
            return
        self._con = None
        try:
            if self._in_transaction:
                connection.quiet_rollback(con)
            if self.read_only:
                return
            # If this fails, committed data is still safe in the write-ahead
            # log, and DuckDB replays it into the file on the next open.
            with contextlib.suppress(duckdb.Error):
                con.execute("CHECKPOINT")
        finally:
            self._finalizer()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Project {str(self._path)!r} ({state})>"

    # -- writing ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block as one transaction: commit on success, else roll back.

        Any exception, Cancelled included, rolls back every change made in the
        block and is re-raised. DuckDB has no nested transactions, so opening one
        inside another is an error.
        """
        con = self.con
        self.check_writable()
        if self._in_transaction:
            raise RuntimeError(
                "a transaction is already open on this project "
                "(DuckDB cannot nest transactions)"
            )
        con.begin()
        self._in_transaction = True
        try:
            yield con
        except BaseException as exc:
            self._in_transaction = False
            try:
                con.rollback()
            except duckdb.Error as rollback_error:
                exc.add_note(f"Rolling back also failed: {rollback_error}")
            raise
        self._in_transaction = False
        # Ctrl-C waits until the commit is counted, so that `commits` is true.
        with interrupts_deferred():
            try:
                con.commit()
            except duckdb.Error as exc:
                connection.quiet_rollback(con)
                raise ProjectError(
                    f"the changes could not be saved ({exc}).",
                    file=str(self._path),
                    hint="Nothing was changed. Check free disk space and that the "
                    "file may be written, then try again.",
                ) from exc
            self._commits += 1

    # -- import log ---------------------------------------------------------

    def find_import(self, content_hash: str, kind: str) -> ImportRecord | None:
        """Return the latest import of a file with these bytes as this kind."""
        with connection.reading(self._path):
            return importlog.find_import(self.con, content_hash, kind)

    def next_import_id(self) -> int:
        """Return the id the next import should use."""
        with connection.reading(self._path):
            return importlog.next_import_id(self.con)

    def add_import(self, record: ImportRecord) -> None:
        """Log an import; call it inside the transaction that stores its rows."""
        importlog.add_import(self.con, record)

    def imports(self) -> list[ImportRecord]:
        """Return every import, oldest first."""
        with connection.reading(self._path):
            return importlog.imports(self.con)

    def rejects(self, import_id: int) -> pd.DataFrame:
        """Return the rows an import rejected: line, column_name, value, reason."""
        with connection.reading(self._path):
            return importlog.rejects(self.con, import_id)

    # -- mappings -----------------------------------------------------------

    def saved_mapping(self, signature: str, kind: str) -> str | None:
        """Return the mapping JSON remembered for this file layout, if any."""
        with connection.reading(self._path):
            row = self.con.execute(
                "SELECT mapping_json FROM mappings WHERE signature = ? AND kind = ?",
                [signature, str(kind)],
            ).fetchone()
        return None if row is None else str(row[0])

    def save_mapping(self, signature: str, kind: str, mapping_json: str) -> None:
        """Remember the mapping for this file layout, replacing an older one."""
        self.con.execute(
            "INSERT INTO mappings VALUES (?, ?, ?, ?) ON CONFLICT (signature, kind) "
            "DO UPDATE SET mapping_json = excluded.mapping_json, "
            "updated_at = excluded.updated_at",
            [signature, str(kind), mapping_json, datetime.now()],
        )

    # -- settings -----------------------------------------------------------

    def setting(self, key: str) -> str | None:
        """Return the JSON text saved under this project setting, if any."""
        with connection.reading(self._path):
            return settings.read_setting(self.con, key)

    def save_setting(self, key: str, value_json: str) -> None:
        """Save a project setting (JSON text), replacing the one saved before."""
        if self._in_transaction:
            settings.write_setting(self.con, key, value_json)
            return
        with self.transaction() as con:
            settings.write_setting(con, key, value_json)

    # -- overview -----------------------------------------------------------

    def info(self) -> ProjectInfo:
        """Count what the project holds (orders, customers, dates, imports)."""
        with connection.reading(self._path):
            return collect_info(
                self.con,
                path=str(self._path),
                schema_version=self.schema_version,
                imports=tuple(importlog.imports(self.con)),
            )

    def summary(self) -> str:
        """Return one line for a status bar."""
        return self.info().summary()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _key(path: Path) -> str:
    return str(path.resolve())


def _claim(path: Path) -> None:
    with _open_paths_lock:
        key = _key(path)
        if key in _open_paths:
            raise ProjectError(
                "the project is already open in this Pushwise window.",
                file=str(path),
                hint="Use the open project, or close it before opening it again.",
            )
        _open_paths.add(key)


def _unclaim(path: Path) -> None:
    with _open_paths_lock:
        _open_paths.discard(_key(path))


def _release(key: str, con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    finally:
        with _open_paths_lock:
            _open_paths.discard(key)
