"""A browser session's temporary files (its upload, its results before they are saved
as runs) and analyses, cleaned up when the user leaves.

Streamlit has no "tab closed" event, but it can say whether a session's connection is
open. A `SessionWatcher` thread checks every tracked session: one disconnected for
`abandon_s` has its analyses stopped (each writes a partial result, saved as a run);
once Streamlit can no longer resume it, its folder is removed. A page reloaded in time
takes the session's files and analyses over (`reconnect`), so nothing is stopped.
`sweep_sessions` removes folders idle for a day, which a crashed server left behind.

No Streamlit here: `dashboard.runtime` connects the watcher to the running server.
Thread-safe: the script thread adds sessions and jobs while the watcher thread reads.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

__all__ = ["SessionFiles", "SessionWatcher", "Stoppable", "sweep_forever", "sweep_sessions"]

_log = logging.getLogger(__name__)
SWEEP_EVERY_S = 15 * 60


class Stoppable(Protocol):
    """An analysis a session owns: it can be asked to stop, and says while it runs."""

    @property
    def active(self) -> bool: ...

    def stop(self) -> None: ...


class SessionFiles:
    """The folder and analyses of one browser session."""

    def __init__(self, session_id: str, connection: str, folder: Path) -> None:
        self.id = session_id
        self.connection = connection  # Streamlit's id of the session: is it connected?
        self.folder = folder
        self.gone_since: float | None = None  # when it was first seen disconnected (watcher)
        self.stopped = False  # its analyses were stopped (watcher)
        self._lock = threading.Lock()
        self._jobs: list[Stoppable] = []

    def track(self, job: Stoppable) -> None:
        """Stop `job` if the user leaves while it runs."""
        with self._lock:
            self._jobs.append(job)

    @property
    def jobs(self) -> tuple[Stoppable, ...]:
        with self._lock:
            return tuple(self._jobs)


class SessionWatcher:
    """Tracks sessions and cleans up after those whose user left. Thread-safe."""

    def __init__(self, is_connected: Callable[[str], bool], *, abandon_s: float,
                 forget_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._is_connected = is_connected
        self.abandon_s = abandon_s
        self.forget_s = max(forget_s, abandon_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionFiles] = {}

    def add(self, files: SessionFiles) -> SessionFiles:
        with self._lock:
            self._sessions[files.id] = files
        return files

    def reconnect(self, session_id: str, connection: str) -> SessionFiles | None:
        """The session `session_id`, now followed through `connection` (a reloaded
        page), or None when it is forgotten."""
        with self._lock:
            files = self._sessions.get(session_id)
        if files is not None:
            files.connection, files.gone_since = connection, None
        return files

    def check(self) -> None:
        """One look at every session (the watcher thread calls this every 2 s)."""
        now = self._clock()
        with self._lock:
            sessions = list(self._sessions.values())
        for files in sessions:
            if self._is_connected(files.connection):
                files.gone_since = None
                continue
            files.gone_since = files.gone_since or now
            away = now - files.gone_since
            jobs = files.jobs
            if away >= self.abandon_s and not files.stopped:
                files.stopped = True
                for job in jobs:
                    job.stop()
            if away >= self.forget_s and not any(job.active for job in jobs):
                shutil.rmtree(files.folder, ignore_errors=True)
                with self._lock:
                    self._sessions.pop(files.id, None)

    def watch(self, every_s: float = 2.0) -> threading.Thread:
        def loop() -> None:
            while True:
                try:
                    self.check()
                except Exception:  # a watcher that dies would leak every later session
                    _log.exception("checking sessions failed")
                time.sleep(every_s)

        thread = threading.Thread(target=loop, name="session-watcher", daemon=True)
        thread.start()
        return thread


def sweep_sessions(sessions: Path, max_idle_s: float, now: float | None = None) -> list[str]:
    """Remove the session folders in `sessions` where nothing was written for
    `max_idle_s` seconds; their names."""
    now = time.time() if now is None else now
    removed = []
    for folder in sessions.glob("*"):
        if folder.is_dir() and now - _last_write(folder) > max_idle_s:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def sweep_forever(sessions: Path, max_idle_s: float) -> threading.Thread:
    """`sweep_sessions` every 15 minutes, in a daemon thread."""
    def loop() -> None:
        while True:
            try:
                if removed := sweep_sessions(sessions, max_idle_s):
                    _log.info("removed %d idle session folders", len(removed))
            except OSError:
                _log.exception("sweeping idle session folders failed")
            time.sleep(SWEEP_EVERY_S)

    thread = threading.Thread(target=loop, name="session-sweeper", daemon=True)
    thread.start()
    return thread


def _last_write(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            try:
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
            except OSError:
                continue
    return newest
