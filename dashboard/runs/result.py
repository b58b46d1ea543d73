"""A finished (or stopped) analysis, read from its output folder alone, or from a run
saved in the run store: what the result view and the run dashboard show.

Everything comes from the files `heatmap_core.analyse_video` writes, so a saved run
shows the same as a fresh one. Reading is cheap: a widget change redraws the result
without analysing anything again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from heatmap_core import OUTPUT_FILES
from run_store import EVENT_COLUMNS, RunNotFound, RunStore

__all__ = ["DOWNLOADS", "Download", "ResultMissing", "RunResult", "zone_dwells"]


@dataclass(frozen=True)
class Download:
    """One file of a result offered for download."""

    file_key: str  # a key of heatmap_core.OUTPUT_FILES
    label: str
    mime: str
    about: str


DOWNLOADS = (
    Download("annotated_video", "Video .mp4", "video/mp4",
             "The video with heat, boxes, the region and counts drawn on it (H.264)."),
    Download("heatmap_png", "Heatmap .png", "image/png",
             "The final heatmap over the first frame."),
    Download("heatmap_npy", "Raw heat .npy", "application/octet-stream",
             "The heat itself: a float32 array, frame-sized, in object-seconds per pixel "
             "(numpy.load)."),
    Download("events_csv", "Events .csv", "text/csv",
             "One row per counted crossing: frame, time, track, class, direction, region."),
    Download("series_csv", "Series .csv", "text/csv",
             "Counts over time: IN, OUT, objects inside zones and tracked objects per "
             "time bin."),
    Download("summary_json", "Summary .json", "application/json",
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


def zone_dwells(summary: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    """(zone name, mean seconds a visit lasted) for each zone of a run's summary; None
    when no visit has ended yet."""
    return [(str(region.get("name", "zone")), region.get("mean_dwell_s"))
            for region in summary.get("regions") or []
            if isinstance(region, Mapping) and region.get("kind") == "zone"]
