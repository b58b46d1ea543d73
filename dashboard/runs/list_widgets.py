"""The list of saved runs: find one by name or day, open its dashboard, rename or
delete it, or tick two to compare them."""

from __future__ import annotations

from datetime import tzinfo

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import current_viewer, may_manage, visible_runs
from dashboard.common.links import COMPARE_PAGE, RUN_PAGE, RUN_PARAM, UPLOAD_PAGE
from dashboard.common.text import plain
from dashboard.runs.filter import RunFilter
from dashboard.runs.words import created_text, kind_text, status_text, viewer_zone
from run_store import RunNotFound, RunRecord, is_run_id

__all__ = ["runs_list"]

KEY = "runs"
PAGE_SIZE = 50


def runs_list() -> None:
    """The whole list: filter, notices, compare bar and one row per run."""
    zone = viewer_zone(st.context.timezone)
    run_filter = _filter_bar()
    _notice()
    store = runtime.run_store()
    try:
        runs = run_filter.runs(store, zone, PAGE_SIZE + 1,
                               visible_runs(store, current_viewer()))
    except runtime.STORE_ERRORS:
        st.error("The saved runs cannot be read right now. Try again in a moment.")
        return
    if not runs:
        filtered = run_filter != RunFilter()
        st.info("No saved run matches this filter." if filtered else
                "No saved runs yet: every analysis you run is saved here.",
                icon=":material/search_off:" if filtered else ":material/history:")
        st.page_link(UPLOAD_PAGE, label="Analyse a video", icon=":material/upload_file:")
        return
    shown = runs[:PAGE_SIZE]
    st.caption(f"The {PAGE_SIZE} newest matching runs: narrow the filter to find older ones."
               if len(runs) > PAGE_SIZE else
               f"{len(shown)} run{'s' if len(shown) != 1 else ''}, newest first.")
    _compare_bar(shown)
    for record in shown:
        _run_row(record, zone)


def _filter_bar() -> RunFilter:
    name_col, days_col = st.columns(2)
    name = name_col.text_input("Name contains", key=f"{KEY}_name",
                               placeholder="Part of a run's name, any case")
    days = days_col.date_input(
        "Saved between", value=[], key=f"{KEY}_days", format="YYYY-MM-DD",
        help="Pick the first and the last day (in your time zone); one day picked shows "
             "runs from that day on. Clear it to see every day.")
    picked = tuple(days)  # (), (first,) while choosing, or (first, last)
    return RunFilter(name, picked[0] if picked else None,
                     picked[1] if len(picked) > 1 else None)


def _compare_bar(runs: list[RunRecord]) -> None:
    picked = [r for r in runs if st.session_state.get(f"{KEY}_pick_{r.id}")]
    text_col, button_col = st.columns([3, 1], vertical_alignment="center")
    text_col.caption("Tick **Compare** on two runs to see them side by side." if
                     len(picked) != 2 else "Two runs ticked.")
    if button_col.button("Compare the two ticked", key=f"{KEY}_compare",
                         icon=":material/compare:", disabled=len(picked) != 2,
                         width="stretch"):
        st.switch_page(COMPARE_PAGE, query_params={"a": picked[0].id, "b": picked[1].id})


def _run_row(record: RunRecord, zone: tzinfo) -> None:
    with st.container(border=True, key=f"{KEY}_row_{record.id}"):
        thumb_col, about_col, numbers_col, actions_col = st.columns(
            [1.2, 2.6, 1.4, 2.4], vertical_alignment="center")
        thumb_col.image(record.thumbnail, width="stretch")
        with about_col:
            st.page_link(RUN_PAGE, label=plain(record.name), icon=":material/dashboard:",
                         query_params={RUN_PARAM: record.id})
            st.caption(f"{created_text(record.created, zone)} · {kind_text(record)} · "
                       f"{plain(record.source)}")
            if record.partial:
                st.badge(status_text(record), icon=":material/warning:", color="orange")
            else:
                st.badge("Complete", icon=":material/check:", color="green")
        numbers_col.markdown(f"In **{record.in_count}** · Out **{record.out_count}**  \n"
                             f"Tracks **{record.total_tracks}**")
        with actions_col:
            st.checkbox("Compare", key=f"{KEY}_pick_{record.id}")
            if not may_manage(record, current_viewer()):
                st.caption("Shared with you: view only.")
                return
            rename_col, delete_col = st.columns(2)
            with rename_col.popover("Rename", icon=":material/edit:", width="stretch"):
                st.text_input("New name", value=record.name, max_chars=200,
                              key=f"{KEY}_new_name_{record.id}")
                st.button("Save name", key=f"{KEY}_rename_{record.id}", on_click=_rename,
                          args=(record.id,))
            with delete_col.popover("Delete", icon=":material/delete:", width="stretch"):
                st.markdown(f"Delete **{plain(record.name)}**? Its dashboard and link stop "
                            "working. This cannot be undone.")
                st.button("Delete for good", type="primary", key=f"{KEY}_delete_{record.id}",
                          on_click=_delete, args=(record.id, record.name))


def _managed(run_id: str) -> bool:
    """Checked again when the button acts: the run may have changed hands meanwhile."""
    try:
        record = runtime.run_store().get(run_id) if is_run_id(run_id) else None
    except runtime.STORE_ERRORS:
        return True  # the action itself will say the store is unreachable
    if record is not None and not may_manage(record, current_viewer()):
        _say("error", "Only the run's owner (or an admin) can change it.")
        return False
    return True


def _rename(run_id: str) -> None:
    name = st.session_state[f"{KEY}_new_name_{run_id}"].strip()
    if not _managed(run_id):
        return
    try:
        record = runtime.run_store().rename(run_id, name)
    except RunNotFound:
        _say("error", "That run was deleted meanwhile.")
    except (ValueError, TypeError) as error:
        _say("error", f"Not renamed: {error}.")
    except runtime.STORE_ERRORS:
        _say("error", "Not renamed: the saved runs cannot be changed right now.")
    else:
        _say("success", f"Renamed to **{plain(record.name)}**.")


def _delete(run_id: str, name: str) -> None:
    if not _managed(run_id):
        return
    try:
        runtime.run_store().delete(run_id)
    except RunNotFound:
        _say("success", f"**{plain(name)}** was already deleted.")
    except runtime.STORE_ERRORS:
        _say("error", "Not deleted: the saved runs cannot be changed right now.")
    else:
        st.session_state.pop(f"{KEY}_pick_{run_id}", None)
        _say("success", f"Deleted **{plain(name)}**.")


def _say(kind: str, text: str) -> None:
    st.session_state[f"{KEY}_notice"] = (kind, text)


def _notice() -> None:
    """The outcome of the last rename or delete, shown once."""
    kind, text = st.session_state.pop(f"{KEY}_notice", (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text)
