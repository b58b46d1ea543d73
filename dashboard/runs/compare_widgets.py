"""Two saved runs side by side: their numbers, their heat on one colour scale and
their counts over time on shared axes. `?a=<id>&b=<id>` picks the two runs."""

from __future__ import annotations

from datetime import tzinfo

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import current_viewer, visible_runs
from dashboard.common.links import RUN_PAGE, RUN_PARAM, RUNS_PAGE
from dashboard.common.text import plain
from dashboard.runs.compare_charts import (
    ComparedRun,
    counts_comparison_figure,
    heat_comparison_figure,
)
from dashboard.runs.widgets import summary_cards
from dashboard.runs.words import created_text, kind_text, status_text, viewer_zone
from run_store import RunNotFound, RunRecord, RunStore

__all__ = ["compare_runs"]

KEY = "compare"
CHOICES = 200
SLOTS = ("a", "b")


def compare_runs() -> None:
    """Pick two runs (from the address, else the two newest) and compare them."""
    store = runtime.run_store()
    zone = viewer_zone(st.context.timezone)
    try:
        runs = {r.id: r for r in store.list(limit=CHOICES,
                                            **visible_runs(store, current_viewer()))}
    except runtime.STORE_ERRORS:
        st.error("The saved runs cannot be read right now. Try again in a moment.")
        return
    if len(runs) < 2:
        st.info("Comparing needs two saved runs: analyse another video first.",
                icon=":material/compare:")
        st.page_link(RUNS_PAGE, label="All saved runs", icon=":material/history:")
        return

    ids = list(runs)
    picked = []
    for column, slot, fallback in zip(st.columns(2), SLOTS, ids[:2], strict=True):
        wanted = st.query_params.get(slot)
        choice = column.selectbox(
            f"Run {slot.upper()}", ids, index=ids.index(wanted if wanted in runs else fallback),
            key=f"{KEY}_{slot}", format_func=lambda i: _choice_label(runs[i], zone),
            help="The 200 newest saved runs, newest first.") or fallback
        st.query_params[slot] = choice  # the address bar keeps the comparison
        picked.append(runs[choice])
    if picked[0].id == picked[1].id:
        st.warning("Both sides show the same run: choose another one for Run B.")

    try:
        compared = [_compared(store, record, label) for record, label in zip(
            picked, ("A", "B"), strict=True)]
        for column, record, label in zip(st.columns(2, gap="large"), picked, ("A", "B"),
                                         strict=True):
            with column:
                _side(store, record, label, zone)
    except (RunNotFound, FileNotFoundError):
        st.error("One of these runs was deleted meanwhile. Choose another one.")
        return
    except runtime.STORE_ERRORS:
        st.error("The saved runs cannot be read right now. Try again in a moment.")
        return
    st.plotly_chart(heat_comparison_figure(compared), key=f"{KEY}_heat")
    st.caption("Both maps share one colour scale, in object-seconds per pixel: the same "
               "colour means the same amount of presence. (The images above each stretch "
               "their colours over their own range.)")
    st.plotly_chart(counts_comparison_figure(compared), key=f"{KEY}_counts")
    st.caption("Solid lines: run A; dashed lines: run B. Both runs share the time axis "
               "(seconds from the start of each video or session) and the count axis.")


def _choice_label(record: RunRecord, zone: tzinfo) -> str:
    """Enough to tell apart two runs of one video (if partial, and when), short enough
    to show whole in a phone-wide selector: the counts are on the cards just below."""
    partial = " (partial)" if record.partial else ""
    return f"{record.name}{partial} · {created_text(record.created, zone)}"


def _compared(store: RunStore, record: RunRecord, label: str) -> ComparedRun:
    return ComparedRun(f"{label}: {record.name}", float(record.summary["duration_s"]),
                       store.series(record.id), store.heatmap(record.id))


def _side(store: RunStore, record: RunRecord, label: str, zone: tzinfo) -> None:
    st.subheader(f"{label}: {plain(record.name)}", anchor=False)
    st.caption(f"{kind_text(record)} · {plain(record.source)} · saved "
               f"{created_text(record.created, zone)} · {status_text(record)}")
    st.page_link(RUN_PAGE, label="Open its dashboard", icon=":material/dashboard:",
                 query_params={RUN_PARAM: record.id})
    summary_cards(record.summary, per_row=2)
    st.image(str(store.file_path(record.id, "heatmap.png")), width="stretch",
             caption="Heatmap over the scene (coloured on its own scale)")
