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

from ml.cli import main as cli
from tests.conftest import ROOT, SAMPLE

ORDER_LINES = 4_000


def make_orders_csv(folder: Path, lines: int = ORDER_LINES) -> Path:
    """The first `lines` lines of the bundled sample, as a plain CSV."""
    path = folder / "orders.csv"
    with gzip.open(SAMPLE, "rt", encoding="utf-8", newline="") as source:
        kept = [line for _, line in zip(range(lines + 1), source, strict=False)]
    path.write_text("".join(kept), encoding="utf-8", newline="")
    return path


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
