"""One browser session's live analysis, shared by the WebRTC frame callback and the page.

`LiveSession.process` is the `video_frame_callback`: it runs in streamlit-webrtc's worker
thread, which hands it only the newest camera frame (older ones are dropped while it
is busy, so the view stays live). The page, in Streamlit's script thread, reads
`snapshot()` about once a second and calls `configure`, `reset` and `save`.

Thread-safe, with two locks so that neither side waits long for the other:
`_work` guards the Heatmap and is held while a frame is analysed (so `configure`,
`reset` and `save` wait at most one frame); `_view` guards only what the page reads
and is held for microseconds. `_work` is always taken before `_view`, never inside it.
No Streamlit call happens here: the callback must not touch `st`.

One source for the video and the cards: each analysed frame's result is published as
one record (the annotated image the video shows and the numbers the cards show, both
from the same `HeatmapResults`), swapped in at once; frames skipped by the stride show
that record's image. The cards can trail the video by their refresh interval, never
show another frame's counts than one the video showed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
import numpy.typing as npt

from dashboard.live.clock import StreamClock
from heatmap_core import Heatmap, ModelLoadError, RunSummary, save_snapshot

__all__ = ["LiveSession", "LiveSnapshot"]

_log = logging.getLogger(__name__)
Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class LiveSnapshot:
    """What the page shows, as of the newest analysed frame (since the last reset)."""

    analysing: bool  # a Heatmap is set up; False: frames pass through unchanged
    frames: int  # frames analysed
    fps: float  # frames analysed per second, over the last few seconds
    ms_per_frame: float  # recent mean analysis time: what the computer can keep up with
    in_count: int
    out_count: int
    inside: int  # objects inside zones now
    tracks_seen: int  # distinct objects tracked
    stream_s: float  # session time covered
    series: tuple[Mapping[str, Any], ...]  # counts per time bin (Heatmap.series.rows())
    frame_size: tuple[int, int] | None  # (width, height) of the camera's frames
    seconds_since_frame: float | None  # since the callback last got a frame
    waiting_s: float | None  # since the camera was started, while no frame has come
    error: str | None  # why the newest frame was not analysed


@dataclass(frozen=True)
class _Shown:
    """One analysed frame as the page shows it: the annotated image the video gets and
    the numbers the cards get, from the same `HeatmapResults`."""

    image: Image
    numbers: Mapping[str, Any]


class LiveSession:
    """The live state of one browser session: a Heatmap fed camera frames, and the
    latest numbers for the page. See the module docstring for the threading rules."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic,
                 fps_window_s: float = 3.0, series_interval_s: float = 0.5) -> None:
        self._monotonic = monotonic
        self._fps_window_s = fps_window_s
        self._series_interval_s = series_interval_s
        self._work = threading.Lock()
        self._view = threading.Lock()
        # Guarded by _work:
        self._key: Hashable = object()  # never equal to a caller's key
        self._heatmap: Heatmap | None = None
        self._stride = 1
        self._clock = StreamClock(monotonic=monotonic)
        self._received = 0
        self._analysed_image: Image | None = None  # the raw frame behind the heat
        self._series_published_at: float | None = None
        # Guarded by _view:
        self._shown: _Shown | None = None  # the newest analysed frame, as shown
        self._latest_image: Image | None = None
        self._latest_at: float | None = None
        self._waiting_since: float | None = None
        self._done_at: deque[float] = deque(maxlen=240)
        self._durations: deque[float] = deque(maxlen=30)
        self._view_numbers: Mapping[str, Any]
        self._series: tuple[Mapping[str, Any], ...]
        self._error: str | None
        self._clear_view()

    # -- the page's side ------------------------------------------------------------

    def configure(self, key: Hashable, make_heatmap: Callable[[], Heatmap] | None,
                  stride: int = 1) -> bool:
        """Analyse with `make_heatmap()` from now on if `key` (the settings and region)
        changed; counts and heat start over. None: pass frames through unanalysed.
        Returns whether anything changed. A Heatmap that cannot be made (bad settings,
        a model that fails to load) leaves the session unanalysed, with the error in
        `snapshot().error`."""
        if stride < 1:
            raise ValueError(f"stride must be 1 or more, got {stride}")
        with self._work:
            if key == self._key:
                return False
        error = None
        heatmap = None
        if make_heatmap is not None:
            try:
                heatmap = make_heatmap()  # outside the locks: copying a model takes time
            except (ValueError, ModelLoadError) as failure:
                error = f"The analysis cannot start: {failure}. Change the settings."
        with self._work:
            self._key, self._heatmap, self._stride = key, heatmap, stride
            self._start_over()
            with self._view:
                self._error = error
        return True

    def reset(self) -> None:
        """Start over: heat, counts, events, the series and the session's time."""
        with self._work:
            if self._heatmap is not None:
                self._heatmap.reset()
            self._start_over()

    def expect_frames(self) -> None:
        """The camera was just started: until its first frame arrives, `waiting_s` in
        the snapshots says for how long (a connection that never comes up)."""
        with self._view:
            self._waiting_since = self._monotonic()

    def snapshot(self) -> LiveSnapshot:
        with self._view:
            now = self._monotonic()
            recent = [t for t in self._done_at if now - t <= self._fps_window_s]
            span = recent[-1] - recent[0] if len(recent) >= 2 else 0.0
            durations = self._durations
            image = self._latest_image
            return LiveSnapshot(
                **self._view_numbers,
                fps=(len(recent) - 1) / span if span > 0 else 0.0,
                ms_per_frame=1e3 * sum(durations) / len(durations) if durations else 0.0,
                series=self._series,
                frame_size=None if image is None else (image.shape[1], image.shape[0]),
                seconds_since_frame=None if self._latest_at is None else now - self._latest_at,
                waiting_s=None if self._waiting_since is None else now - self._waiting_since,
                error=self._error)

    def latest_frame(self) -> Image | None:
        """A copy of the newest camera frame (BGR, unannotated), or None before any."""
        with self._view:
            return None if self._latest_image is None else self._latest_image.copy()

    def save(self, folder: str | Path, *, source: str) -> RunSummary:
        """Write the session so far (heatmap, events, series, summary; no video) into
        `folder`, as `heatmap_core.save_snapshot` does. ValueError before any frame."""
        with self._work:
            heatmap, background = self._heatmap, self._analysed_image
            if heatmap is None or background is None or heatmap.frames_analysed == 0:
                raise ValueError("no frame has been analysed yet")
            duration = self._clock.now
            frames = heatmap.frames_analysed
            return save_snapshot(heatmap, folder, background=background, source=source,
                                 fps=round(frames / duration, 2) if duration > 0 else 0.0,
                                 frames=frames, duration_s=duration, elapsed_s=duration)

    # -- the frame callback's side -------------------------------------------------

    def process(self, frame: av.VideoFrame) -> av.VideoFrame:
        """The `video_frame_callback`: the frame with heat, boxes and counts drawn on it.
        Never raises (an exception would end the stream): a frame that cannot be
        analysed goes back unchanged, and the page says why."""
        try:
            image = cast(Image, frame.to_ndarray(format="bgr24"))  # bgr24 is uint8
            output = self.analyse(image, frame.time)
            if output is image:
                return frame
            return av.VideoFrame.from_ndarray(output, format="bgr24")
        except Exception as error:
            _log.exception("live frame failed")
            with self._view:
                self._error = f"A frame could not be analysed: {error}"
            return frame

    def analyse(self, image: Image, frame_time: float | None) -> Image:
        """Analyse one BGR frame captured at `frame_time` (camera seconds; None: now)
        and return what to show. Frames skipped by the stride show the last result."""
        received_at = self._monotonic()
        with self._work:
            heatmap = self._heatmap
            index, self._received = self._received, self._received + 1
            if heatmap is None or index % self._stride:
                with self._view:
                    shown = self._shown
                output = image if shown is None else shown.image
                if output.shape != image.shape:
                    output = image
                self._publish_frame(image, received_at)
                return output
            started = time.perf_counter()
            try:
                results = heatmap(image, self._clock.time_of(frame_time))
            except ValueError as error:  # e.g. a region that does not fit this camera
                self._publish_frame(image, received_at,
                                    error=f"The frame could not be analysed: {error}.")
                return image
            duration = time.perf_counter() - started
            self._analysed_image = image
            done_at = self._monotonic()
            series = None
            if results.events or self._series_due(done_at):
                series = tuple(heatmap.series.rows())
                self._series_published_at = done_at
            shown = _Shown(results.plot_im, dict(
                analysing=True, frames=heatmap.frames_analysed, in_count=results.in_count,
                out_count=results.out_count, inside=results.inside,
                tracks_seen=results.tracks_seen, stream_s=results.time_s))
            with self._view:
                self._latest_image, self._latest_at = image, received_at
                self._waiting_since = None
                self._done_at.append(done_at)
                self._durations.append(duration)
                self._shown = shown
                self._view_numbers = shown.numbers
                if series is not None:
                    self._series = series
                self._error = None
            return shown.image

    # -- internals (callers hold _work) --------------------------------------------

    def _start_over(self) -> None:
        self._clock.reset()
        self._received = 0
        self._analysed_image = None
        self._series_published_at = None
        with self._view:
            self._clear_view()

    def _clear_view(self) -> None:
        self._shown = None
        self._done_at.clear()
        self._durations.clear()
        self._series = ()
        self._error = None
        self._view_numbers = dict(analysing=self._heatmap is not None, frames=0,
                                  in_count=0, out_count=0, inside=0, tracks_seen=0,
                                  stream_s=0.0)

    def _publish_frame(self, image: Image, received_at: float,
                       error: str | None = None) -> None:
        with self._view:
            self._latest_image, self._latest_at = image, received_at
            self._waiting_since = None
            if error is not None:
                self._error = error

    def _series_due(self, now: float) -> bool:
        last = self._series_published_at
        return last is None or now - last >= self._series_interval_s
