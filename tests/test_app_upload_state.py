"""The upload page's state, as plain code: each transition keeps the page's rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.upload.job import AnalysisJob
from dashboard.upload.queue import AnalysisQueue
from dashboard.upload.state import UploadState
from dashboard.upload.video_source import VideoSource, open_source
from heatmap_core import Heatmap
from tests.saved_runs import LINE, street_video


@pytest.fixture
def upload(tmp_path: Path) -> VideoSource:
    """A user's uploaded copy of a street video."""
    return open_source(street_video(tmp_path), "street.mp4")


def job_for(video: VideoSource, folder: Path, queue: AnalysisQueue | None = None) -> AnalysisJob:
    return AnalysisJob(video.path, Heatmap(model="motion", region=LINE, verbose=False),
                       folder, queue or AnalysisQueue(1))


def test_a_new_video_replaces_the_old_one_and_deletes_its_upload(
        upload: VideoSource, tmp_path: Path) -> None:
    state = UploadState(result=tmp_path / "old-result", notice="old notice")
    state.use_video(upload)
    assert (state.video, state.result, state.notice) == (upload, None, None)
    other = tmp_path / "other.mp4"
    shutil.copy(upload.path, other)
    state.use_video(open_source(other, "other.mp4"))
    assert not upload.path.exists() and other.exists()


def test_the_sample_is_never_deleted(upload: VideoSource) -> None:
    sample = open_source(upload.path, "Sample", sample=True)
    state = UploadState(video=sample)
    state.forget_video()
    assert state.video is None and upload.path.exists()


def test_a_video_that_cannot_be_read_leaves_only_its_message(upload: VideoSource) -> None:
    state = UploadState(video=upload)
    state.video_failed("not a video")
    assert (state.video, state.video_error) == (None, "not a video")
    assert not upload.path.exists()  # the unreadable upload is not kept
    sample = open_source(street_video(upload.path.parent), "Sample", sample=True)
    state.use_video(sample)
    assert (state.video, state.video_error) == (sample, None)


def test_a_running_job_makes_the_page_busy_until_collected_as_a_result(
        upload: VideoSource, tmp_path: Path) -> None:
    state = UploadState(video=upload)
    queue = AnalysisQueue(1)
    other = queue.join()
    assert queue.wait_turn(other, 0)  # the job has to wait: the page stays busy
    state.started(job_for(upload, tmp_path / "out", queue).start())
    assert state.busy
    with pytest.raises(RuntimeError, match="cannot change"):
        state.forget_video()
    state.collect()
    assert state.job is not None and state.result is None  # still running: nothing to show
    queue.leave(other)
    assert state.job is not None
    state.job.join(60)
    state.collect()
    assert not state.busy and state.job is None
    assert state.result == tmp_path / "out" and (state.result / "summary.json").is_file()
    assert state.video is upload  # the video stays for another run


def test_a_failed_job_becomes_a_notice(tmp_path: Path) -> None:
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_text("text")
    state = UploadState()
    job = AnalysisJob(not_a_video, Heatmap(model="motion", verbose=False), tmp_path / "out",
                      AnalysisQueue(1)).start()
    state.started(job)
    job.join(60)
    state.collect()
    assert state.result is None and state.notice is not None
    assert state.notice.startswith("The analysis failed:") and "Press Run again" not in state.notice


def test_a_start_that_fails_says_why_and_clears_the_old_result(tmp_path: Path) -> None:
    state = UploadState(result=tmp_path)
    state.start_failed("Cannot start: no model.")
    assert (state.result, state.notice) == (None, "Cannot start: no model.")
