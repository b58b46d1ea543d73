"""After a user leaves: their analyses stop, then their files go; idle folders too."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dashboard.sessions.files import SessionFiles, SessionWatcher, sweep_sessions


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


class Job:
    """Stands for an analysis: it runs until asked to stop, then until told it ended."""

    def __init__(self) -> None:
        self.stopped = False
        self.active = True

    def stop(self) -> None:
        self.stopped = True

    def snapshot(self) -> Job:
        return self


class World:
    """Who is connected, what time it is, and where sessions keep their files."""

    def __init__(self, sessions: Path) -> None:
        self.now = 0.0
        self.connected: set[str] = set()
        self.sessions = sessions


def session_with_files(world: World, connection: str) -> SessionFiles:
    session_id = f"{connection:0>32}"
    files = SessionFiles(session_id, connection, world.sessions / session_id)
    (files.folder / "upload").mkdir(parents=True)
    (files.folder / "upload" / "video.mp4").write_bytes(b"x")
    world.connected.add(connection)
    return files


def test_a_user_who_left_has_analyses_stopped_then_files_removed(tmp_path: Path) -> None:
    world = World(tmp_path)
    watcher = SessionWatcher(world.connected.__contains__, abandon_s=30, forget_s=120,
                             clock=lambda: world.now)
    leaving, staying = (watcher.add(session_with_files(world, c)) for c in ("a", "b"))
    leaving_job, staying_job = Job(), Job()
    leaving.track(leaving_job)
    staying.track(staying_job)

    world.connected.discard("a")  # the tab closes
    for world.now in (1, 20):
        watcher.check()
    assert not leaving_job.stopped  # a blip: the connection may come back
    world.now = 31
    watcher.check()
    assert leaving_job.stopped and leaving.folder.exists()
    world.now = 200
    watcher.check()
    assert leaving.folder.exists()  # still writing its partial result
    leaving_job.active = False
    watcher.check()
    assert not leaving.folder.exists()
    assert not staying_job.stopped and staying.folder.exists()


def test_a_user_who_comes_back_in_time_keeps_everything(tmp_path: Path) -> None:
    world = World(tmp_path)
    watcher = SessionWatcher(world.connected.__contains__, abandon_s=30, forget_s=120,
                             clock=lambda: world.now)
    files = watcher.add(session_with_files(world, "a"))
    job = Job()
    files.track(job)
    world.connected.discard("a")
    world.now = 25
    watcher.check()
    world.connected.add("a")  # reconnected
    world.now = 100
    watcher.check()
    assert not job.stopped and files.folder.exists()


def test_a_reloaded_page_takes_over_the_session_and_its_analyses(tmp_path: Path) -> None:
    world = World(tmp_path)
    watcher = SessionWatcher(world.connected.__contains__, abandon_s=30, forget_s=120,
                             clock=lambda: world.now)
    files = watcher.add(session_with_files(world, "a"))
    job = Job()
    files.track(job)
    world.connected.discard("a")  # the page reloads: its old connection ends...
    world.now = 10
    watcher.check()
    world.connected.add("b")  # ...and a new one names the old session's upload
    assert watcher.reconnect(files.id, "b") is files
    world.now = 500
    watcher.check()
    assert not job.stopped and files.folder.exists()
    assert watcher.reconnect("f" * 32, "c") is None  # a session long forgotten


def test_the_sweep_removes_idle_sessions_and_keeps_active_ones(data_dir: Path) -> None:
    idle, active = data_dir / "sessions" / ("a" * 32), data_dir / "sessions" / ("b" * 32)
    for folder in (idle, active):
        (folder / "runs" / "r1").mkdir(parents=True)
        (folder / "runs" / "r1" / "summary.json").write_text("{}")
    day_ago = time.time() - 25 * 3600
    for path in [idle, *idle.rglob("*")]:
        os.utime(path, (day_ago, day_ago))
    for path in [active, active / "runs", active / "runs" / "r1"]:  # a fresh file inside
        os.utime(path, (day_ago, day_ago))
    assert sweep_sessions(data_dir / "sessions", 24 * 3600) == [idle.name]
    assert not idle.exists() and active.exists()
