"""Cameras that keep running, on a real local Ray with real RTSP cameras: counts equal
the file's, a dropped stream and a killed worker resume with the lost time recorded as
a gap, and every stream fault is a clear one-line state with no password."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from run_store import Flush, IntervalCount
from tests.camera_tier import LINE, LOOP_FRAMES, crossing_scene, file_events, settings_for_tests
from tests.rtsp_camera import (
    RtspCamera,
    free_port,
    require_gstreamer,
    require_ray,
    rtsp_camera,
    wait_for,
    web_page_server,
)
from workers import CameraConfig, Cameras, CameraState, connect
from workers.camera_actor import RESTART_GAP_REASON

pytestmark = pytest.mark.slow
PASSWORD = "s3cr3t-pw"
LONG_AGO = datetime.now(timezone.utc) - timedelta(days=400)
# Noon (UTC) two days ago: a whole day, long settled, that the worker rolls up.
TWO_DAYS_AGO = (datetime.now(timezone.utc) - timedelta(days=2)).replace(
    hour=12, minute=0, second=0, microsecond=0)
USER = f"viewer:{PASSWORD}"


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crossing_scene().write(tmp_path_factory.mktemp("camera") / "crossing.mp4")


@pytest.fixture(scope="module")
def cameras(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cameras]:
    """One local Ray for the module (as the app embeds it), stopped at the end."""
    require_ray()
    require_gstreamer()
    import ray

    if ray.is_initialized():
        ray.shutdown()
    cameras = Cameras(settings_for_tests(tmp_path_factory.mktemp("data")))
    # The embedded Ray starts from a thread that is not the main one (as in a Streamlit
    # script thread); a second call is a no-op.
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: _connect_twice(cameras, errors))
    thread.start()
    thread.join(120)
    assert not errors and ray.is_initialized()
    yield cameras
    for record in cameras.store.list():
        cameras.remove(record.id)
    ray.shutdown()


def state(cameras: Cameras, camera_id: str) -> CameraState:
    return cameras.state(camera_id)


def running_with(cameras: Cameras, camera_id: str, frames: int) -> CameraState | None:
    now = cameras.state(camera_id)
    return now if now.status == "running" and now.frames >= frames else None


def test_a_camera_counts_what_the_file_counts(cameras: Cameras, video: Path) -> None:
    with rtsp_camera(video, USER) as server:
        config = CameraConfig(name="Street", url=server.url(), regions=LINE)
        camera_id = cameras.add_camera(config)
        assert cameras.state(camera_id).status == "stopped"
        cameras.store.record(camera_id, Flush(intervals=(
            IntervalCount(LONG_AGO, 60.0, "middle", "*", 5, 5),  # past any retention
            IntervalCount(TWO_DAYS_AGO, 60.0, "middle", "*", 0, 0))))
        cameras.start(camera_id)
        running = wait_for(lambda: running_with(cameras, camera_id, LOOP_FRAMES + 15), 60,
                           "the camera to analyse more than one loop")
        assert running.describe().startswith("running (")
        assert running.url == f"rtsp://***@127.0.0.1:{server.port}/cam"
        view = cameras.live_view(camera_id)
        assert view is not None and view[:2] == b"\xff\xd8"  # a JPEG
        assert cameras.snapshot(camera_id).shape == (240, 320, 3)
        cameras.stop(camera_id)
    assert cameras.state(camera_id).status == "stopped"
    expected = file_events(video, config)
    assert [e[2] for e in expected] == ["IN", "OUT", "IN"]
    stored = [(e.region, e.class_name, e.direction, e.track_id)
              for e in cameras.store.events(camera_id)]
    assert stored[:len(expected)] == expected
    totals = [i for i in cameras.store.intervals(camera_id) if i.class_name == "*"]
    assert sum(i.in_count for i in totals) == sum(e[2] == "IN" for e in stored)
    assert sum(i.out_count for i in totals) == sum(e[2] == "OUT" for e in stored)
    assert cameras.store.gaps(camera_id) == []
    assert cameras.store.heat(camera_id), "heat snapshots are written as it goes"
    assert all(i.start > LONG_AGO for i in cameras.store.intervals(camera_id)), \
        "the worker pruned data past retention"
    day = TWO_DAYS_AGO.replace(hour=0)
    assert cameras.store.roll_up(camera_id, day, day + timedelta(days=1)) == 0, \
        "the worker made the day roll-ups its dashboard reads"
    # A snapshot of a stopped camera opens the stream briefly.
    with rtsp_camera(video, USER) as server:
        cameras.update_camera(camera_id, CameraConfig(name="Street", url=server.url(),
                                                      regions=LINE))
        assert cameras.snapshot(camera_id).shape == (240, 320, 3)


def test_a_dropped_stream_reconnects_and_records_the_gap(cameras: Cameras, video: Path) -> None:
    server = RtspCamera(video, USER).start()
    try:
        camera_id = cameras.add_camera(CameraConfig(name="Drops", url=server.url(),
                                                    regions=LINE))
        cameras.start(camera_id)
        wait_for(lambda: running_with(cameras, camera_id, 10), 60, "the camera to run")
        server.kill()
        away = wait_for(lambda: (s := cameras.state(camera_id)).status == "reconnecting" and s,
                        30, "the camera to say it is reconnecting")
        assert "reconnecting since" in away.describe() and PASSWORD not in away.describe()
        server.start()  # back, on the same port
        before = away.frames
        back = wait_for(lambda: running_with(cameras, camera_id, before + 20), 60,
                        "counting to resume")
        assert back.status == "running"
        cameras.stop(camera_id)
    finally:
        server.kill()
    [gap] = cameras.store.gaps(camera_id)
    assert gap.start < gap.end and gap.reason and PASSWORD not in gap.reason
    after = [i for i in cameras.store.intervals(camera_id) if i.start + _s(1) > gap.end]
    assert after, "intervals were counted after the stream came back"
    assert all(i.seconds <= 1.0 + 1e-6 for i in cameras.store.intervals(camera_id))


def test_a_killed_worker_restarts_and_resumes(cameras: Cameras, video: Path) -> None:
    with rtsp_camera(video, USER) as server:
        camera_id = cameras.add_camera(CameraConfig(name="Killed", url=server.url(),
                                                    regions=LINE))
        cameras.start(camera_id)
        wait_for(lambda: running_with(cameras, camera_id, 10), 60, "the camera to run")
        import ray

        worker = cameras.worker(camera_id)
        pid = ray.get(worker.pid.remote())
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: _new_pid(worker, pid) and running_with(cameras, camera_id, 10), 60,
                 "the restarted worker to run")
        cameras.stop(camera_id)
    gaps = cameras.store.gaps(camera_id)
    assert [g.reason for g in gaps] == [RESTART_GAP_REASON]
    assert 0 < (gaps[0].end - gaps[0].start).total_seconds() < 60


def test_stream_faults_are_clear_states_without_passwords(cameras: Cameras, video: Path) -> None:
    with rtsp_camera(video, USER) as server, web_page_server() as page:
        cases = {
            "wrong path": (server.url("/nowhere"), "failed", "404"),
            "wrong password": (server.url(credentials="viewer:not-" + PASSWORD), "failed", "401"),
            "web page": (page.replace("http://", f"http://{USER}@"), "failed",
                         "does not serve video"),
            "closed port": (f"rtsp://{USER}@127.0.0.1:{free_port()}/cam", "reconnecting",
                            "refused the connection"),
            "region off the frame": (server.url(), "failed", "outside the 320x240 frame"),
        }
        off_frame = {"door": [(0, 500), (320, 500)]}
        ids = {name: cameras.add_camera(CameraConfig(
                   name=name, url=url, regions=off_frame if name.startswith("region") else ()))
               for name, (url, _, _) in cases.items()}
        for camera_id in ids.values():
            cameras.start(camera_id)

        def settled() -> list[CameraState] | None:
            states = [cameras.state(camera_id) for camera_id in ids.values()]
            return states if all(s.status in ("failed", "reconnecting") for s in states) else None

        states = wait_for(settled, 60, "every faulty camera to settle")
        for (name, (_, status, words)), now in zip(cases.items(), states, strict=True):
            line = now.describe()
            assert now.status == status, (name, line)
            assert words in line, (name, line)
            assert PASSWORD not in line and PASSWORD not in repr(now), name
            assert "\n" not in line and "Traceback" not in line
        assert all(PASSWORD not in repr(s) for s in cameras.states())
        for camera_id in ids.values():
            cameras.remove(camera_id)


def _connect_twice(cameras: Cameras, errors: list[BaseException]) -> None:
    try:
        connect(cameras.settings)
        connect(cameras.settings)
    except BaseException as error:
        errors.append(error)


def _new_pid(worker: object, old: int) -> bool:
    import ray
    from ray.exceptions import GetTimeoutError, RayError

    try:
        return bool(ray.get(worker.pid.remote(), timeout=2) != old)  # type: ignore[attr-defined]
    except (GetTimeoutError, RayError):
        return False


def _s(seconds: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(seconds=seconds)
