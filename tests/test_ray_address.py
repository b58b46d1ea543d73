"""The app joins a Ray cluster started apart from it (`ray start --head`, the CLI a user
runs) when RAY_ADDRESS names it, as the README says: it sends the cluster's token, an
upload is analysed there and saved, no local Ray is started, and a camera keeps counting
there while no web server runs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from run_store import CameraStore, RunStore
from tests.camera_tier import crossing_scene, settings_for_tests
from tests.rtsp_camera import require_gstreamer, require_ray, rtsp_camera, wait_for
from tests.test_app_upload_page import APP, cards, run_button, upload, wait_for_result
from tests.test_camera_resume import driver
from workers import Cameras, RayUnavailable

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ray_head() -> Iterator[str]:
    """`ray start --head --block` on 127.0.0.1, in a process group of its own; its
    address. Stopped by killing that group (`ray stop` would stop every Ray on the
    machine, and a graceful stop drains for 30 s)."""
    require_ray()
    import ray

    if ray.is_initialized():
        ray.shutdown()  # this process must join the new cluster, not keep an old one
    address = f"127.0.0.1:{free_port()}"
    environ = {key: value for key, value in os.environ.items() if key != "RAY_ADDRESS"}
    # A short folder: Ray's sockets live in it, and a socket's path has at most 107 bytes.
    temp_dir = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    head = subprocess.Popen(
        [str(Path(sys.executable).with_name("ray")), "start", "--head", "--block",
         f"--port={address.split(':')[1]}", "--num-cpus=2", "--include-dashboard=false",
         "--disable-usage-stats", "--node-ip-address=127.0.0.1", f"--temp-dir={temp_dir}"],
        env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        wait_for(lambda: _answers(address), 60, "the Ray head to listen")
        yield address
    finally:
        ray.shutdown()
        os.killpg(head.pid, signal.SIGKILL)
        head.wait(30)
        shutil.rmtree(temp_dir, ignore_errors=True)


def _answers(address: str) -> bool:
    host, port = address.split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) == 0


def test_with_ray_address_an_upload_runs_on_that_cluster_and_is_saved(
        ray_head: str, crossing_mp4: bytes, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    monkeypatch.setenv("RAY_ADDRESS", ray_head)
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HEATMAP_SAMPLE_VIDEO", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    upload(at, "crossing.mp4", crossing_mp4)
    run_button(at).click().run()
    wait_for_result(at)
    assert cards(at)["In"] == 3
    # This process joined the cluster at RAY_ADDRESS: it started no Ray of its own.
    assert ray.is_initialized()
    assert ray.get_runtime_context().gcs_address.endswith(":" + ray_head.split(":")[1])
    (run,) = RunStore(None, tmp_path / "data").list()  # saved by the worker there
    assert run.in_count == 3 and run.name == "crossing.mp4"


def test_a_new_server_process_joins_the_token_protected_cluster_ray_start_made(
        ray_head: str, tmp_path: Path) -> None:
    """`ray start --head` protects the cluster with a token; a web server started with
    just RAY_ADDRESS (as the README says) must send it, or it cannot join."""
    script = ("import os, ray\n"
              "from dashboard.config import Settings\n"
              "from workers import connect\n"
              "connect(Settings.from_environ(os.environ).camera_workers)\n"
              "print(ray.get_runtime_context().gcs_address, ray.cluster_resources()['CPU'])\n")
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith("RAY_AUTH")}  # a fresh shell's
    environ.update(RAY_ADDRESS=ray_head, HEATMAP_DATA_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    gcs_address, cpus = done.stdout.split()
    assert gcs_address.endswith(":" + ray_head.split(":")[1]) and float(cpus) == 2


def test_a_camera_on_the_cluster_keeps_counting_while_no_web_server_runs(
        ray_head: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The web server that started a camera exits; the camera goes on counting on the
    cluster, and the next web server finds it running: nothing to resume, no gap."""
    require_gstreamer()
    video = crossing_scene().write(tmp_path / "crossing.mp4")
    data = tmp_path / "data"
    monkeypatch.setenv("RAY_ADDRESS", ray_head)
    with rtsp_camera(video) as server:
        camera_id = str(driver("start", str(data), server.url())["id"])  # then it exits
        cameras = Cameras(settings_for_tests(data, ray_address=ray_head))  # the next one
        assert cameras.resume_running() == []
        first = cameras.state(camera_id)
        assert first.status == "running"
        wait_for(lambda: cameras.state(camera_id).frames > first.frames + 20, 30,
                 "the camera to go on counting")
        cameras.stop(camera_id)
    assert cameras.store.gaps(camera_id) == []
    cameras.store.close()


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """RAY_ADDRESS naming a port nothing listens on, this process joined to no Ray."""
    require_ray()
    import ray

    if ray.is_initialized():
        ray.shutdown()
    address = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("RAY_ADDRESS", address)
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HEATMAP_SAMPLE_VIDEO", raising=False)
    return address


def test_an_unreachable_cluster_is_one_line_on_every_page_and_the_history_stays(
        nowhere: str, tmp_path: Path, crossing_mp4: bytes) -> None:
    """Ray itself would retry for ever: every page would hang. Each says why instead."""
    store = CameraStore(None, tmp_path / "data")
    camera = store.add("Door", "rtsp://admin:hunter2@10.0.0.7/stream", {})
    store.set_desired(camera.id, "running")
    store.close()
    reason = f"cannot reach the Ray cluster at {nowhere} (connection refused)"

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["camera"] = camera.id
    at.run()  # its dashboard: the state says why, the stored history is there
    assert not at.exception
    assert any(reason in w.value.replace("\\", "") for w in at.warning)
    assert [m.label for m in at.metric][:2] == ["In", "Out"]

    cameras = Cameras(settings_for_tests(tmp_path / "data", ray_address=nowhere))
    [state] = cameras.states()  # the list: "connecting", with the reason, no alert fired
    assert (state.status, state.reason) == ("connecting", str(RayUnavailable(
        f"{reason}: check RAY_ADDRESS, and that the cluster runs")))
    assert cameras.live_view(camera.id) is None
    with pytest.raises(RayUnavailable, match="check RAY_ADDRESS"):
        cameras.start(camera.id)
    cameras.store.close()

    at = AppTest.from_file(str(APP), default_timeout=60).run()  # an upload: not started
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    upload(at, "crossing.mp4", crossing_mp4)
    run_button(at).click().run()
    assert not at.exception
    assert any(f"Cannot start: {reason}" in e.value.replace("\\", "") for e in at.error)
