"""Helpers of the fault tests (damage, interrupts, disk errors, read-only, kill):
a small orders file, a project made from it, and running `pushwise` in a
child process with a fault injected."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pytest

from ml.cli import main as cli
from tests.conftest import ROOT, SAMPLE

ORDER_LINES = 4_000


def make_orders_csv(
    folder: Path, lines: int = ORDER_LINES, *, skip: int = 0, name: str = "orders.csv"
) -> Path:
    """`lines` lines of the bundled sample after its first `skip`, with its
    header, as a plain CSV."""
    path = folder / name
    with gzip.open(SAMPLE, "rt", encoding="utf-8", newline="") as source:
        header = next(source)
        kept = [line for _, line in zip(range(skip + lines), source, strict=False)]
    path.write_text(header + "".join(kept[skip:]), encoding="utf-8", newline="")
    return path


def deny_writing(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """os.access says `denied` may not be written, as chmod a-w does for a
    user (tests may run as root, whom chmod does not stop)."""
    real = os.access

    def access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
        if Path(path) == denied and mode & os.W_OK:
            return False
        return real(path, mode)

    monkeypatch.setattr(os, "access", access)


def in_own_mounts(script: str) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a mount namespace of its own (unshare -m), so
    that the mounts it makes (a RAM disk, a read-only folder) vanish with it."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
        timeout=120,
    )


def make_project(folder: Path, orders: Path) -> Path:
    """A project holding the orders file, made with the command line."""
    path = folder / "shop.pushwise"
    assert cli(["import", str(orders), "--project", str(path)]) == 0
    return path


def import_ids(path: Path) -> list[int]:
    """The import log's ids, read without changing the file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT import_id FROM imports ORDER BY 1").fetchall()
        return [int(row[0]) for row in rows]
    finally:
        con.close()


def order_count(path: Path) -> int:
    """How many order lines the project holds."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM orders").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


PAUSE_PRELUDE = """
import os, time, functools, importlib
from pathlib import Path

def _pause_at(name, seconds=60.0):
    if os.environ.get("PAUSE_AT") != name:
        return
    Path(os.environ["PAUSE_MARKER"]).touch()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.02)

def _pausing(module, attr, name, before=True, seconds=60.0):
    owner = importlib.import_module(module)
    parts = attr.split(".")
    for part in parts[:-1]:
        owner = getattr(owner, part)
    original = getattr(owner, parts[-1])

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if before:
            _pause_at(name, seconds)
        result = original(*args, **kwargs)
        if not before:
            _pause_at(name, seconds)
        return result

    setattr(owner, parts[-1], wrapper)
"""


def start_cli(
    args: Sequence[str], *, prelude: str = "", env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start `pushwise ARGS` in a child Python after `prelude`; see run_cli."""
    run = f"import sys\nfrom ml.cli import main\nsys.exit(main({list(args)!r}))\n"
    return subprocess.Popen(
        [sys.executable, "-c", f"{prelude}\n{run}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def run_cli(
    args: Sequence[str],
    *,
    prelude: str = "",
    preexec_fn: Callable[[], None] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run `pushwise ARGS` in a child Python, after `prelude` (code that plants
    a fault, e.g. a pause at a chosen point)."""
    run = f"import sys\nfrom ml.cli import main\nsys.exit(main({list(args)!r}))\n"
    code = f"{prelude}\n{run}"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=preexec_fn,
        timeout=timeout,
        check=False,
    )


def one_plain_line(stderr: str) -> str:
    """The one line of stderr; fails on a traceback or on several lines."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]
