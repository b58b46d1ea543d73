"""A result on the page: the cards, the heatmap and video, charts of the counts over
time, the count events and a download for every file; and the notice that says which
saved run a result became."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.access.widgets import checked_download, current_viewer
from dashboard.common.links import RUN_PAGE, RUN_PARAM
from dashboard.common.text import plain, stop_reason_text
from dashboard.common.widgets import copy_link, count_cards, current_run_link
from dashboard.runs import charts
from dashboard.runs.report import html_report
from dashboard.runs.result import DOWNLOADS, ResultMissing, RunResult, zone_dwells
from dashboard.sessions.storage import safe_filename
from heatmap_core import OUTPUT_FILES
from run_store import RunRecord

__all__ = ["saved_run_notice", "show_result", "summary_cards"]


def show_result(source: Path | RunResult, key: str, title: str | None = None,
                access: Callable[[], bool | None] | None = None) -> None:
    """Draw the result in a folder (or one already loaded, such as a saved run's);
    widget keys start with `key`; `title` names it in the report (default: its video).
    With `access` (a saved run's `may_view`, its arguments bound), every download asks
    it again when clicked and is refused once it no longer says yes (a revoked link)."""
    try:
        result = source if isinstance(source, RunResult) else RunResult.load(source)
    except ResultMissing:
        st.error("The results of this run are missing or damaged. Run the analysis again.")
        return
    summary = result.summary
    if summary.get("partial"):
        reason = summary.get("stop_reason") or "stopped"
        st.warning(f"Partial result: the analysis {stop_reason_text(reason)} after "
                   f"{summary['frames']} frames ({summary['duration_s']:g} s of video). "
                   "Everything below covers that part only.")
    summary_cards(summary)
    analysed = summary.get("frames_analysed", summary["frames"])
    stride = summary["frames"] // analysed if analysed else 1
    every = f" (one frame in {stride})" if stride > 1 else ""
    st.caption(f"{plain(summary['source'])}: {analysed} frames analysed{every} with "
               f"{plain(summary['model'])} in {summary['elapsed_s']:.1f} s "
               f"({summary['processing_fps']:g} frames/s); colormap {summary['colormap']}.")
    _dwell_line(summary)

    heat_col, video_col = st.columns(2, gap="medium")
    with heat_col:
        st.markdown("**Heatmap over the scene**")
        st.image(str(result.path("heatmap_png")), width="stretch")
    with video_col:
        st.markdown("**Annotated video**")
        video = result.path("annotated_video")
        if video is not None and video.is_file():
            st.video(str(video))
        else:
            st.caption("No annotated video: a live session keeps its heatmap, counts and "
                       "events, not the video.")

    _charts(result, key)
    st.markdown("**Count events**")
    if result.events.empty:
        st.caption("Nothing crossed the region." if summary.get("region") else
                   "No region was drawn, so nothing was counted.")
    else:
        st.dataframe(result.events, hide_index=True, height=min(400, 38 + 35 * len(
            result.events)), column_config={"time_s": st.column_config.NumberColumn(
                "time (s)", format="%.1f")})
    _downloads(result, key, title or str(summary["source"]), access)


def summary_cards(summary: Mapping[str, Any], per_row: int = 4) -> None:
    """The headline numbers of a run's summary, `per_row` cards in a row (fewer where
    the space is narrow, so no label is cut)."""
    count_cards(int(summary["in_count"]), int(summary["out_count"]),
                int(summary["inside"]), int(summary["total_tracks"]), per_row=per_row)


def saved_run_notice(saved: RunRecord | None, save_error: str | None, key: str) -> None:
    """'Saved as run <name>', with Open and the link to copy; or why it was not saved."""
    if saved is None:
        if save_error:
            st.warning(f"This result could not be saved as a run ({save_error}), so it has "
                       "no link and is not in the list of saved runs. It is shown below as "
                       "long as this page stays open.", icon=":material/cloud_off:")
        return
    with st.container(border=True, key=f"{key}_saved"):
        partial_note = " (partial)" if saved.partial else ""
        text_col, open_col = st.columns([5, 1], vertical_alignment="center")
        # No icons: a browser counts each as an image (role img), and the heatmap should
        # stay the first image of the result.
        signed_in = current_viewer().sign_in
        text_col.markdown(f"Saved as run **{plain(saved.name)}**{partial_note}. " + (
            "Only you (and the admins) can open it: share it from its dashboard." if
            signed_in else "Anyone with the link can open its dashboard."))
        if open_col.button("Open", key=f"{key}_open", width="stretch",
                           help="Open this run's own dashboard."):
            st.switch_page(RUN_PAGE, query_params={RUN_PARAM: saved.id})
        if not signed_in:
            copy_link(current_run_link(saved.id))


def _dwell_line(summary: Mapping[str, Any]) -> None:
    dwells = zone_dwells(summary)
    if dwells:
        st.caption("Time spent in each zone, per visit on average: " + "; ".join(
            f"{plain(name)} {seconds:.1f} s" if seconds is not None else
            f"{plain(name)}: no visit has ended yet" for name, seconds in dwells) + ".")


def _charts(result: RunResult, key: str) -> None:
    duration = float(result.summary["duration_s"])
    cumulative, per_interval, per_class = st.tabs(["Cumulative", "Per interval", "Per class"])
    with cumulative:
        st.plotly_chart(charts.cumulative_figure(result.events, duration),
                        key=f"{key}_cumulative")
    with per_interval:
        bin_s = st.selectbox(
            "Interval", charts.BIN_CHOICES_S, key=f"{key}_bin",
            index=charts.BIN_CHOICES_S.index(charts.default_bin_s(duration)),
            format_func=charts.duration_label,
            help="The width of each bar: counts are summed over this much video time.")
        st.plotly_chart(charts.interval_figure(result.events, float(bin_s or 1), duration),
                        key=f"{key}_interval")
    with per_class:
        st.plotly_chart(charts.class_figure(result.events), key=f"{key}_class")


def _downloads(result: RunResult, key: str, title: str,
               access: Callable[[], bool | None] | None) -> None:
    def checked(make: Callable[[], bytes]) -> Callable[[], bytes]:
        return make if access is None else checked_download(access, make)

    st.markdown("**Downloads**")
    columns = st.columns(len(DOWNLOADS) + 1)
    for column, download in zip(columns[:-1], DOWNLOADS, strict=True):
        path = result.path(download.file_key)
        present = path is not None and path.is_file()
        column.download_button(
            download.label, data=checked(path.read_bytes) if path and present else b"",
            file_name=path.name if path else OUTPUT_FILES[download.file_key],
            mime=download.mime, help=download.about,
            key=f"{key}_download_{download.file_key}", on_click="ignore",
            icon=":material/download:", width="stretch", disabled=not present)
    columns[-1].download_button(
        "Report .html", data=checked(partial(_report_bytes, result, title)),
        file_name=f"{safe_filename(title, 'run')}-report.html", mime="text/html",
        help="This dashboard as one file to mail to someone: the numbers, the heatmap and "
             "interactive charts, readable offline in any browser.",
        key=f"{key}_download_report", on_click="ignore", icon=":material/download:",
        width="stretch")


def _report_bytes(result: RunResult, title: str) -> bytes:
    return html_report(result, title).encode()
