"""One analysis running in a background thread, owned by a browser session.

The page keeps the job in `st.session_state`, reads `snapshot()` to show progress and
calls `stop()` for the Stop button. The thread never touches Streamlit: it only runs
`heatmap_core.analyse_video` and records what happens under a lock.

A process-wide `AnalysisQueue` caps how many analyses run at once; a started job waits
"queued", knowing how many are ahead of it, and can be stopped while it waits. A job
takes its place in the line when it starts, not when it is made.

A job given `save` keeps its result (complete or stopped) as a saved run from the
thread itself, so the run is saved even when the browser tab was closed meanwhile.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dashboard.runs.saving import Saver
from dashboard.upload.queue import AnalysisQueue, Ticket
from heatmap_core import Heatmap, Progress, RunSummary, VideoError, analyse_video
from run_store import RunRecord

_log = logging.getLogger(__name__)
Status = Literal["queued", "running", "finished", "failed", "cancelled"]


@dataclass(frozen=True)
class JobState:
    status: Status
    progress: Progress | None = None
    summary: RunSummary | None = None
    error: str | None = None
    saved: RunRecord | None = None  # the run the result was saved as
    save_error: str | None = None  # why it could not be saved (the result still stands)
    ahead: int = 0  # while queued: analyses that start before this one

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


class AnalysisJob:
    """Analyse `source` with `heatmap` into `output_dir`, in a thread. Thread-safe."""

    def __init__(self, source: Path, heatmap: Heatmap, output_dir: Path,
                 queue: AnalysisQueue, *, stride: int = 1,
                 save: Saver | None = None) -> None:
        self.source = source
        self.output_dir = output_dir
        self._heatmap = heatmap
        self._queue = queue
        self._ticket: Ticket | None = None
        self._stride = stride
        self._save = save
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = JobState("queued")
        self._thread = threading.Thread(target=self._run, name=f"analysis-{output_dir.name}",
                                        daemon=True)

    def start(self) -> AnalysisJob:
        """Take a place in the line and analyse when its turn comes."""
        self._ticket = self._queue.join()
        self._set(JobState("queued", ahead=self._queue.ahead(self._ticket)))
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the analysis to stop; what is done so far is still written."""
        self._stop.set()

    @property
    def active(self) -> bool:
        """Queued or running: not ended yet."""
        return self.snapshot().active

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
        ticket = self._ticket
        assert ticket is not None  # start() took it
        while not self._queue.wait_turn(ticket, timeout=0.2):
            if self._stop.is_set():
                self._queue.leave(ticket)
                self._set(JobState("cancelled"))
                return
            self._set(JobState("queued", ahead=self._queue.ahead(ticket)))
        try:
            self._set(JobState("running"))
            summary = analyse_video(self.source, self._heatmap, self.output_dir,
                                    on_progress=self._on_progress,
                                    should_stop=self._stop.is_set, stride=self._stride)
        except (VideoError, ValueError) as error:
            self._set(JobState("failed", error=str(error)))
            return
        except Exception as error:  # the page must stay usable whatever happens here
            _log.exception("analysis of %s failed", self.source)
            self._set(JobState("failed", error=f"unexpected error ({type(error).__name__})"))
            return
        finally:
            self._queue.leave(ticket)
        saved, save_error = self._keep()
        self._set(JobState("finished", self.snapshot().progress, summary, saved=saved,
                           save_error=save_error))

    def _keep(self) -> tuple[RunRecord | None, str | None]:
        """Save the result as a run (a failure is reported, never raised: the result
        on disk is still shown)."""
        if self._save is None:
            return None, None
        outcome = self._save(self.output_dir)
        return outcome.saved, outcome.error
