"""One analysis running in a background thread, owned by a browser session.

The page keeps the job in `st.session_state`, reads `snapshot()` to show progress and
calls `stop()` for the Stop button. The thread never touches Streamlit: it only runs
`heatmap_core.analyse_video` and records what happens under a lock.

A process-wide semaphore caps how many analyses run at once; a job waits "queued"
for a free slot, and can be stopped while it waits.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from heatmap_core import Heatmap, Progress, RunSummary, VideoError, analyse_video

_log = logging.getLogger(__name__)
Status = Literal["queued", "running", "finished", "failed", "cancelled"]


@dataclass(frozen=True)
class JobState:
    status: Status
    progress: Progress | None = None
    summary: RunSummary | None = None
    error: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


class AnalysisJob:
    """Analyse `source` with `heatmap` into `output_dir`, in a thread. Thread-safe."""

    def __init__(self, source: Path, heatmap: Heatmap, output_dir: Path,
                 slots: threading.Semaphore, *, stride: int = 1) -> None:
        self.source = source
        self.output_dir = output_dir
        self._heatmap = heatmap
        self._slots = slots
        self._stride = stride
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = JobState("queued")
        self._thread = threading.Thread(target=self._run, name=f"analysis-{output_dir.name}",
                                        daemon=True)

    def start(self) -> AnalysisJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the analysis to stop; what is done so far is still written."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def snapshot(self) -> JobState:
        with self._lock:
            return self._state

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _set(self, state: JobState) -> None:
        with self._lock:
            self._state = state

    def _on_progress(self, progress: Progress) -> None:
        self._set(JobState("running", progress))

    def _run(self) -> None:
        while not self._slots.acquire(timeout=0.2):
            if self._stop.is_set():
                self._set(JobState("cancelled"))
                return
        try:
            self._set(JobState("running"))
            summary = analyse_video(self.source, self._heatmap, self.output_dir,
                                    on_progress=self._on_progress,
                                    should_stop=self._stop.is_set, stride=self._stride)
            self._set(JobState("finished", self.snapshot().progress, summary))
        except (VideoError, ValueError) as error:
            self._set(JobState("failed", error=str(error)))
        except Exception as error:  # the page must stay usable whatever happens here
            _log.exception("analysis of %s failed", self.source)
            self._set(JobState("failed", error=f"unexpected error ({type(error).__name__})"))
        finally:
            self._slots.release()


def slots_from_env() -> threading.BoundedSemaphore:
    """A semaphore sized by $HEATMAP_MAX_ANALYSES (default 2); create one per process."""
    return threading.BoundedSemaphore(max_analyses())


def max_analyses() -> int:
    try:
        return max(1, int(os.environ.get("HEATMAP_MAX_ANALYSES", "2")))
    except ValueError:
        return 2
