"""A browser session's temporary files (its upload, its results before they are saved
as runs): removed when the session ends, and by a sweep of sessions idle for long.

Streamlit forgets a session some time after its tab closes; `SessionFiles` lives in
that session's state, so its finalizer runs then: it stops the session's analyses
(each writes a partial result and saves it as a run) and removes the folder once
they have ended. The sweep catches what a crashed server left behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import weakref
from pathlib import Path
from typing import Protocol

import streamlit as st

from components.storage import data_dir, new_session_id, session_dir

__all__ = ["SessionFiles", "current_session", "start_sweeper", "sweep_sessions"]

_log = logging.getLogger(__name__)
SWEEP_EVERY_S = 15 * 60


class Stoppable(Protocol):
    def stop(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...


class SessionFiles:
    """The folder of one browser session, removed with the session."""

    def __init__(self, session_id: str | None = None) -> None:
        self.id = session_id or new_session_id()
        self._jobs: list[Stoppable] = []
        self._finalizer = weakref.finalize(self, _end_session, self.id, self._jobs)

    @property
    def folder(self) -> Path:
        return session_dir(self.id)

    def track(self, job: Stoppable) -> None:
        """Stop `job` when the session ends (before its folder is removed)."""
        self._jobs.append(job)


def current_session() -> SessionFiles:
    """This browser session's files, created on first use."""
    state = st.session_state
    if "session_files" not in state:
        state.session_files = SessionFiles(state.get("session_id"))
        state.session_id = state.session_files.id
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


@st.cache_resource
def start_sweeper() -> threading.Thread:
    """Once per server process: sweep sessions idle for $HEATMAP_SESSION_TTL_H hours
    (default 24), now and every 15 minutes."""
    try:
        max_idle_s = float(os.environ.get("HEATMAP_SESSION_TTL_H", "24")) * 3600
    except ValueError:
        max_idle_s = 24 * 3600

    def sweep_forever() -> None:
        while True:
            try:
                if removed := sweep_sessions(max_idle_s):
                    _log.info("removed %d idle session folders", len(removed))
            except OSError:
                _log.exception("sweeping idle session folders failed")
            time.sleep(SWEEP_EVERY_S)

    thread = threading.Thread(target=sweep_forever, name="session-sweeper", daemon=True)
    thread.start()
    return thread


def _end_session(session_id: str, jobs: list[Stoppable]) -> None:
    for job in jobs:
        job.stop()

    def remove_when_done() -> None:
        for job in jobs:
            job.join()
        shutil.rmtree(session_dir(session_id), ignore_errors=True)

    threading.Thread(target=remove_when_done, name=f"end-{session_id[:8]}", daemon=True).start()


def _last_write(folder: Path) -> float:
    newest = folder.stat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            try:
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
            except OSError:
                continue
    return newest
