"""Analysing a whole video into a folder of results: the loop the CLI and the app share.

Frame numbers in every file and in progress reports are the video's own frame index,
also when only every n-th frame is analysed.

Files appear atomically (written under a temporary name, then renamed), and
summary.json is written last: a folder with a summary is complete, and the summary
says `partial: true` when the run was stopped or the video ended early.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from heatmap_core.colormaps import colormap_name
from heatmap_core.detectors import Detector, DetectsAhead
from heatmap_core.pipeline import Heatmap, HeatmapResults
from heatmap_core.types import CountEvent, Tracks
from heatmap_core.video import (
    BackgroundWriter,
    H264Writer,
    VideoReader,
    open_video,
    prefetch,
)

__all__ = ["EVENT_COLUMNS", "OUTPUT_FILES", "SERIES_COLUMNS", "Progress", "RunSummary",
           "analyse_video", "save_snapshot"]

OUTPUT_FILES = {
    "annotated_video": "annotated.mp4",
    "heatmap_png": "heatmap.png",
    "heatmap_npy": "heatmap.npy",
    "events_csv": "events.csv",
    "series_csv": "series.csv",
    "summary_json": "summary.json",
}
# The header rows of events.csv and series.csv (the run store reads them back by these).
EVENT_COLUMNS = ("frame", "time_s", "track_id", "class", "direction", "region")
SERIES_COLUMNS = ("start_s", "in", "out", "inside", "tracks")


@dataclass(frozen=True)
class Progress:
    """Where a running analysis is, in the video's own frames.

    `frames_done` of `frames_total` video frames are covered: with a stride, the frames
    skipped after an analysed one count as covered. `frames_analysed` of them were
    analysed (default: all of them); `fps` is analysed frames per second. `latest` is
    the newest frame's results.
    """

    frames_done: int
    frames_total: int | None
    elapsed_s: float
    latest: HeatmapResults | None = None
    frames_analysed: int | None = None

    def __post_init__(self) -> None:
        if self.frames_analysed is None:
            object.__setattr__(self, "frames_analysed", self.frames_done)

    @property
    def fps(self) -> float:
        analysed = self.frames_analysed or 0
        return analysed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def fraction(self) -> float | None:
        if not self.frames_total:
            return None
        return min(self.frames_done / self.frames_total, 1.0)

    @property
    def eta_s(self) -> float | None:
        if not self.frames_total or self.frames_done <= 0 or self.elapsed_s <= 0:
            return None
        per_frame = self.elapsed_s / self.frames_done
        return max(self.frames_total - self.frames_done, 0) * per_frame


@dataclass(frozen=True)
class RunSummary:
    """What summary.json holds: the numbers of a finished (or partial) run.

    `frames` and `duration_s` are the video's frames and seconds covered (all of the
    video for a finished run, whatever the stride); `frames_analysed` says how many of
    those frames were analysed.
    """

    source: str
    model: str
    colormap: str
    frames: int
    frames_analysed: int
    fps: float
    width: int
    height: int
    duration_s: float
    in_count: int
    out_count: int
    classwise_count: dict[str, dict[str, int]]
    total_tracks: int
    inside: int
    region: list[list[float]] | None
    regions: list[dict[str, Any]]
    classes: list[str] | None
    partial: bool
    stop_reason: str | None
    elapsed_s: float
    processing_fps: float
    created: str
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def analyse_video(source: str | int | Path | VideoReader, heatmap: Heatmap,
                  output_dir: str | Path, *,
                  on_progress: Callable[[Progress], None] | None = None,
                  should_stop: Callable[[], bool] | None = None,
                  stride: int = 1, progress_interval_s: float = 0.25,
                  max_frames: int | None = None) -> RunSummary:
    """Run `heatmap` over every `stride`-th frame of `source`; write results to a folder.

    `source` is anything `open_video` takes, or an opened VideoReader (closed here).
    Raises VideoError when the source cannot be read at all. Stopping (`should_stop`
    returning True) or a video that ends early gives a partial run, still written.
    Frames are numbered as the video numbers them (from 0; time = frame / fps), whatever
    the stride; `max_frames` counts analysed frames.
    """
    if stride < 1:
        raise ValueError(f"stride must be 1 or more, got {stride}")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    reader = source if isinstance(source, VideoReader) else open_video(source)
    started = time.monotonic()
    stop_reason: str | None = None
    analysed = 0
    covered = 0  # video frames up to the next frame to analyse
    reached_limit = False
    info = reader.info
    count = info.frame_count
    total = count
    if max_frames is not None:
        limit = max_frames * stride
        total = limit if count is None else min(count, limit)
    writer = BackgroundWriter(H264Writer(_tmp(out / OUTPUT_FILES["annotated_video"]),
                                         info.fps / stride, info.width, info.height))
    events_tmp = _tmp(out / OUTPUT_FILES["events_csv"])
    last_report = 0.0
    decoded = prefetch(f for f in reader if f[0] % stride == 0)
    tracked = _tracked(heatmap.detector, decoded)
    with reader, writer, open(events_tmp, "w", newline="") as events_file, \
            closing(decoded), closing(tracked):
        events = csv.writer(events_file)
        events.writerow(EVENT_COLUMNS)
        results = None
        for (index, time_s, frame), tracks in tracked:
            if should_stop is not None and should_stop():
                stop_reason = "stopped"
                break
            results = heatmap(frame, time_s, frame_index=index, tracks=tracks)
            analysed += 1
            covered = index + stride if count is None else min(index + stride, count)
            writer.write(results.plot_im)
            events.writerows(_event_row(e) for e in results.events)
            now = time.monotonic()
            if on_progress is not None and now - last_report >= progress_interval_s:
                last_report = now
                on_progress(Progress(covered, total, now - started, results, analysed))
            if max_frames is not None and analysed >= max_frames:
                reached_limit = True
                break
        else:
            covered = reader.frames_read  # the whole video, to its last readable frame
        if stop_reason is None and not reached_limit and reader.stopped_early:
            stop_reason = (f"the video ended early: frame {reader.frames_read} of "
                           f"{info.frame_count} could not be decoded")
    elapsed = time.monotonic() - started
    if on_progress is not None:
        on_progress(Progress(covered, total, elapsed, results, analysed))

    video_tmp = _tmp(out / OUTPUT_FILES["annotated_video"])
    files = list(OUTPUT_FILES)
    if video_tmp.exists():
        os.replace(video_tmp, out / OUTPUT_FILES["annotated_video"])
    else:  # stopped before a first frame was analysed: the writer never opened a file
        files.remove("annotated_video")
    os.replace(events_tmp, out / OUTPUT_FILES["events_csv"])
    return _finish(heatmap, out, reader.first_frame, files,
                   source=info.source if info.live else Path(info.source).name, fps=info.fps,
                   frames=covered, frames_analysed=analysed, duration_s=covered / info.fps,
                   elapsed_s=elapsed, stop_reason=stop_reason,
                   inside=results.inside if results else 0)


def _tracked(detector: Detector, frames: Iterator[tuple[int, float, np.ndarray]]
             ) -> Generator[tuple[tuple[int, float, np.ndarray], Tracks | None], None, None]:
    """Each decoded frame with its tracks when the detector can detect ahead (a file is
    known in advance, so detection overlaps tracking, drawing and encoding), else with
    None (the Heatmap asks its detector frame by frame)."""
    if isinstance(detector, DetectsAhead):
        yield from detector.detect_ahead(frames)
    else:
        for item in frames:
            yield item, None


def save_snapshot(heatmap: Heatmap, output_dir: str | Path, *, background: np.ndarray,
                  source: str, fps: float, frames: int, duration_s: float,
                  elapsed_s: float, stop_reason: str | None = None,
                  frames_analysed: int | None = None) -> RunSummary:
    """Write what `heatmap` holds now (a live stream's heat, events kept in memory,
    series) into a folder like `analyse_video`'s, without the annotated video.
    `frames_analysed` defaults to `frames` (a live stream analyses what it shows)."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    events_path = out / OUTPUT_FILES["events_csv"]
    tmp = _tmp(events_path)
    with open(tmp, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(EVENT_COLUMNS)
        writer.writerows(_event_row(e) for e in heatmap.events)
    os.replace(tmp, events_path)
    inside = sum(c.snapshot().inside for c in heatmap.counters)
    files = [k for k in OUTPUT_FILES if k != "annotated_video"]
    return _finish(heatmap, out, background, files, source=source, fps=fps, frames=frames,
                   frames_analysed=frames if frames_analysed is None else frames_analysed,
                   duration_s=duration_s, elapsed_s=elapsed_s, stop_reason=stop_reason,
                   inside=inside)


def _finish(heatmap: Heatmap, out: Path, background: np.ndarray, files: list[str], *,
            source: str, fps: float, frames: int, frames_analysed: int, duration_s: float,
            elapsed_s: float, stop_reason: str | None, inside: int) -> RunSummary:
    """The heat, the series and, last, summary.json."""
    _write_heat(heatmap, background, out)
    _write_series(heatmap, out / OUTPUT_FILES["series_csv"])
    regions = [dict(r.to_dict(), **_region_numbers(heatmap, r.name)) for r in heatmap.regions]
    h, w = background.shape[:2]
    summary = RunSummary(
        source=source, model=heatmap.model_name, colormap=colormap_name(heatmap.colormap),
        frames=frames, frames_analysed=frames_analysed, fps=fps, width=w, height=h,
        duration_s=round(duration_s, 3),
        in_count=heatmap.in_count, out_count=heatmap.out_count,
        classwise_count=heatmap.classwise_count, total_tracks=heatmap.tracks_seen,
        inside=inside,
        region=heatmap.regions[0].to_dict()["points"] if heatmap.regions else None,
        regions=regions,
        classes=None if heatmap.classes is None else [heatmap.names[c] for c in heatmap.classes],
        partial=stop_reason is not None, stop_reason=stop_reason,
        elapsed_s=round(elapsed_s, 3),
        processing_fps=round(frames_analysed / elapsed_s, 2) if elapsed_s else 0.0,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        files={k: OUTPUT_FILES[k] for k in files})
    _write_atomic(out / OUTPUT_FILES["summary_json"],
                  json.dumps(summary.to_dict(), indent=2).encode())
    return summary


def _event_row(e: CountEvent) -> tuple[object, ...]:
    return (e.frame, f"{e.time_s:.3f}", e.track_id, e.class_name, e.direction, e.region)


def _region_numbers(heatmap: Heatmap, name: str) -> dict[str, Any]:
    counter = next(c for c in heatmap.counters if c.region.name == name)
    snap = counter.snapshot()
    return {"kind": snap.kind, "in_count": snap.in_count, "out_count": snap.out_count,
            "classwise_count": snap.classwise_count, "inside": snap.inside,
            "mean_dwell_s": snap.mean_dwell_s}


def _write_heat(heatmap: Heatmap, background: np.ndarray, out: Path) -> None:
    heat = heatmap.heatmap
    if heat is None:
        heat = np.zeros(background.shape[:2], np.float32)
    tmp = _tmp(out / OUTPUT_FILES["heatmap_npy"])
    with open(tmp, "wb") as f:
        np.save(f, heat)
    os.replace(tmp, out / OUTPUT_FILES["heatmap_npy"])
    image = heatmap.colored_heatmap(background) if heatmap.heatmap is not None else background
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("could not encode heatmap.png")
    _write_atomic(out / OUTPUT_FILES["heatmap_png"], png.tobytes())


def _write_series(heatmap: Heatmap, path: Path) -> None:
    tmp = _tmp(path)
    with open(tmp, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(SERIES_COLUMNS)
        for row in heatmap.series.rows():
            writer.writerow(tuple(row[column] for column in SERIES_COLUMNS))
    os.replace(tmp, path)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = _tmp(path)
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial{path.suffix}")
