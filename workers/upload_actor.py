"""UploadWorker: one uploaded video analysed on the worker tier (the Ray actor body).

Made with an `UploadRequest`; a thread builds the worker's own Heatmap, runs
`heatmap_core.analyse_video` into the request's folder and saves the result as a run
(the request's `save`), so the run is kept even when no web server or browser waits
for it. `status`, `stop` and `ended_s` are answered meanwhile from the actor's thread.

Invariants:
- Construction returns at once (the model is built in the thread), so the web server
  can ask for the status from the start.
- Every failure becomes a status "failed" with one line a user can act on (an
  unreadable video, weights that cannot load, settings the core refuses, a video that
  is not where the worker runs); nothing raises out of the thread.
- The status is "finished" only after the save was attempted: a page that sees
  "finished" also sees the saved run, or why it could not be saved.
- Stopping keeps what was analysed (a partial run, saved like a whole one).
- Restarted by Ray after its process or node was lost (`workers.uploads`), it starts
  the analysis over from the first frame and says so (`restarted`), unless the
  analysis had already ended: its outcome, written beside the result as
  `OUTCOME_FILE` once the save was attempted, is then reported again, so a finished
  upload is not analysed or saved twice (only a worker lost in the instant between
  the save and that write would save it again).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
import time
from dataclasses import replace
from pathlib import Path

import cv2

from heatmap_core import Heatmap, ModelLoadError, Progress, VideoError, analyse_video
from workers.upload_request import UploadRequest, UploadStatus

__all__ = ["OUTCOME_FILE", "PREVIEW_WIDTH", "UploadWorker"]

_log = logging.getLogger("workers.upload")
PREVIEW_WIDTH = 640
PREVIEW_EVERY_S = 0.5
OUTCOME_FILE = ".upload-outcome.pickle"  # in the request's output folder


class UploadWorker:
    """Analyse one upload as `request` says. Thread-safe accessors."""

    def __init__(self, request: UploadRequest, threads: int | None = None) -> None:
        self.request = request
        self.threads = threads or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._restarted = _restarted_by_ray()
        self._status = UploadStatus("waiting", restarted=self._restarted)
        self._ended: float | None = None
        self._last_preview = -float("inf")
        self._outcome = Path(request.output_dir) / OUTCOME_FILE
        self._thread = threading.Thread(target=self._run, name="upload", daemon=True)
        self._thread.start()

    # -- what callers see ----------------------------------------------------------

    def status(self) -> UploadStatus:
        with self._lock:
            return replace(self._status, stopping=self._stopping.is_set())

    def about(self) -> UploadRequest:
        """The request (for a page that finds this upload again after a reload)."""
        return self.request

    def stop(self) -> UploadStatus:
        """Ask the analysis to stop; what is done so far is still written and saved."""
        self._stopping.set()
        return self.status()

    def ended_s(self) -> float | None:
        """Seconds since the analysis ended (None while it runs)."""
        with self._lock:
            return None if self._ended is None else time.monotonic() - self._ended

    def wait(self, timeout_s: float) -> UploadStatus:
        """The status once the analysis ends, or after `timeout_s`."""
        self._thread.join(timeout_s)
        return self.status()

    def pid(self) -> int:
        return os.getpid()

    def node_id(self) -> str:
        """The Ray node this worker runs on (for operations and tests)."""
        import ray

        return str(ray.get_runtime_context().get_node_id())

    def threads_used(self) -> int:
        """Threads PyTorch has in this worker (all cores by default, see `_use_threads`)."""
        import torch

        return int(torch.get_num_threads())

    # -- the analysis --------------------------------------------------------------

    def _set(self, status: UploadStatus) -> None:
        with self._lock:
            self._status = status
            if not status.active:
                self._ended = time.monotonic()

    def _run(self) -> None:
        try:
            ended = self._ended_before() if self._restarted else None
            self._set(ended or self._kept(replace(self._analyse(), restarted=self._restarted)))
        except Exception as error:  # the page must hear of it, whatever it is
            _log.exception("analysis of an upload failed")
            self._set(UploadStatus("failed", error=f"unexpected error in the worker "
                                                   f"({type(error).__name__})"))

    def _analyse(self) -> UploadStatus:
        request = self.request
        if self._stopping.is_set():
            return UploadStatus("cancelled")
        if not Path(request.video).is_file():
            return UploadStatus("failed", error=(
                "the video is not on the worker's machine: on a Ray cluster the data "
                "folder (HEATMAP_DATA_DIR) must be storage every node mounts at the same "
                "path"))
        self._set(UploadStatus("running", restarted=self._restarted))
        _use_threads(self.threads)
        try:
            heatmap = Heatmap(model=request.weights, regions=list(request.regions) or None,
                              model_name=request.model_name, cache_dir=request.cache_dir,
                              **request.options)
        except ModelLoadError as error:
            return UploadStatus("failed", error=f"the model could not load: {_line(error)}")
        except ValueError as error:
            return UploadStatus("failed", error=f"the settings were refused: {_line(error)}")
        try:
            summary = analyse_video(request.video, heatmap, request.output_dir,
                                    on_progress=self._on_progress,
                                    should_stop=self._stopping.is_set, stride=request.stride)
        except (VideoError, ValueError) as error:
            shown = _line(error).replace(request.video, request.label)  # no server paths
            return UploadStatus("failed", error=shown)
        last = self.status()
        saved, save_error = None, None
        if request.save is not None:
            outcome = request.save(Path(request.output_dir))
            saved, save_error = outcome.saved, outcome.error
        return replace(last, status="finished", summary=summary, saved=saved,
                       save_error=save_error, in_count=summary.in_count,
                       out_count=summary.out_count)

    def _kept(self, status: UploadStatus) -> UploadStatus:
        """`status`, written beside the result once the analysis has ended (so that a
        restarted worker reports it instead of analysing again)."""
        kept = replace(status, preview=None, progress=None)
        with contextlib.suppress(OSError):
            temporary = self._outcome.with_suffix(".tmp")
            temporary.write_bytes(pickle.dumps(kept))
            temporary.replace(self._outcome)
        return status

    def _ended_before(self) -> UploadStatus | None:
        """The outcome a previous life of this worker wrote, if its analysis ended."""
        try:
            kept = pickle.loads(self._outcome.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return kept if isinstance(kept, UploadStatus) else None

    def _on_progress(self, progress: Progress) -> None:
        latest = progress.latest
        preview = None
        now = time.monotonic()
        if latest is not None and now - self._last_preview >= PREVIEW_EVERY_S:
            self._last_preview = now
            frame = latest.plot_im
            height, width = frame.shape[:2]
            if width > PREVIEW_WIDTH:
                size = (PREVIEW_WIDTH, round(height * PREVIEW_WIDTH / width))
                ok, encoded = cv2.imencode(".jpg", cv2.resize(frame, size),
                                           [cv2.IMWRITE_JPEG_QUALITY, 80])
            else:
                ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
            preview = encoded.tobytes() if ok else None
        with self._lock:
            self._status = replace(
                self._status, status="running", progress=replace(progress, latest=None),
                preview=preview or self._status.preview,
                in_count=latest.in_count if latest is not None else self._status.in_count,
                out_count=latest.out_count if latest is not None else self._status.out_count)


def _restarted_by_ray() -> bool:
    """Whether Ray made this worker again after its first process was lost."""
    try:
        import ray

        return bool(ray.is_initialized()
                    and ray.get_runtime_context().was_current_actor_reconstructed)
    except Exception:  # not in a Ray actor
        return False


def _use_threads(count: int) -> None:
    """Let the analysis use `count` threads: Ray starts an actor's process with
    OMP_NUM_THREADS set to its CPU request (1), which holds PyTorch to one thread
    (PyTorch comes with Ultralytics)."""
    import torch

    torch.set_num_threads(count)


def _line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]
