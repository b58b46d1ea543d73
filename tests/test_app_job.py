"""The background analysis: it finishes, stops keeping what was done, waits its turn."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dashboard.upload.job import AnalysisJob, JobState
from dashboard.upload.queue import AnalysisQueue
from heatmap_core import Heatmap, Mover, Scene

LINE = [(0, 120), (320, 120)]


@pytest.fixture(scope="module")
def crossing_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two objects walk down across the middle line of a 320x240 scene."""
    scene = Scene(320, 240, 10.0, 60, movers=(
        Mover(((100, -30), (100, 270)), start_frame=5, frames_per_leg=30),
        Mover(((220, -30), (220, 270)), start_frame=20, frames_per_leg=30)))
    return scene.write(tmp_path_factory.mktemp("video") / "crossing.mp4")


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scene = Scene(160, 120, 10.0, 1500, movers=(
        Mover(((80, -30), (80, 150)), frames_per_leg=40),))
    return scene.write(tmp_path_factory.mktemp("video") / "long.mp4")


def eventually(condition, timeout: float = 10) -> None:
    """Wait until `condition()` holds (a thread's next step), failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def run_to_end(job: AnalysisJob, timeout: float = 60) -> JobState:
    job.join(timeout)
    return job.snapshot()


def test_a_job_analyses_the_whole_video_into_its_folder(crossing_video: Path,
                                                        tmp_path: Path) -> None:
    job = AnalysisJob(crossing_video, Heatmap(model="motion", region=LINE, verbose=False),
                      tmp_path, AnalysisQueue(1)).start()
    state = run_to_end(job)
    assert state.status == "finished" and not state.active
    assert state.summary.in_count == 2 and not state.summary.partial
    assert json.loads((tmp_path / "summary.json").read_text())["in_count"] == 2
    assert state.progress.frames_done == state.progress.frames_total == 60


def test_stopping_keeps_what_was_done_as_a_partial_result(long_video: Path,
                                                          tmp_path: Path) -> None:
    job = AnalysisJob(long_video, Heatmap(model="motion", verbose=False), tmp_path,
                      AnalysisQueue(1)).start()
    eventually(lambda: job.snapshot().progress is not None
               and job.snapshot().progress.frames_done >= 5)
    job.stop()
    state = run_to_end(job)
    assert state.status == "finished"
    assert state.summary.partial and state.summary.stop_reason == "stopped"
    assert 5 <= state.summary.frames < 1500
    assert json.loads((tmp_path / "summary.json").read_text())["partial"] is True


def test_a_job_waits_queued_for_a_free_slot_and_can_be_cancelled_while_waiting(
        crossing_video: Path, tmp_path: Path) -> None:
    queue = AnalysisQueue(1)
    other = queue.join()
    assert queue.wait_turn(other, 0)  # another analysis holds the only slot
    job = AnalysisJob(crossing_video, Heatmap(model="motion", verbose=False), tmp_path,
                      queue).start()
    assert job.snapshot().status == "queued" and job.snapshot().ahead == 0
    job.stop()
    assert run_to_end(job, 5).status == "cancelled"
    assert list(tmp_path.iterdir()) == []


def test_a_queued_job_starts_when_the_slot_frees(crossing_video: Path,
                                                 tmp_path: Path) -> None:
    queue = AnalysisQueue(1)
    other = queue.join()
    queue.wait_turn(other, 0)
    job = AnalysisJob(crossing_video, Heatmap(model="motion", verbose=False), tmp_path,
                      queue).start()
    assert job.snapshot().status == "queued"
    queue.leave(other)
    assert run_to_end(job).status == "finished"
    assert queue.running == 0  # and the job gave its slot back


def test_queued_jobs_know_how_many_are_ahead_and_start_in_arrival_order(
        crossing_video: Path, tmp_path: Path) -> None:
    queue = AnalysisQueue(1)
    other = queue.join()
    queue.wait_turn(other, 0)
    jobs = [AnalysisJob(crossing_video, Heatmap(model="motion", verbose=False),
                        tmp_path / str(i), queue).start() for i in range(3)]
    assert [j.snapshot().ahead for j in jobs] == [0, 1, 2]
    jobs[1].stop()  # one leaves the line: the last moves up
    assert run_to_end(jobs[1], 5).status == "cancelled"
    eventually(lambda: jobs[2].snapshot().ahead == 1)
    queue.leave(other)
    first = run_to_end(jobs[0])
    assert first.status == "finished" and run_to_end(jobs[2]).status == "finished"


def test_an_unreadable_video_fails_with_the_reason(tmp_path: Path) -> None:
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("just text")
    job = AnalysisJob(not_video, Heatmap(model="motion", verbose=False), tmp_path / "out",
                      AnalysisQueue(1)).start()
    state = run_to_end(job)
    assert state.status == "failed" and "not a video" in state.error


def test_a_job_made_but_not_started_holds_no_place_in_the_line(
        crossing_video: Path, tmp_path: Path) -> None:
    queue = AnalysisQueue(1)
    AnalysisJob(crossing_video, Heatmap(model="motion", verbose=False), tmp_path / "a", queue)
    job = AnalysisJob(crossing_video, Heatmap(model="motion", verbose=False),
                      tmp_path / "b", queue).start()
    assert job.snapshot().ahead == 0
    assert run_to_end(job).status == "finished"
