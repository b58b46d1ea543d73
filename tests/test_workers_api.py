"""The camera tier's public surface is pinned, and importing it starts nothing: no Ray,
no UI toolkit, until a camera is asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import workers
from workers import WorkerSettings

REPO = Path(__file__).resolve().parent.parent


def test_the_public_api_is_pinned() -> None:
    assert sorted(workers.__all__) == [
        "Backoff", "CAMERA_STATUSES", "CameraConfig", "CameraState", "CameraStatus", "Cameras",
        "HEATMAP_OPTIONS", "RayUnavailable", "Reconnector", "StreamError", "StreamFault",
        "UPLOAD_STATUSES", "UploadRequest", "UploadStatus", "Uploads", "WorkerSettings",
        "build_heatmap", "connect", "grab_frame", "open_stream", "redact_url"]
    assert workers.CAMERA_STATUSES == ("connecting", "running", "reconnecting", "stopped",
                                       "failed")
    assert workers.UPLOAD_STATUSES == ("waiting", "running", "finished", "failed",
                                       "cancelled")


def test_importing_workers_loads_neither_ray_nor_a_ui_toolkit() -> None:
    code = "import sys, workers; print('ray' in sys.modules, 'streamlit' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_settings_take_the_environment_they_are_given(tmp_path: Path) -> None:
    environ = {"RAY_ADDRESS": "ray://head:10001", "HEATMAP_CAMERA_CPUS": "0.25",
               "HEATMAP_CAMERA_GPUS": "0.1", "HEATMAP_RAY_CPUS": "4",
               "HEATMAP_UPLOAD_CPUS": "2", "HEATMAP_UPLOAD_GPUS": "0.5"}
    settings = WorkerSettings.from_environ(
        environ, data_dir=tmp_path, database_url="postgresql+psycopg://u:secret@db/heat",
        interval_s=30.0)
    assert (settings.ray_address, settings.camera_cpus, settings.camera_gpus,
            settings.local_num_cpus, settings.interval_s, settings.data_dir) == (
        "ray://head:10001", 0.25, 0.1, 4, 30, str(tmp_path))
    assert (settings.upload_cpus, settings.upload_gpus) == (2.0, 0.5)
    assert "secret" not in repr(settings)
    plain = WorkerSettings.from_environ({}, data_dir=tmp_path)
    assert (plain.ray_address, plain.database_url, plain.camera_cpus) == (None, None, 0.5)
    assert (plain.upload_cpus, plain.upload_gpus, plain.upload_slots) == (1.0, 0.0, None)
    for key, value in (("HEATMAP_CAMERA_CPUS", "half"), ("HEATMAP_CAMERA_GPUS", "-1"),
                       ("HEATMAP_RAY_CPUS", "1.5"), ("HEATMAP_UPLOAD_CPUS", "one"),
                       ("HEATMAP_UPLOAD_GPUS", "-0.5")):
        with pytest.raises(ValueError, match=key):
            WorkerSettings.from_environ({key: value}, data_dir=tmp_path)


def test_nothing_in_workers_reads_the_environment() -> None:
    """The app's settings object is the one reader (see workers/settings.py)."""
    readers = [path.name for path in (REPO / "workers").glob("*.py")
               if "os.environ" in path.read_text() or "getenv" in path.read_text()]
    assert readers == []


def test_a_camera_config_is_checked_when_made() -> None:
    config = workers.CameraConfig(name="Door", url=" rtsp://u:secret@cam/1 ",
                                  regions={"door": [(0, 10), (100, 10)]}, options={"conf": 0.4})
    assert config.url == "rtsp://u:secret@cam/1" and "secret" not in repr(config)
    assert workers.CameraConfig(name="x", url="rtsp://cam/1").regions == ()
    for bad in ({"url": "file:///etc/passwd"}, {"name": " "}, {"options": {"show": True}},
                {"regions": {"door": [(0, 0)]}}, {"rtsp_transport": "http"}):
        with pytest.raises(ValueError):
            workers.CameraConfig(**{"name": "Door", "url": "rtsp://cam/1", **bad})


@pytest.mark.slow
def test_every_camera_analysis_has_a_model_of_its_own(yolo_weights: Path) -> None:
    """Two cameras with the same weights never share a YOLO model (ultralytics keeps
    tracks on the model object); each worker builds its Heatmap this way."""
    config = workers.CameraConfig(name="Door", url="rtsp://cam/1", model=str(yolo_weights),
                                  regions={"door": [(0, 60), (160, 60)]})
    first, second = workers.build_heatmap(config), workers.build_heatmap(config)
    assert first.detector is not second.detector
    models = [getattr(h.detector, "model", None) for h in (first, second)]
    assert models[0] is not None and models[0] is not models[1]
    frame = np.zeros((120, 160, 3), np.uint8)
    assert first(frame, time_s=0.0).frame_index == second(frame, time_s=0.0).frame_index == 1
