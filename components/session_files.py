"""A browser session's temporary files (its upload, its results before they are saved
as runs) and analyses, cleaned up when the user leaves.

Streamlit has no "tab closed" event, but it can say whether a session's connection is
open. A watcher thread checks every tracked session: one disconnected for
`abandon_s` has its analyses stopped (each writes a partial result, saved as a run);
once Streamlit can no longer resume it (its `server.disconnectedSessionTTL`), its
folder is removed. A sweep of folders idle for a day catches what a crashed server
left behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components.storage import data_dir, new_session_id, session_dir

__all__ = ["SessionFiles", "SessionWatcher", "current_session", "session_watcher",
           "sweep_sessions"]

_log = logging.getLogger(__name__)
SWEEP_EVERY_S = 15 * 60


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class SessionFiles:
    """The folder and analyses of one browser session."""

    id: str
    connection: str  # Streamlit's id of the session, to ask whether it is connected
    jobs: list[Stoppable] = field(default_factory=list)
    gone_since: float | None = None  # when it was first seen disconnected
    stopped: bool = False

    @property
    def folder(self) -> Path:
        return session_dir(self.id)

    def track(self, job: Stoppable) -> None:
        """Stop `job` if the user leaves while it runs."""
        self.jobs.append(job)


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
            if away >= self.abandon_s and not files.stopped:
                files.stopped = True
                for job in files.jobs:
                    job.stop()
            if away >= self.forget_s and not any(_running(job) for job in files.jobs):
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


@st.cache_resource
def session_watcher() -> SessionWatcher:
    """Once per server process: the watcher (abandon after $HEATMAP_ABANDON_S, default
    60 s away) and the sweep of folders idle for $HEATMAP_SESSION_TTL_H (default 24)."""
    # No runtime (AppTest runs scripts without a server): every session stays.
    connected = Runtime.instance().is_active_session if Runtime.exists() else (lambda _: True)
    watcher = SessionWatcher(
        connected, abandon_s=_env_float("HEATMAP_ABANDON_S", 60.0),
        forget_s=float(st.get_option("server.disconnectedSessionTTL")) + 5)
    watcher.watch()
    max_idle_s = _env_float("HEATMAP_SESSION_TTL_H", 24.0) * 3600
    threading.Thread(target=_sweep_forever, args=(max_idle_s,), name="session-sweeper",
                     daemon=True).start()
    return watcher


def current_session() -> SessionFiles:
    """This browser session's files, created and watched on first use."""
    state = st.session_state
    if "session_files" not in state:
        ctx = get_script_run_ctx()
        files = SessionFiles(state.get("session_id") or new_session_id(),
                             ctx.session_id if ctx else "")
        state.session_files = session_watcher().add(files) if ctx else files
        state.session_id = files.id
    return state.session_files


def sweep_sessions(max_idle_s: float, now: float | None = None) -> list[str]:
    """Remove session folders where nothing was written for `max_idle_s` seconds."""
    now = time.time() if now is None else now
    removed = []
    for folder in (data_dir() / "sessions").glob("*"):
        if folder.is_dir() and now - _last_write(folder) > max_idle_s:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _sweep_forever(max_idle_s: float) -> None:
    while True:
        try:
            if removed := sweep_sessions(max_idle_s):
                _log.info("removed %d idle session folders", len(removed))
        except OSError:
            _log.exception("sweeping idle session folders failed")
        time.sleep(SWEEP_EVERY_S)


def _running(job: Stoppable) -> bool:
    snapshot = getattr(job, "snapshot", None)
    return bool(snapshot and snapshot().active)


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _last_write(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            try:
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
            except OSError:
                continue
    return newest
