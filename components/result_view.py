"""A finished (or stopped) analysis, shown from its output folder alone, or from a run
saved in the run store.

Everything comes from the files `heatmap_core.analyse_video` writes, so a saved run
shows the same as a fresh one. Reading is cheap: a widget change redraws the result
without analysing anything again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import charts
from components.plain_text import plain
from heatmap_core import OUTPUT_FILES
from run_store import EVENT_COLUMNS, RunNotFound, RunStore

DOWNLOADS = (  # (file key, button label, mime type, what it is)
    ("annotated_video", "Video .mp4", "video/mp4",
     "The video with heat, boxes, the region and counts drawn on it (H.264)."),
    ("heatmap_png", "Heatmap .png", "image/png", "The final heatmap over the first frame."),
    ("heatmap_npy", "Raw heat .npy", "application/octet-stream",
     "The heat itself: a float32 array, frame-sized, in object-seconds per pixel "
     "(numpy.load)."),
    ("events_csv", "Events .csv", "text/csv",
     "One row per counted crossing: frame, time, track, class, direction, region."),
    ("summary_json", "Summary .json", "application/json",
     "The run's numbers and settings, as the cards above show them."),
)


class ResultMissing(ValueError):
    """The folder holds no complete result (no summary.json, or an unreadable one)."""


@dataclass(frozen=True)
class RunResult:
    """The files of one analysis, and its summary and events read from them."""

    summary: dict[str, Any]
    events: pd.DataFrame
    files: Mapping[str, Path]  # file key (OUTPUT_FILES) -> where it is, for the files it has

    @classmethod
    def load(cls, folder: Path) -> RunResult:
        summary_path = folder / OUTPUT_FILES["summary_json"]
        try:
            summary = json.loads(summary_path.read_text())
            events = pd.read_csv(folder / summary["files"]["events_csv"],
                                 dtype={"class": str, "direction": str, "region": str})
        except (OSError, ValueError, KeyError) as error:
            raise ResultMissing(f"no complete result in {folder.name}: {error}") from None
        listed = summary.get("files") or OUTPUT_FILES
        return cls(summary, events, {key: folder / name for key, name in listed.items()})

    @classmethod
    def from_store(cls, store: RunStore, run_id: str) -> RunResult:
        """A saved run, from the store alone: RunNotFound (or InvalidRunId) when there
        is no such run, ResultMissing when its files are gone."""
        record = store.get(run_id)
        if record is None:
            raise RunNotFound(run_id)
        files = {key: store.file_path(run_id, name) for key, name in OUTPUT_FILES.items()
                 if name in record.files}
        missing = [path.name for path in files.values() if not path.is_file()]
        if missing:
            raise ResultMissing(f"run {run_id} lacks {', '.join(missing)}")
        events = pd.DataFrame(store.events(run_id), columns=list(EVENT_COLUMNS))
        return cls(record.summary, events, files)

    def path(self, file_key: str) -> Path | None:
        """Where the file is, or None for a file this result does not have (a live
        session's run has no annotated video)."""
        return self.files.get(file_key)


def show_result(source: Path | RunResult, key: str) -> None:
    """Draw the result in a folder (or one already loaded, such as a saved run's);
    widget keys start with `key`."""
    try:
        result = source if isinstance(source, RunResult) else RunResult.load(source)
    except ResultMissing:
        st.error("The results of this run are missing or damaged. Run the analysis again.")
        return
    summary = result.summary
    if summary.get("partial"):
        reason = summary.get("stop_reason") or "stopped"
        st.warning(f"Partial result: the analysis {reason_text(reason)} after "
                   f"{summary['frames']} frames ({summary['duration_s']:g} s of video). "
                   "Everything below covers that part only.")
    metric_cards(summary)
    st.caption(f"{plain(summary['source'])}: {summary['frames']} frames analysed with "
               f"{plain(summary['model'])} in {summary['elapsed_s']:.1f} s "
               f"({summary['processing_fps']:g} frames/s); colormap {summary['colormap']}.")

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
    _downloads(result, key)


def metric_cards(summary: dict[str, Any]) -> None:
    """The four headline numbers: In, Out, Inside now, Tracks."""
    cards = (
        ("In", summary["in_count"], "Crossings in the IN direction (the arrow on the frame)."),
        ("Out", summary["out_count"], "Crossings against the IN direction."),
        ("Inside now", summary["inside"], "Objects inside the zone at the last analysed "
                                          "frame (0 for a line)."),
        ("Tracks", summary["total_tracks"], "Distinct objects tracked over the video."),
    )
    for column, (label, value, help_text) in zip(st.columns(len(cards)), cards):
        column.metric(label, value, help=help_text, border=True)


def reason_text(stop_reason: str) -> str:
    return "was stopped" if stop_reason == "stopped" else f"ended early ({stop_reason})"


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
        st.plotly_chart(charts.interval_figure(result.events, bin_s, duration),
                        key=f"{key}_interval")
    with per_class:
        st.plotly_chart(charts.class_figure(result.events), key=f"{key}_class")


def _downloads(result: RunResult, key: str) -> None:
    st.markdown("**Downloads**")
    columns = st.columns(len(DOWNLOADS))
    for column, (file_key, label, mime, about) in zip(columns, DOWNLOADS):
        path = result.path(file_key)
        present = path is not None and path.is_file()
        column.download_button(
            label, data=partial(path.read_bytes) if present else b"",
            file_name=path.name if path else OUTPUT_FILES[file_key], mime=mime, help=about,
            key=f"{key}_download_{file_key}", on_click="ignore", icon=":material/download:",
            width="stretch", disabled=not present)
