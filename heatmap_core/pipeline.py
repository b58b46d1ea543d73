"""`Heatmap`: the Ultralytics `solutions.Heatmap` API, built from small parts.

frame -> detector (tracks) -> heat accumulator + region counters -> drawing -> results
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from heatmap_core.accumulator import HeatAccumulator
from heatmap_core.colormaps import colormap_name, resolve_colormap
from heatmap_core.counting import RegionCounter, ZoneCounter, make_counter
from heatmap_core.detectors import (
    DEFAULT_TRACKER,
    DEFAULT_WEIGHTS,
    Detector,
    load_detector,
    resolve_classes,
)
from heatmap_core.overlay import HeatOverlay, overlay
from heatmap_core.regions import Region, RegionClippedWarning, parse_regions
from heatmap_core.render import DrawOptions, draw_frame
from heatmap_core.series import CountSeries
from heatmap_core.types import CountEvent, DwellRecord, RegionCounts, Tracks

__all__ = ["Heatmap", "HeatmapResults"]

_log = logging.getLogger("heatmap_core")
# The heat's colour layer is rebuilt at most this often (stream seconds): heat changes
# slowly, and at 1080p rebuilding costs more than blending.
LAYER_REFRESH_S = 0.2


@dataclass(frozen=True)
class HeatmapResults:
    """One frame's results: the seed's fields, then ours. A snapshot: later frames
    never change it.

    `total_tracks` is the number of objects tracked in this frame (as the seed);
    `tracks_seen` counts distinct tracks since the start.
    """

    plot_im: npt.NDArray[np.uint8]
    in_count: int
    out_count: int
    classwise_count: dict[str, dict[str, int]]
    total_tracks: int
    frame_index: int = 0
    time_s: float = 0.0
    tracks: Tracks = field(default_factory=Tracks.empty)
    events: tuple[CountEvent, ...] = ()
    regions: dict[str, RegionCounts] = field(default_factory=dict)
    inside: int = 0
    tracks_seen: int = 0
    speed: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return (f"in_count={self.in_count}, out_count={self.out_count}, "
                f"classwise_count={self.classwise_count}, total_tracks={self.total_tracks}")


class Heatmap:
    """Heatmap and in/out counting over a video, one frame per call.

    Same parameters and results as `ultralytics.solutions.Heatmap`, plus `regions`
    (several named lines and zones), `decay`, `opacity`, and access to the raw heat
    (`heatmap`), the count events (`events`) and the counts over time (`series`).

    Args:
        model: YOLO weights (any format Ultralytics loads), "motion" for the built-in
            detector that needs no weights, or a `Detector`.
        colormap: OpenCV colormap constant or name ("inferno").
        region: the seed's single region: 2 points (a line) or 3+ (a zone), as a list
            or the string "[(20, 400), (1080, 400)]". A region that reaches past the
            frame is cut to it at the first frame, with a `RegionClippedWarning` (as
            Ultralytics accepts such regions); one with no part inside is a ValueError.
        regions: several named regions: {"door": [...], "till": [...]} or Regions.
        decay: heat half-life in seconds; None keeps all heat (as the seed).
        opacity: how strongly the heat colours the frame where there is heat.
        fps: the frame rate used for time when calls pass no `time_s`.
        hysteresis, min_frames: counting noise rejection (see `heatmap_core.counting`).
        engine: "pytorch", or "onnx" / "openvino": the YOLO weights exported on first use
            (cached) and run by ONNX Runtime / OpenVINO, faster on CPUs.
        max_events: how many of the newest count events `events` keeps (the counts
            themselves are never dropped).
        model_name: what summaries call the model (None: the weights' file name,
            "motion", or the model's type).
        cache_dir: where the onnx / openvino engines keep their exports (None:
            ~/.cache/heatmap_core).
    """

    # Per-stream state, set by _reset_stream.
    frame_index: int
    tracks_seen: int
    _last_time: float | None
    _layer_time: float | None
    _seen_ids: set[int]
    _frame_size: tuple[int, int] | None

    def __init__(self, *, model: Any = DEFAULT_WEIGHTS,
                 colormap: int | str = cv2.COLORMAP_DEEPGREEN, region: Any = None,
                 regions: Any = None, show_in: bool = True, show_out: bool = True,
                 tracker: str = DEFAULT_TRACKER, conf: float = 0.25,
                 iou: float = 0.7, classes: Sequence[int | str] | str | None = None,
                 verbose: bool = True, device: str | None = None, show: bool = False,
                 line_width: int | None = 2, show_conf: bool = True,
                 show_labels: bool = True, show_boxes: bool = True, imgsz: int = 640,
                 max_det: int = 300, half: bool = False, decay: float | None = None,
                 opacity: float = 0.5, fps: float = 30.0, hysteresis: float = 0.15,
                 min_frames: int = 2, engine: str = "pytorch",
                 max_events: int = 100_000, model_name: str | None = None,
                 cache_dir: str | Path | None = None) -> None:
        if region is not None and regions is not None:
            raise ValueError("pass either region (one) or regions (several), not both")
        self.colormap = resolve_colormap(colormap)
        self.regions: tuple[Region, ...] = parse_regions(regions if regions is not None
                                                         else region)
        if not 0.0 <= opacity <= 1.0:
            raise ValueError(f"opacity must be between 0 and 1, got {opacity}")
        if decay is not None and decay <= 0:
            raise ValueError(f"decay is a half-life in seconds and must be positive, got {decay}")
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.model_name = _model_name(model) if model_name is None else model_name
        self.detector: Detector = load_detector(
            model, tracker=tracker, conf=conf, iou=iou, classes=classes, device=device,
            imgsz=imgsz, max_det=max_det, half=half, engine=engine, cache_dir=cache_dir)
        self.names: dict[int, str] = dict(self.detector.names)
        self.classes = resolve_classes(classes, self.names)
        self.decay = decay
        self.opacity = opacity
        self.fps = fps
        self.verbose = verbose
        self.show = show and _display_available(warn=True)
        show_conf = show_conf and getattr(self.detector, "has_confidence", True)
        self.draw_options = DrawOptions(line_width, show_boxes, show_labels, show_conf,
                                        show_in, show_out)
        self.counters: list[RegionCounter] = [
            make_counter(r, hysteresis=hysteresis, min_frames=min_frames)
            for r in self.regions]
        self.events: deque[CountEvent] = deque(maxlen=max_events)
        self.series = CountSeries()
        self._accumulator: HeatAccumulator | None = None
        self._layer = HeatOverlay()
        self._class_votes: dict[int, Counter[int]] = {}
        self._reset_stream()
        if verbose:
            _log.info("heatmap: model=%s colormap=%s regions=%s", self.model_name,
                      colormap_name(self.colormap), [r.to_dict() for r in self.regions])

    # -- the seed's API -------------------------------------------------------------

    def __call__(self, im0: np.ndarray, time_s: float | None = None, *,
                 frame_index: int | None = None, tracks: Tracks | None = None
                 ) -> HeatmapResults:
        if frame_index is None and tracks is None:  # overrides of process(im0, time_s)
            return self.process(im0, time_s)
        return self.process(im0, time_s, frame_index=frame_index, tracks=tracks)

    def process(self, im0: np.ndarray, time_s: float | None = None, *,
                frame_index: int | None = None, tracks: Tracks | None = None
                ) -> HeatmapResults:
        """Analyse one BGR frame.

        `frame_index` is the frame's own index in its video (events and results carry
        it), so that analysing every n-th frame still numbers frames as the video does;
        by default the previous index + 1 (the first call is frame 1). `time_s` is its
        time in the stream, by default frame_index / fps. `tracks`, when given, are
        this frame's tracks from this Heatmap's detector, found ahead
        (`DetectsAhead.detect_ahead`): the detector is then not asked again.
        """
        frame = _as_bgr(im0)
        t0 = time.perf_counter()
        index = self.frame_index + 1 if frame_index is None else int(frame_index)
        self.frame_index = index
        self.frames_analysed += 1
        now = index / self.fps if time_s is None else float(time_s)
        dt = self._elapsed(now)
        self._fit_to(frame)
        if tracks is None:
            tracks = self.detector.update(frame, now)
        if self.classes is not None and len(tracks):
            tracks = tracks[np.isin(tracks.class_id, self.classes)]
        t1 = time.perf_counter()

        self._vote_classes(tracks)
        accumulator = self._accumulator
        assert accumulator is not None
        accumulator.advance(dt)
        accumulator.deposit(tracks.xyxy, dt)
        events: list[CountEvent] = []
        for counter in self.counters:
            events += counter.update(tracks, index, now, self._class_of)
        for track_id in tracks.retired_ids:
            self._class_votes.pop(track_id, None)
            self._seen_ids.discard(track_id)
        self.events.extend(events)
        snapshots = [c.snapshot() for c in self.counters]
        inside = sum(s.inside for s in snapshots)
        self.series.record(now, events, inside, len(tracks))
        if self.verbose:
            for e in events:
                _log.info("frame %d (%.1fs): %s #%d %s %s", e.frame, e.time_s, e.class_name,
                          e.track_id, e.direction, e.region)

        if self._layer_time is None or not 0 <= now - self._layer_time < LAYER_REFRESH_S:
            self._layer.update(accumulator.normalized(), frame.shape[:2], self.colormap,
                               self.opacity)
            self._layer_time = now
        plot_im = self._layer.apply(frame)
        classwise = self.classwise_count
        draw_frame(plot_im, tracks, self.names, self.regions, snapshots, classwise,
                   self.draw_options)
        if self.show:
            self._display(plot_im)
        t2 = time.perf_counter()
        return HeatmapResults(
            plot_im=plot_im, in_count=self.in_count, out_count=self.out_count,
            classwise_count=classwise, total_tracks=len(tracks), frame_index=index,
            time_s=now, tracks=tracks, events=tuple(events),
            regions={s.name: s for s in snapshots}, inside=inside,
            tracks_seen=self.tracks_seen,
            speed={"track": (t1 - t0) * 1e3, "solution": (t2 - t1) * 1e3})

    # -- what the seed keeps as attributes ------------------------------------------

    @property
    def region(self) -> list[tuple[float, float]] | None:
        """The first region's points, as the seed's `region` attribute."""
        return list(self.regions[0].points) if self.regions else None

    @property
    def heatmap(self) -> npt.NDArray[np.float32] | None:
        """The raw heat, frame-sized float32, in object-seconds per pixel (None before
        the first frame)."""
        return None if self._accumulator is None else self._accumulator.values

    @property
    def in_count(self) -> int:
        return sum(c.in_count for c in self.counters)

    @property
    def out_count(self) -> int:
        return sum(c.out_count for c in self.counters)

    @property
    def classwise_count(self) -> dict[str, dict[str, int]]:
        """{class name: {"IN": n, "OUT": n}} over all regions, a fresh copy."""
        total: dict[str, dict[str, int]] = {}
        for counter in self.counters:
            for name, value in counter.classwise.items():
                slot = total.setdefault(name, {"IN": 0, "OUT": 0})
                slot["IN"] += value["IN"]
                slot["OUT"] += value["OUT"]
        return total

    @property
    def dwells(self) -> list[DwellRecord]:
        """Finished zone visits, oldest first."""
        return [d for c in self.counters if isinstance(c, ZoneCounter) for d in c.dwells]

    def reset(self) -> None:
        """Start over: heat, counts, events, series and the detector's tracks."""
        self.detector.reset()
        for counter in self.counters:
            counter.reset()
        self.events.clear()
        self.series.reset()
        self._class_votes.clear()
        self._accumulator = None
        self._reset_stream()

    def colored_heatmap(self, background: np.ndarray | None = None) -> npt.NDArray[np.uint8]:
        """The heat coloured and blended over `background` (a black frame if None)."""
        if self._accumulator is None:
            raise ValueError("no frame processed yet: there is no heat to colour")
        h, w = self._accumulator.shape
        base = np.zeros((h, w, 3), np.uint8) if background is None else _as_bgr(background)
        if base.shape[:2] != (h, w):
            base = np.asarray(cv2.resize(base, (w, h)), np.uint8)
        opacity = 1.0 if background is None else self.opacity
        return overlay(base, self._accumulator.normalized(), self.colormap, opacity)

    # -- internals -----------------------------------------------------------------

    def _reset_stream(self) -> None:
        self.frame_index = 0  # the newest frame's index
        self.frames_analysed: int = 0  # calls since the start (fewer than frames with a stride)
        self.tracks_seen = 0
        self._last_time = None
        self._layer_time = None
        self._seen_ids = set()
        self._frame_size = None

    def _elapsed(self, now: float) -> float:
        last, self._last_time = self._last_time, now
        if last is None:
            return 1.0 / self.fps
        return min(max(now - last, 0.0), 10.0)  # a stall of hours is not hours of heat

    def _fit_to(self, frame: np.ndarray) -> None:
        h, w = frame.shape[:2]
        if self._frame_size == (h, w):
            return
        if self._frame_size is None:
            self._clip_regions(w, h)
            self._accumulator = HeatAccumulator(h, w, self.decay)
        else:
            old_h, old_w = self._frame_size
            sx, sy = w / old_w, h / old_h
            _log.info("frame size changed from %dx%d to %dx%d: scaling heat and regions",
                      old_w, old_h, w, h)
            self.regions = tuple(r.scaled(sx, sy) for r in self.regions)
            for counter, region in zip(self.counters, self.regions, strict=True):
                counter.move_to(region)
            assert self._accumulator is not None
            self._accumulator.resize(h, w)
        self._frame_size = (h, w)
        self._layer_time = None

    def _clip_regions(self, width: int, height: int) -> None:
        """Cut regions that reach past the first frame to it, as Ultralytics accepts
        them; warn once per region, saying what was cut."""
        clipped = tuple(r.clipped(width, height) for r in self.regions)
        for before, after, counter in zip(self.regions, clipped, self.counters, strict=True):
            if after is before:
                continue
            outside = ", ".join(f"({x:g}, {y:g})" for x, y in before.outside_points(width, height))
            inside = ", ".join(f"({x:g}, {y:g})" for x, y in after.points)
            warnings.warn(f"region {before.name!r}: {outside} outside the {width}x{height} "
                          f"frame; counting with the {after.kind} cut to the frame: "
                          f"[{inside}]", RegionClippedWarning,
                          stacklevel=5)  # the caller of heatmap(frame)
            counter.move_to(after)
        self.regions = clipped

    def _vote_classes(self, tracks: Tracks) -> None:
        for track_id, class_id in zip(tracks.track_id.tolist(), tracks.class_id.tolist(),
                                      strict=True):
            if track_id not in self._seen_ids:
                self._seen_ids.add(track_id)
                self.tracks_seen += 1
            votes = self._class_votes.get(track_id)
            if votes is None:
                votes = self._class_votes[track_id] = Counter()
            votes[class_id] += 1
        if len(self._seen_ids) > 100_000:  # a detector that never retires its tracks
            self._seen_ids = set(self._class_votes)

    def _class_of(self, track_id: int) -> str:
        votes = self._class_votes.get(track_id)
        class_id = votes.most_common(1)[0][0] if votes else 0
        return self.names.get(class_id, str(class_id))

    def _display(self, image: np.ndarray) -> None:
        try:
            cv2.imshow("heatmap", image)
            cv2.waitKey(1)
        except cv2.error:
            _log.warning("show=True: this OpenCV cannot open windows (headless build); "
                         "frames are not shown")
            self.show = False


def _model_name(model: Any) -> str:
    """What summaries call the model: its file name, "motion", or its type."""
    if isinstance(model, (str, os.PathLike)):
        return os.path.basename(str(model).rstrip("/")) or str(model)
    checkpoint = getattr(model, "ckpt_path", None)
    return os.path.basename(checkpoint) if checkpoint else type(model).__name__


def _as_bgr(image: Any) -> npt.NDArray[np.uint8]:
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise ValueError("expected a frame as a non-empty HxWx3 numpy array (BGR), got "
                         f"{getattr(image, 'shape', type(image).__name__)}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 frame, got {image.dtype}")
    if image.ndim == 2:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), np.uint8)
    if image.shape[2] == 4:
        return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGRA2BGR), np.uint8)
    if image.shape[2] != 3:
        raise ValueError(f"expected 3 colour channels, got {image.shape[2]}")
    return image


def _display_available(warn: bool) -> bool:
    """Can cv2.imshow open a window here? Say why not instead of crashing later."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        if warn:
            _log.warning("show=True but there is no display ($DISPLAY is not set): frames "
                         "are not shown; save the annotated video instead")
        return False
    return True
