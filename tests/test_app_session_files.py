"""A session's temporary files go with the session, or after a long idle time."""

from __future__ import annotations

import gc
import os
import threading
import time
from pathlib import Path

import pytest

from components.session_files import SessionFiles, sweep_sessions


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    return tmp_path


class SlowJob:
    """Stands for an analysis: asked to stop, it ends when the test says it has
    written its partial result."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.done = threading.Event()

    def stop(self) -> None:
        self.stopped.set()

    def join(self, timeout: float | None = None) -> None:
        self.done.wait(timeout)


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_forgotten_session_stops_its_analyses_then_removes_its_files() -> None:
    files = SessionFiles()
    (files.folder / "upload").mkdir(parents=True)
    (files.folder / "upload" / "video.mp4").write_bytes(b"x")
    job = SlowJob()
    files.track(job)
    folder = files.folder
    del files
    gc.collect()  # what happens when Streamlit drops the session's state
    assert job.stopped.is_set()
    time.sleep(0.2)
    assert folder.exists()  # the analysis is still writing its partial result
    job.done.set()
    assert wait_until(lambda: not folder.exists())


def test_the_sweep_removes_idle_sessions_and_keeps_active_ones(data_dir: Path) -> None:
    idle, active = data_dir / "sessions" / ("a" * 32), data_dir / "sessions" / ("b" * 32)
    for folder in (idle, active):
        (folder / "runs" / "r1").mkdir(parents=True)
        (folder / "runs" / "r1" / "summary.json").write_text("{}")
    day_ago = time.time() - 25 * 3600
    for path in [idle, *idle.rglob("*")]:
        os.utime(path, (day_ago, day_ago))
    old_folder_new_file = active / "runs" / "r1" / "summary.json"
    for path in [active, active / "runs", active / "runs" / "r1"]:
        os.utime(path, (day_ago, day_ago))
    assert old_folder_new_file.exists()
    assert sweep_sessions(24 * 3600) == [idle.name]
    assert not idle.exists() and active.exists()
