"""Test settings shared by every test: headless Qt and paths to the data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# In CI the property tests must give the same verdict on every run (a new
# counter-example is found by developers, not by a submission's CI), and a
# loaded machine must not turn slowness into failures.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "resources" / "sample" / "online_retail_sample.csv.gz"
ONLINE_RETAIL = SHARED_DATA / "online-retail" / "online_retail.csv.gz"


@pytest.fixture
def shared_data() -> Path:
    """The real datasets beside the repository (skip when they are absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def user_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test's own user configuration folder (the model signing key lives
    there), so tests never read or write the developer's real one."""
    folder = tmp_path_factory.mktemp("user-config")
    os.environ["PUSHWISE_CONFIG_DIR"] = str(folder)
    return folder
