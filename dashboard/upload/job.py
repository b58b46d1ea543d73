"""One upload's analysis as the page sees it: a handle on its worker (`workers.Uploads`).

The analysis runs on the worker tier, not in this server: the page keeps an
`AnalysisJob` in `st.session_state`, reads `snapshot()` to show progress and calls
`stop()` for the Stop button; the session watcher calls `stop()` when the tab has been
closed for a while. The worker saves the result as a run itself, so the run is kept
even when no page waits for it. A job is found again by its id (`find`) after a page
reload, from the `?upload=` address the page keeps while it runs.

A job that ended keeps its last status here (the worker may be gone after `release`).
Once its worker has been seen running, a job never reads as "waiting" again: the worker
tier says "waiting" for a worker too busy to answer within the poll's half second (a
loaded machine) or restarting after it was lost, and the page then keeps the last
progress it saw instead of saying it waits for a free worker.
"""

from __future__ import annotations

import threading
from pathlib import Path

from workers import UploadRequest, Uploads, UploadStatus

__all__ = ["AnalysisJob"]


class AnalysisJob:
    """An upload's analysis on a worker. Thread-safe (the watcher thread asks too)."""

    def __init__(self, uploads: Uploads, upload_id: str, request: UploadRequest) -> None:
        self.id = upload_id
        self.request = request
        self.source = Path(request.video)
        self.output_dir = Path(request.output_dir)
        self._uploads = uploads
        self._lock = threading.Lock()
        self._ended: UploadStatus | None = None
        self._running: UploadStatus | None = None  # the newest "running" status seen
        self._stop_asked = False

    @classmethod
    def submit(cls, uploads: Uploads, request: UploadRequest) -> AnalysisJob:
        """Hand `request` to the worker tier; it starts when a worker is free."""
        return cls(uploads, uploads.submit(request), request)

    @classmethod
    def find(cls, uploads: Uploads, upload_id: str) -> AnalysisJob | None:
        """The upload `upload_id` if its worker still holds it, else None."""
        request = uploads.request(upload_id)
        return None if request is None else cls(uploads, upload_id, request)

    def stop(self) -> None:
        """Ask the analysis to stop; what is done so far is still written and saved
        (one still waiting for a worker is cancelled)."""
        with self._lock:
            self._stop_asked = True
            if self._ended is not None:
                return
        status = self._uploads.stop(self.id)
        with self._lock:
            if not status.active and self._ended is None:
                self._ended = status

    @property
    def active(self) -> bool:
        """Waiting or running: not ended yet."""
        return self.snapshot().active

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._stop_asked

    def snapshot(self) -> UploadStatus:
        with self._lock:
            if self._ended is not None:
                return self._ended
        status = self._uploads.status(self.id)
        with self._lock:
            if not status.active and self._ended is None:
                self._ended = status
            if status.status == "running":
                self._running = status
            elif status.status == "waiting" and self._running is not None:
                status = self._running
            return self._ended or status

    def join(self, timeout: float | None = None) -> UploadStatus:
        """Wait until the analysis ends (or `timeout` seconds pass); its status."""
        status = self._uploads.wait(self.id, 3600.0 if timeout is None else timeout)
        with self._lock:
            if not status.active and self._ended is None:
                self._ended = status
        return self.snapshot()

    def release(self) -> None:
        """The outcome was read: let its worker go."""
        self._uploads.release(self.id)
