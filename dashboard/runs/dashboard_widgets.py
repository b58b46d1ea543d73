"""A saved run's own dashboard, drawn from the run store alone: it needs nothing from
the session that made the run, so its link works in any browser.

With sign-in, a page opened by someone who does not manage the run asks again every
`ACCESS_CHECK_S` seconds (`may_view`) and is redrawn, showing only that the link no
longer works, once the answer is no longer yes: a revoked or expired share link stops
an open page within seconds. Every download also asks when clicked, for the seconds
in between."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from dashboard.access.widgets import (
    LINK_GONE,
    current_viewer,
    may_manage,
    may_view,
    share_panel,
)
from dashboard.common.links import RUN_PARAM, RUNS_PAGE
from dashboard.common.text import plain
from dashboard.common.widgets import copy_link, current_run_link
from dashboard.runs.result import ResultMissing, RunResult
from dashboard.runs.widgets import show_result
from dashboard.runs.words import created_text, kind_text, status_text, viewer_zone
from dashboard.runtime import STORE_ERRORS
from run_store import RunNotFound, RunStore, is_run_id

__all__ = ["ACCESS_CHECK_S", "NOT_FOUND", "show_run"]

NOT_FOUND = "This run does not exist or was deleted."
ACCESS_CHECK_S = 2.0


def show_run(store: RunStore, run_id: str | None, token: str | None = None) -> None:
    """The dashboard of the run `run_id` (text from a link: checked here), or a clear
    message with the way to the list of runs. With sign-in, only for whom may see it:
    its owner, an admin, someone it was shared with, or the holder of a live share
    link (`token`); anyone else learns no more than that the run cannot be shown."""
    viewer = current_viewer()
    try:
        record = store.get(run_id) if run_id is not None and is_run_id(run_id) else None
        allowed = may_view(store, record, viewer, token) if record else False
        if allowed is None:
            st.error(f"{LINK_GONE} Ask the person who shared it for a new one.",
                     icon=":material/link_off:")
            return
        if record is not None and not allowed:
            record = None  # the same answer as for a run that does not exist
        result = RunResult.from_store(store, record.id) if record else None
    except RunNotFound:  # deleted between the two reads
        record = result = None
    except ResultMissing:
        st.error("This run's files are missing on the server, so its dashboard cannot be "
                 "shown. Delete it from the list of saved runs, or run the analysis again.")
        _to_the_list()
        return
    except STORE_ERRORS:
        st.error("The saved runs cannot be read right now. Try again in a moment.")
        return
    if record is None or result is None:
        st.error(f"{NOT_FOUND} Check the link, or find the run in the list of saved runs.",
                 icon=":material/link_off:")
        _to_the_list()
        return

    st.title(plain(record.name))
    zone = viewer_zone(st.context.timezone)
    st.caption(f"{kind_text(record)} · {plain(record.source)} · saved "
               f"{created_text(record.created, zone)} · {status_text(record)}")
    if not viewer.sign_in:
        with st.expander("Share this dashboard", icon=":material/link:", expanded=True):
            st.caption("Anyone with this link sees this run's dashboard; nobody can guess "
                       "it.")
            copy_link(current_run_link(record.id))
    elif may_manage(record, viewer):
        with st.expander("Share this dashboard", icon=":material/link:"):
            share_panel(store, record, RUN_PARAM)
    else:
        st.caption("Shared with you: you can look, not change.")
    access = partial(may_view, store, record, viewer, token)
    show_result(result, key=f"run_{record.id}", title=record.name, access=access)
    with st.expander("Settings of this run", icon=":material/tune:"):
        st.json(record.settings)
    _to_the_list()
    if viewer.sign_in and not may_manage(record, viewer):
        _watch_access(access)


@st.fragment(run_every=ACCESS_CHECK_S)
def _watch_access(access: Callable[[], bool | None]) -> None:
    """Redraw the whole page once its viewer may no longer see the run."""
    try:
        allowed = access()
    except STORE_ERRORS:  # the database is away for a moment: ask again next time
        return
    if allowed is not True:
        st.rerun()


def _to_the_list() -> None:
    st.page_link(RUNS_PAGE, label="All saved runs", icon=":material/history:")
