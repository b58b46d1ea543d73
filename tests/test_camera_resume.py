"""A restart of the web server: a new driver process calling `resume_running()` brings
back the cameras that were running, their downtime recorded as a gap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from run_store import CameraStore
from tests.camera_tier import crossing_scene
from tests.rtsp_camera import require_gstreamer, require_ray, rtsp_camera
from workers.camera_actor import RESTART_GAP_REASON

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def driver(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.camera_driver", *args], cwd=REPO, capture_output=True,
        text=True, timeout=180, check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
            "PYTHONPATH", "")])})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_new_web_server_resumes_running_cameras(tmp_path: Path) -> None:
    require_ray()
    require_gstreamer()
    import ray

    if ray.is_initialized():  # the drivers start Ray of their own
        ray.shutdown()
    video = crossing_scene().write(tmp_path / "crossing.mp4")
    data = tmp_path / "data"
    with rtsp_camera(video) as server:
        camera_id = driver("start", str(data), server.url())["id"]
        outcome = driver("resume", str(data))
    assert outcome["resumed"] == [camera_id]
    assert outcome["states"] == ["running"]
    assert outcome["after_stop"] == [], "a stopped camera is not resumed"
    store = CameraStore(None, data)
    [gap] = store.gaps(str(camera_id))
    assert gap.reason == RESTART_GAP_REASON and gap.start < gap.end
    assert store.get(str(camera_id)).desired == "stopped"  # type: ignore[union-attr]
    assert any(i.start >= gap.end.replace(microsecond=0) for i in store.intervals(str(camera_id)))
    store.close()
