"""The upload page's state, as plain code: each transition keeps the page's rules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.upload.job import AnalysisJob
from dashboard.upload.state import UploadState
from dashboard.upload.video_source import VideoSource, open_source
from tests.rtsp_camera import require_ray
from tests.saved_runs import LINE, street_video
from tests.test_app_job import slot_holder
from tests.upload_tier import local_uploads, request
from workers import Uploads


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Uploads]:
    require_ray()
    yield from local_uploads(tmp_path_factory.mktemp("data"))


@pytest.fixture
def upload(tmp_path: Path) -> VideoSource:
    """A user's uploaded copy of a street video."""
    return open_source(street_video(tmp_path), "street.mp4")


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
        uploads: Uploads, upload: VideoSource, tmp_path: Path) -> None:
    import ray

    state = UploadState(video=upload)
    holder = slot_holder()  # the job has to wait for a worker: the page stays busy
    try:
        state.started(AnalysisJob.submit(uploads, request(upload.path, tmp_path / "out", LINE)))
        assert state.busy
        with pytest.raises(RuntimeError, match="cannot change"):
            state.forget_video()
        state.collect()
        assert state.job is not None and state.result is None  # nothing to show yet
    finally:
        ray.kill(holder)
    job = state.job
    assert job is not None
    job.join(120)
    state.collect()
    assert not state.busy and state.job is None
    assert state.result == tmp_path / "out" and (state.result / "summary.json").is_file()
    assert state.video is upload  # the video stays for another run
    assert uploads.worker(job.id) is None  # collected: its worker was let go


def test_a_failed_job_becomes_a_notice(uploads: Uploads, tmp_path: Path) -> None:
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_text("text")
    state = UploadState()
    job = AnalysisJob.submit(uploads, request(not_a_video, tmp_path / "out"))
    state.started(job)
    job.join(120)
    state.collect()
    assert state.result is None and state.notice is not None
    assert state.notice.startswith("The analysis failed:") and "Press Run again" not in state.notice
    assert "Check that the video plays" in state.notice


def test_a_model_that_cannot_load_becomes_a_notice_about_the_settings(
        uploads: Uploads, upload: VideoSource, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    state = UploadState(video=upload)
    job = AnalysisJob.submit(uploads, request(upload.path, tmp_path / "out",
                                              weights=str(broken)))
    state.started(job)
    job.join(120)
    state.collect()
    assert state.notice is not None
    assert state.notice.startswith("The analysis failed: the model could not load: ")
    assert state.notice.endswith("Change the settings, then press Run again.")


def test_a_start_that_fails_says_why_and_clears_the_old_result(tmp_path: Path) -> None:
    state = UploadState(result=tmp_path)
    state.start_failed("Cannot start: no model.")
    assert (state.result, state.notice) == (None, "Cannot start: no model.")
