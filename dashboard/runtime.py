"""What every session of this server shares, made once per process: the settings, the
run store, the worker tier (cameras, uploads), loaded models and the watcher of sessions. The only
module besides widgets that talks to Streamlit, through `st.cache_resource`.

Only things that are safe to share across users live here: the store opens a database
session per call, the worker tier's handles and the watcher are thread-safe, and a loaded model is a
prototype that every analysis copies (Ultralytics keeps tracker state on the model).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.analysis.models import LoadedModel, load_prototype
from dashboard.config import Settings
from dashboard.sessions.files import SessionFiles, SessionWatcher, sweep_forever
from dashboard.sessions.storage import DataFolders, new_session_id
from run_store import RunStore
from workers import Cameras, RayUnavailable, Uploads, WorkerSettings

__all__ = ["STORE_ERRORS", "cameras", "current_session", "data_folders", "loaded_model",
           "resume_session", "run_store", "session_watcher", "settings", "trouble", "uploads"]

_log = logging.getLogger(__name__)
STORE_ERRORS = (SQLAlchemyError, OSError)  # the database or the data folder is unreachable
_SESSION_FILES = "session_files"  # this module's one key in st.session_state


def trouble(error: BaseException) -> str:
    """Why the store or the worker tier failed, for a page, in a few words: the worker
    tier's own line when Ray cannot be reached (it says what to do), else the kind of
    error (never a database error's text: it may hold the database's address)."""
    return str(error) if isinstance(error, RayUnavailable) else type(error).__name__


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The server's settings, read from the environment (and secrets.toml) once.
    Raises SettingsError; app.py shows it."""
    return Settings.from_environ(os.environ, _secrets())


def data_folders() -> DataFolders:
    return DataFolders(settings().data_dir)


def run_store() -> RunStore:
    """The store for the configured database (else SQLite) and data folder."""
    config = settings()
    return _store_for(config.database_url, str(config.data_dir))


def cameras() -> Cameras:
    """The server's cameras. Made once per process; cameras that were running when the
    server stopped are started again then, in the background (a local Ray takes a few
    seconds to start), so no page waits for it."""
    config = settings()
    return _cameras_for(str(config.data_dir), config.database_url)


def uploads() -> Uploads:
    """The worker tier's uploads (a local Ray starts on first use, unless RAY_ADDRESS)."""
    return _uploads_for(settings().camera_workers)


@st.cache_resource(show_spinner="Loading the model…", max_entries=8)
def loaded_model(weights: str) -> LoadedModel:
    """A model prototype, loaded once per process (failures too: restart the app after
    adding weights)."""
    return load_prototype(weights)


def session_watcher() -> SessionWatcher:
    """Once per server process: the watcher of sessions and the sweep of idle folders."""
    config = settings()
    return _watcher(config.abandon_s, config.session_ttl_h, str(config.data_dir))


def current_session() -> SessionFiles:
    """This browser session's files, created and watched on first use."""
    state = st.session_state
    if _SESSION_FILES not in state:
        ctx = get_script_run_ctx()
        session_id = new_session_id()
        files = SessionFiles(session_id, ctx.session_id if ctx else "",
                             data_folders().session(session_id))
        state[_SESSION_FILES] = session_watcher().add(files) if ctx else files
    current: SessionFiles = state[_SESSION_FILES]
    return current


def resume_session(session_id: str) -> SessionFiles | None:
    """After a reload: this browser session takes over the files and analyses of the
    session `session_id` (None when that one is forgotten)."""
    ctx = get_script_run_ctx()
    files = session_watcher().reconnect(session_id, ctx.session_id if ctx else "")
    if files is not None:
        st.session_state[_SESSION_FILES] = files
    return files


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_for(database_url: str | None, data_folder: str) -> RunStore:
    return RunStore(database_url, data_folder)


@st.cache_resource(show_spinner=False, max_entries=4)
def _cameras_for(data_folder: str, database_url: str | None) -> Cameras:
    cameras = Cameras(settings().camera_workers)

    def resume() -> None:
        try:
            if resumed := cameras.resume_running():
                _log.info("resumed %d cameras", len(resumed))
        except RayUnavailable as error:  # the Cameras page says so too
            _log.warning("the cameras were not resumed: %s", error)
        except Exception:
            _log.exception("resuming the cameras failed")

    threading.Thread(target=resume, name="resume-cameras", daemon=True).start()
    return cameras


@st.cache_resource(show_spinner=False, max_entries=4)
def _uploads_for(workers: WorkerSettings) -> Uploads:
    return Uploads(workers)


@st.cache_resource(show_spinner=False, max_entries=4)
def _watcher(abandon_s: float, session_ttl_h: float, data_folder: str) -> SessionWatcher:
    # No runtime (AppTest runs scripts without a server): every session stays.
    connected = Runtime.instance().is_active_session if Runtime.exists() else (lambda _: True)
    watcher = SessionWatcher(
        connected, abandon_s=abandon_s,
        forget_s=float(st.get_option("server.disconnectedSessionTTL")) + 5)
    watcher.watch()
    sweep_forever(DataFolders(Path(data_folder)).sessions, session_ttl_h * 3600)
    return watcher


def _secrets() -> Mapping[str, Any]:
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
