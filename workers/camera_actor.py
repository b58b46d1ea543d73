"""CameraWorker: one camera, analysed for as long as it should run (the Ray actor body).

A thread reads the stream frame by frame, analyses each frame with the worker's own
Heatmap (its own detector and tracker), adds the results to the open interval and heat
period, and flushes to the store at every interval boundary. Method calls (`state`,
`live_view`, `latest_frame`, `stop`) are answered meanwhile from the actor's thread.

Invariants:
- Stream faults never end the worker: a drop, a stall or a refusal closes the open
  interval (fewer seconds, never invented), and the stream is retried with backoff
  while the state says "reconnecting since ... (why)". Only a fault that waiting
  cannot cure (wrong credentials, wrong path, not video, a model that cannot load),
  before this worker ever got a frame, makes it "failed"; so do regions that do not
  fit the stream's frames.
- The time between the last stored data and the next analysed frame, while the camera
  is meant to run, is recorded as a gap with its reason: a drop, and also a restart of
  the worker itself (a new worker finds `counted_until` set and starts with a gap).
- A worker analyses only when the store says the camera should run; it reads its
  config from the store on every (re)start, so a restarted actor needs no arguments
  beyond the camera id and settings.
- Storage stays bounded without the web server: each worker prunes its own camera's
  data past `settings.retention` when it starts and hourly; then it makes the day
  roll-ups its camera's dashboard reads (`CameraStore.roll_up`), a few days at a time,
  so a long period opens fast.
- A database that cannot be written is waited for, like a stream: the analysis starts
  over once it is back, and what could not be stored becomes a gap.
- Nothing here logs or reports a URL other than `redact_url(url)`.
- Alert rules see what is stored, as it is stored: each closed interval, each gap
  when it closes, and a drop or a restart while it lasts (`workers.camera_alerts`);
  a webhook is posted in the background and never holds up the stream.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import cv2
import numpy as np
import numpy.typing as npt
from sqlalchemy.exc import SQLAlchemyError

from run_store import CameraNotFound, CameraStore, DwellVisit, Flush, Gap
from workers.camera_alerts import CameraAlerts
from workers.camera_config import CameraConfig, build_heatmap
from workers.camera_state import CameraState, CameraStatus
from workers.dwell_feed import DwellFeed
from workers.heat_period import HeatPeriod
from workers.interval_tally import IntervalTally
from workers.reconnect import Reconnector
from workers.settings import WorkerSettings
from workers.stream_source import StreamError, open_stream, redact_url

__all__ = ["RESTART_GAP_REASON", "CameraWorker"]

_log = logging.getLogger("workers.camera")
PRUNE_EVERY_S = 3600.0
ROLL_UP_DAYS = 2  # day roll-ups made per hour at most: bounded work in the frame loop
RESTART_GAP_REASON = "the camera's worker was not running (restarted, or the server was down)"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CameraWorker:
    """Analyse camera `camera_id` as configured in the store. Thread-safe accessors."""

    def __init__(self, camera_id: str, settings: WorkerSettings,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.camera_id = camera_id
        self.settings = settings
        self._clock = clock
        self._store = CameraStore(settings.database_url, settings.data_dir)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._state = CameraState(camera_id, "", "", "connecting", clock())
        self._jpeg: bytes | None = None
        self._frame: npt.NDArray[np.uint8] | None = None
        self._thread = threading.Thread(target=self._run, name=f"camera-{camera_id}",
                                        daemon=True)
        self._thread.start()

    # -- what callers see ----------------------------------------------------------

    def state(self) -> CameraState:
        with self._lock:
            return self._state

    def live_view(self) -> bytes | None:
        """The newest annotated frame as JPEG (refreshed about once a second)."""
        with self._lock:
            return self._jpeg

    def latest_frame(self) -> npt.NDArray[np.uint8] | None:
        """The newest raw BGR frame from the stream (for drawing regions on)."""
        with self._lock:
            return self._frame

    def pid(self) -> int:
        return os.getpid()

    def node_id(self) -> str | None:
        try:
            import ray

            return str(ray.get_runtime_context().get_node_id())
        except Exception:
            return None

    def stop(self, timeout_s: float = 20.0) -> CameraState:
        """Stop analysing: the open interval and any open gap are flushed first."""
        self._stopping.set()
        self._thread.join(timeout_s)
        return self.state()

    # -- the loop ------------------------------------------------------------------

    def _set(self, status: CameraStatus, reason: str | None = None, *,
             since: datetime | None = None) -> None:
        with self._lock:
            if self._state.status != status or self._state.reason != reason:
                self._state = self._state.with_status(status, since or self._clock(), reason)

    def _run(self) -> None:
        database = Reconnector(self.settings.backoff)
        try:
            while True:
                try:
                    self._analyse()
                    return
                except SQLAlchemyError as error:  # the database, not the camera: wait
                    reason = f"cannot write to the database ({type(error).__name__}); retrying"
                    _log.warning("camera %s: %s", self.camera_id, reason)
                    self._set("reconnecting", reason)
                    if self._stopping.wait(database.failed()):
                        self._set("stopped")
                        return
        except CameraNotFound:
            self._set("stopped", "the camera was removed")
        except Exception as error:
            _log.exception("camera %s: unexpected error", self.camera_id)
            self._set("failed", f"unexpected error in the worker ({type(error).__name__}); "
                                "see the server log")

    def _analyse(self) -> None:
        record = self._store.get(self.camera_id)
        if record is None:
            raise CameraNotFound(self.camera_id)
        with self._lock:
            self._state = CameraState(self.camera_id, record.name, redact_url(record.url),
                                      "connecting", self._clock())
        if record.desired != "running":
            self._set("stopped")
            return
        gap: tuple[datetime, str] | None = None
        if record.counted_until is not None:
            gap = (record.counted_until, RESTART_GAP_REASON)
        try:
            config = CameraConfig.from_record(record)
            heatmap = build_heatmap(config, self.settings.cache_dir)
        except Exception as error:
            message = " ".join(str(error).split())[:200]
            self._set("failed", f"cannot start the analysis: {message}")
            self._flush_gap(gap)
            return
        settings = self.settings
        alerts = CameraAlerts(self._store, self.camera_id, config, settings.interval_s)
        alerts.prime(self._clock())
        tally = IntervalTally(settings.interval_s, [r.name for r in heatmap.regions])
        heat = HeatPeriod(settings.heat_every_s, settings.heat_grid)
        dwell_feed = DwellFeed()
        dwells: list[DwellVisit] = []
        reconnector = Reconnector(settings.backoff)
        started = time.monotonic()
        arrivals: deque[float] = deque(maxlen=30)
        last_view = -np.inf
        frames_seen = 0
        session_marked = False
        pruned = -np.inf
        while not self._stopping.is_set():
            if gap is not None:
                self._set("reconnecting", gap[1], since=gap[0])
                alerts.down(gap[0], self._clock(), ongoing=True)
            try:
                source = open_stream(config.url, timeout_s=settings.open_timeout_s,
                                     stall_timeout_s=settings.stall_timeout_s,
                                     rtsp_transport=config.rtsp_transport)
            except StreamError as error:
                if error.permanent and frames_seen == 0:
                    self._set("failed", error.message)
                    self._flush_gap(gap)
                    return
                gap = gap or (self._clock(), error.message)  # keeps why it went down
                self._set("reconnecting", error.message, since=gap[0])
                self._stopping.wait(reconnector.failed())
                continue
            last_at: datetime | None = None
            reason = "the stream ended"
            unanalysable: str | None = None
            try:
                for frame in source.frames():
                    if self._stopping.is_set():
                        break
                    now = self._clock()
                    moment = time.monotonic()
                    if gap is not None or not session_marked:
                        self._store.record(self.camera_id, Flush(
                            gaps=(Gap(gap[0], now, gap[1]),) if gap else (), counted_until=now))
                        if gap is not None:
                            alerts.down(gap[0], now)
                        gap, session_marked = None, True
                        reconnector.succeeded()
                        arrivals.clear()
                    seconds = (now - last_at).total_seconds() if last_at else 1.0 / 10
                    seconds = min(max(seconds, 0.0), 10.0)
                    try:
                        result = heatmap(frame, time_s=moment - started)
                    except ValueError as error:  # regions that do not fit this stream
                        unanalysable = " ".join(str(error).split())[:200]
                        break
                    frames_seen += 1
                    dwells += dwell_feed.take(heatmap, now, result.time_s)
                    inside = {name: counts.inside for name, counts in result.regions.items()}
                    closed = tally.add(now, seconds, result.events, inside)
                    snapshot = heat.add(now, seconds, result.tracks.xyxy, frame.shape[:2])
                    if closed or snapshot is not None:
                        self._store.record(self.camera_id, Flush(
                            intervals=tuple(closed), events=tuple(tally.take_events()),
                            heat=(snapshot,) if snapshot else (), counted_until=last_at or now,
                            dwells=tuple(dwells)))
                        dwells = []
                        alerts.counted(closed)
                        if moment - pruned >= PRUNE_EVERY_S:
                            self._store.prune(settings.retention, now, self.camera_id)
                            kept = max(settings.retention.interval_days,
                                       settings.retention.heat_days,
                                       settings.retention.dwell_days)
                            self._store.roll_up(self.camera_id, now - timedelta(days=kept),
                                                now, limit=ROLL_UP_DAYS)
                            pruned = moment
                    last_at = now
                    arrivals.append(moment)
                    view = None
                    if moment - last_view >= settings.live_view_every_s:
                        ok, encoded = cv2.imencode(".jpg", result.plot_im,
                                                   [cv2.IMWRITE_JPEG_QUALITY, 75])
                        view, last_view = (encoded.tobytes() if ok else None), moment
                    self._running(frame, view, arrivals, frames_seen)
            except StreamError as error:
                reason = error.message
            finally:
                source.close()
            if last_at is not None:
                snapshot, rows = heat.close(), tuple(tally.close())
                self._store.record(self.camera_id, Flush(
                    intervals=rows, events=tuple(tally.take_events()),
                    heat=(snapshot,) if snapshot else (), counted_until=last_at,
                    dwells=tuple(dwells)))
                dwells = []
                alerts.counted(rows, last_at)
            if unanalysable is not None:
                self._set("failed", f"cannot analyse this stream: {unanalysable}")
                self._flush_gap(gap)
                return
            if self._stopping.is_set():
                break
            gap = (last_at or (gap[0] if gap else self._clock()), reason)
            _log.info("camera %s: %s; reconnecting", self.camera_id, reason)
            self._set("reconnecting", reason, since=gap[0])
            self._stopping.wait(reconnector.failed())
        self._flush_gap(gap)
        self._set("stopped")

    def _running(self, frame: npt.NDArray[np.uint8], view: bytes | None,
                 arrivals: deque[float], frames: int) -> None:
        fps = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 and \
            arrivals[-1] > arrivals[0] else None
        with self._lock:
            if self._state.status != "running":
                self._state = self._state.with_status("running", self._clock())
            self._state = replace(self._state, fps=None if fps is None else round(fps, 1),
                                  frames=frames)
            self._frame = frame
            if view is not None:
                self._jpeg = view

    def _flush_gap(self, gap: tuple[datetime, str] | None) -> None:
        now = self._clock()
        if gap is not None and now > gap[0]:
            self._store.record(self.camera_id, Flush(gaps=(Gap(gap[0], now, gap[1]),),
                                                     counted_until=now))
