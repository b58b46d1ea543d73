"""The code type-checks and lints clean, with the versions pinned in
requirements-test.txt and the settings in pyproject.toml. Run here, so a change that
breaks either fails the test run like any other bug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# tests/test_detector_protocol.py holds the typed assignments that prove every detector
# satisfies the Detector protocol; mypy is what checks them.
MYPY_TARGETS = ("heatmap_core", "run_store", "workers", "dashboard", "app.py", "app_pages",
                "tests/test_detector_protocol.py")
RUFF_TARGETS = (".",)  # the whole repository, as pyproject.toml configures it


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
def test_mypy_finds_no_errors() -> None:
    done = _run("mypy", *MYPY_TARGETS)
    assert done.returncode == 0, f"mypy found errors:\n{done.stdout}{done.stderr}"


def test_ruff_finds_no_errors() -> None:
    done = _run("ruff", "check", *RUFF_TARGETS)
    assert done.returncode == 0, f"ruff found errors:\n{done.stdout}{done.stderr}"
