"""What the upload page remembers for one browser session, and how it changes.

One `UploadState` per session (held in `st.session_state` by the page's widgets); every
change goes through a method here, so the rules hold wherever the change comes from:

- a video and its error never coexist; choosing another video forgets the old one's
  result and messages, and deletes the old upload (never the sample);
- while a job is waiting for a worker or running the page is busy: the video, the region and Run are
  fixed; the job survives visits to other pages, and so does its result;
- a job that ended becomes a result (finished) or a notice (failed) once, by `collect`,
  which then releases its worker.

No Streamlit here: the transitions are tested as plain code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.upload.job import AnalysisJob
from dashboard.upload.video_source import VideoSource
from run_store import RunRecord

__all__ = ["UploadState"]


@dataclass
class UploadState:
    """The upload page's state for one session; see the module docstring for its rules."""

    video: VideoSource | None = None
    video_error: str | None = None
    job: AnalysisJob | None = None
    result: Path | None = None  # the folder of the newest finished analysis
    notice: str | None = None  # why the newest analysis could not start or failed
    saved: RunRecord | None = None  # the run the newest result was saved as
    save_error: str | None = None  # why it could not be saved
    result_is_new: bool = False  # the result arrived since the page last showed it

    @property
    def busy(self) -> bool:
        """A job is waiting or running: nothing that it uses may change."""
        return self.job is not None and self.job.active

    def use_video(self, video: VideoSource) -> None:
        """Analyse `video` from now on."""
        self.forget_video()
        self.video = video

    def video_failed(self, message: str) -> None:
        """The chosen file is not a readable video: say why, with no video."""
        self.forget_video()
        self.video_error = message

    def forget_video(self) -> None:
        """Drop the video, its result and messages; delete an uploaded copy."""
        if self.busy:
            raise RuntimeError("the video of a running analysis cannot change")
        if self.video is not None and not self.video.sample:
            self.video.path.unlink(missing_ok=True)
        self.video = self.video_error = None
        self._clear_outcome()

    def started(self, job: AnalysisJob) -> None:
        """`job` (already started) analyses the video; earlier results are cleared."""
        self._clear_outcome()
        self.job = job

    def start_failed(self, message: str) -> None:
        self._clear_outcome()
        self.notice = message

    def collect(self) -> None:
        """Turn a job that has ended into a result or a notice (once)."""
        job = self.job
        if job is None:
            return
        snapshot = job.snapshot()
        if snapshot.active:
            return
        self.job = None
        job.release()
        if snapshot.status == "finished":
            self.result, self.result_is_new = job.output_dir, True
            self.saved, self.save_error = snapshot.saved, snapshot.save_error
        elif snapshot.status == "failed":
            self.notice = f"The analysis failed: {snapshot.error}. {_advice(snapshot.error)}"

    def result_shown(self) -> bool:
        """The page shows the result now; True the first time, to bring it into view."""
        new, self.result_is_new = self.result_is_new, False
        return new

    def _clear_outcome(self) -> None:
        self.result = self.notice = self.saved = self.save_error = None
        self.result_is_new = False


def _advice(error: str | None) -> str:
    if error and error.startswith(("the model", "the settings")):
        return "Change the settings, then press Run again."
    return "Check that the video plays, or try another one, then press Run again."
