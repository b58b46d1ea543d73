"""An upload analysed on a real local Ray, as the page sees it: it finishes, stops
keeping what was done, waits for a free worker, and says in one line what went wrong."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from dashboard.analysis.models import ModelSpec
from dashboard.analysis.settings import AnalysisSettings
from dashboard.runs.saving import SaveTo
from dashboard.upload.job import AnalysisJob
from heatmap_core import Heatmap, Mover, Scene, analyse_video, parse_regions
from run_store import RunStore
from tests.rtsp_camera import require_ray
from tests.upload_tier import local_uploads, request
from workers import Uploads
from workers.cluster import SLOT_RESOURCE
from workers.uploads import LOST, RESTARTS

pytestmark = pytest.mark.slow
LINE = [(0, 120), (320, 120)]
MOTION = ModelSpec("motion", "Motion detector", "chosen", ("object",), "motion")


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Uploads]:
    require_ray()
    yield from local_uploads(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def crossing_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two objects walk down across the middle line of a 320x240 scene."""
    scene = Scene(320, 240, 10.0, 60, movers=(
        Mover(((100, -30), (100, 270)), start_frame=5, frames_per_leg=30),
        Mover(((220, -30), (220, 270)), start_frame=20, frames_per_leg=30)))
    return scene.write(tmp_path_factory.mktemp("video") / "crossing.mp4")


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One object walks down across the middle every 80 frames."""
    scene = Scene(160, 120, 10.0, 1500, movers=tuple(
        Mover(((80, -30), (80, 150)), start_frame=start, frames_per_leg=40)
        for start in range(0, 1460, 80)))
    return scene.write(tmp_path_factory.mktemp("video") / "long.mp4")


def slot_holder():
    """An actor that takes the embedded Ray's one upload slot and does nothing."""
    import ray

    @ray.remote(num_cpus=0, resources={SLOT_RESOURCE: 1})
    class Holder:
        def ready(self) -> bool:
            return True

    holder = Holder.remote()
    assert ray.get(holder.ready.remote(), timeout=60)
    return holder


def eventually(condition, timeout: float = 60) -> None:
    """Wait until `condition()` holds (a worker's next step), failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)


def running_with(job: AnalysisJob, frames: int) -> bool:
    snapshot = job.snapshot()
    return snapshot.progress is not None and snapshot.progress.frames_done >= frames


def test_a_job_analyses_the_whole_video_into_its_folder(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(crossing_video, tmp_path, LINE))
    state = job.join(120)
    assert state.status == "finished" and not state.active
    assert state.summary.in_count == 2 and not state.summary.partial
    assert (state.in_count, state.out_count) == (2, 0)
    assert json.loads((tmp_path / "summary.json").read_text())["in_count"] == 2
    assert state.progress.frames_done == state.progress.frames_total == 60
    assert state.progress.latest is None  # no frame arrays cross to the page
    job.release()


def test_a_workers_analysis_uses_every_core_not_the_one_thread_ray_gives_it(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    import ray

    job = AnalysisJob.submit(uploads, request(crossing_video, tmp_path, LINE))
    assert job.join(120).status == "finished"
    worker = ray.get_actor(f"upload-{job.id}", namespace=uploads.settings.namespace)
    assert ray.get(worker.threads_used.remote(), timeout=30) == os.cpu_count()
    job.release()


def test_a_running_job_shows_its_newest_frame_and_counts(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path, [(0, 60), (160, 60)]))
    eventually(lambda: job.snapshot().preview is not None and running_with(job, 50))
    snapshot = job.snapshot()
    frame = cv2.imdecode(np.frombuffer(snapshot.preview, np.uint8), cv2.IMREAD_COLOR)
    assert frame.shape == (120, 160, 3)  # the annotated frame, as analysed
    eventually(lambda: job.snapshot().in_count >= 1)  # one crossing every 80 frames
    job.stop()
    assert job.stopping
    final = job.join(60)
    assert final.status == "finished" and final.in_count == final.summary.in_count >= 1
    job.release()


def test_stopping_keeps_what_was_done_as_a_partial_result(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path))
    eventually(lambda: running_with(job, 5))
    job.stop()
    state = job.join(60)
    assert state.status == "finished"
    assert state.summary.partial and state.summary.stop_reason == "stopped"
    assert 5 <= state.summary.frames < 1500
    assert json.loads((tmp_path / "summary.json").read_text())["partial"] is True
    job.release()


def test_a_job_waits_for_a_free_worker_and_can_be_cancelled_while_waiting(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    import ray

    holder = slot_holder()  # someone else's analysis holds the only slot
    try:
        waiting = AnalysisJob.submit(uploads, request(crossing_video, tmp_path / "waiting"))
        later = AnalysisJob.submit(uploads, request(crossing_video, tmp_path / "later", LINE))
        assert ray.available_resources().get(SLOT_RESOURCE, 0) == 0
        assert waiting.snapshot().status == "waiting" and later.snapshot().status == "waiting"
        waiting.stop()
        assert waiting.snapshot().status == "cancelled" and not waiting.active
        assert uploads.worker(waiting.id) is None
        assert later.snapshot().status == "waiting"
    finally:
        ray.kill(holder)  # the slot frees: the next one starts and finishes
    done = later.join(120)
    assert done.status == "finished" and done.summary.in_count == 2
    assert not (tmp_path / "waiting").exists()  # the cancelled one analysed nothing
    later.release()


def test_an_unreadable_video_fails_with_the_reason_and_no_server_path(
        uploads: Uploads, tmp_path: Path) -> None:
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("just text")
    job = AnalysisJob.submit(uploads, request(not_video, tmp_path / "out"))
    state = job.join(120)
    assert state.status == "failed" and "not a video" in state.error
    assert str(tmp_path) not in state.error and "\n" not in state.error
    job.release()


def test_weights_that_cannot_load_fail_with_one_line(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    job = AnalysisJob.submit(uploads, request(crossing_video, tmp_path / "out",
                                              weights=str(broken)))
    state = job.join(120)
    assert state.status == "failed" and state.error.startswith("the model could not load: ")
    assert "\n" not in state.error
    job.release()


def test_a_job_is_found_again_by_its_id_until_released(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path))
    eventually(lambda: running_with(job, 1))
    again = AnalysisJob.find(uploads, job.id)  # as a reloaded page does
    assert again is not None and again.output_dir == tmp_path and again.active
    again.stop()
    assert job.join(60).status == "finished"
    job.release()
    assert AnalysisJob.find(uploads, job.id) is None
    assert AnalysisJob.find(uploads, "not-an-id") is None


def kill_worker(uploads: Uploads, job: AnalysisJob) -> int:
    """SIGKILL the process analysing `job` once it has analysed a frame; its pid."""
    import ray

    eventually(lambda: (status := uploads.status(job.id)).status == "running"
               and status.progress is not None and status.progress.frames_done >= 1)
    pid = ray.get(uploads.worker(job.id).pid.remote(), timeout=10)
    os.kill(pid, signal.SIGKILL)
    return int(pid)


def test_a_lost_worker_starts_over_and_counts_what_one_uninterrupted_run_counts(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    line = [(0, 60), (160, 60)]
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path / "upload", line))
    kill_worker(uploads, job)
    state = job.join(120)
    assert state.status == "finished" and state.restarted
    assert not state.summary.partial and state.summary.frames == 1500
    alone = analyse_video(long_video, Heatmap(model="motion", regions=parse_regions(line),
                                              verbose=False), tmp_path / "alone")
    assert (state.in_count, state.out_count) == (alone.in_count, alone.out_count)
    assert alone.in_count >= 10  # one crossing every 80 frames
    job.release()


def test_a_job_seen_running_never_reads_as_waiting_while_its_worker_restarts(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    """The tier says "waiting" while the lost worker comes back; the page keeps the
    progress it saw rather than saying it waits for a free worker."""
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path))
    eventually(lambda: running_with(job, 1))
    kill_worker(uploads, job)
    seen: list = []
    eventually(lambda: seen.append(job.snapshot()) or seen[-1].restarted)
    assert not seen[0].restarted, "the restart was watched"
    assert "waiting" not in {status.status for status in seen}
    job.stop()
    assert job.join(60).status == "finished"
    job.release()


def test_a_worker_lost_after_its_analysis_ended_reports_it_again_and_saves_once(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    import ray

    store = RunStore(None, tmp_path / "store")
    save = SaveTo.into(store, AnalysisSettings(MOTION, None), parse_regions(LINE), "crossing.mp4")
    job = AnalysisJob.submit(uploads, request(crossing_video, tmp_path / "upload", LINE,
                                              save=save))
    first = uploads.wait(job.id)
    assert first.status == "finished" and first.saved is not None
    pid = ray.get(uploads.worker(job.id).pid.remote(), timeout=10)
    os.kill(pid, signal.SIGKILL)
    again = uploads.wait(job.id)
    assert ray.get(uploads.worker(job.id).pid.remote(), timeout=60) != pid  # restarted
    assert (again.status, again.saved.id, again.in_count) == ("finished", first.saved.id, 2)
    assert [run.id for run in store.list()] == [first.saved.id]
    job.release()
    store.close()


def test_a_worker_lost_again_after_every_restart_is_a_failure_that_says_so(
        uploads: Uploads, long_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(long_video, tmp_path))
    pids = [kill_worker(uploads, job) for _ in range(RESTARTS + 1)]
    assert len(set(pids)) == RESTARTS + 1  # a new process each time
    state = job.join(60)
    assert (state.status, state.error) == ("failed", LOST)


def test_the_sweep_releases_uploads_that_ended_long_ago(
        uploads: Uploads, crossing_video: Path, tmp_path: Path) -> None:
    job = AnalysisJob.submit(uploads, request(crossing_video, tmp_path))
    assert job.join(120).status == "finished"
    assert job.id not in uploads.sweep()  # just ended: its page may still come
    eager = Uploads(uploads.settings, linger_s=0.0)
    assert job.id in eager.sweep()
    eventually(lambda: AnalysisJob.find(uploads, job.id) is None, 10)
