"""Every workflow the window runs in a worker, named as text, is in the
desktop bundle: PyInstaller cannot see an import written as a string."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TASK = re.compile(r"\"(ml\.workflows\.[a-z_]+):[a-z_]+\"")


def test_every_worker_task_is_bundled() -> None:
    named = {
        found
        for path in (ROOT / "app").rglob("*.py")
        for found in TASK.findall(path.read_text(encoding="utf-8"))
    }
    spec = (ROOT / "packaging" / "pushwise.spec").read_text(encoding="utf-8")
    listed = set(re.findall(r"\"(ml\.workflows\.[a-z_]+)\"", spec))
    assert "ml.workflows.samplecampaign" in named  # the self-test's
    assert named <= listed, sorted(named - listed)
