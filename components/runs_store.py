"""The run store every session of this server shares.

One `RunStore` per process and database: it holds the engine (a connection pool), and
its methods open their own SQLAlchemy session per call, so sessions and the analysis
threads can use it at once. Keyed by the database and data folder read from the
environment, so a changed $DATABASE_URL or $HEATMAP_DATA_DIR gets its own store.
"""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.storage import data_dir
from run_store import RunStore

STORE_ERRORS = (SQLAlchemyError, OSError)  # the database or the data folder is unreachable


def shared_run_store() -> RunStore:
    """The store for $DATABASE_URL (else SQLite) and the app's data folder."""
    return _store_for(os.environ.get("DATABASE_URL") or None, str(data_dir()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _store_for(database_url: str | None, data_folder: str) -> RunStore:
    return RunStore(database_url, data_folder)

