"""Alerts end to end: cameras on a real local Ray read a real RTSP stream of a recorded
scene; an IN-count rule fires and its JSON reaches a real local HTTP server, while a
camera whose webhook points at a closed port keeps counting and shows the failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.camera_tier import LINE, crossing_scene, settings_for_tests
from tests.rtsp_camera import free_port, require_gstreamer, require_ray, rtsp_camera, wait_for
from tests.webhook_server import webhook_server
from workers import CameraConfig, Cameras, connect
from workers.alert_rules import parse_rules

pytestmark = pytest.mark.slow
TOKEN = "hook-t0ken"
# The scene crosses the line IN twice in each 6 s loop, 2.6 s apart.
RULE = "more than 1 IN at middle in 0.1 minutes"


@pytest.fixture(scope="module")
def cameras(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cameras]:
    require_ray()
    require_gstreamer()
    import ray

    if ray.is_initialized():
        ray.shutdown()
    cameras = Cameras(settings_for_tests(tmp_path_factory.mktemp("data")))
    thread = threading.Thread(target=connect, args=(cameras.settings,))
    thread.start()
    thread.join(120)
    assert ray.is_initialized()
    yield cameras
    for record in cameras.store.list():
        cameras.remove(record.id)
    ray.shutdown()


def test_an_in_count_rule_posts_its_json_and_a_dead_webhook_stops_nothing(
        cameras: Cameras, tmp_path: Path) -> None:
    video = crossing_scene().write(tmp_path / "crossing.mp4")
    closed = f"http://bot:{TOKEN}@127.0.0.1:{free_port()}/hook?token={TOKEN}"
    with rtsp_camera(video) as server, webhook_server() as hook:
        posting = cameras.add_camera(CameraConfig(
            name="Door", url=server.url(), regions=LINE, alerts=parse_rules(RULE),
            webhook=hook.url + "/alerts"))
        failing = cameras.add_camera(CameraConfig(
            name="Gate", url=server.url(), regions=LINE, alerts=parse_rules(RULE),
            webhook=closed))
        cameras.start(posting)
        cameras.start(failing)
        [(path, _, body), *_] = hook.wait_for(1, timeout_s=120)
        assert path == "/alerts"
        stored = wait_for(lambda: cameras.store.alerts(posting), 30, "the alert to be stored")
        first = stored[0]
        assert body == {
            "alert_id": first.id, "camera_id": posting, "camera": "Door",
            "at": first.at.isoformat(), "rule": RULE, "kind": "count", "region": "middle",
            "direction": "IN", "threshold": 1, "minutes": 0.1, "value": first.value,
            "measured": f"{first.value:g} IN"}
        assert body["value"] >= 2
        in_window = [e for e in cameras.store.events(posting)
                     if e.direction == "IN" and e.at <= first.at]
        assert len(in_window) >= 2, "the rule fired on INs the camera counted"

        def failed_and_still_counting() -> bool:
            alerts = cameras.store.alerts(failing)
            state = cameras.state(failing)
            return bool(alerts) and alerts[0].delivery != "sending" and \
                state.status == "running"

        wait_for(failed_and_still_counting, 120, "the failing webhook to be reported")
        frames = cameras.state(failing).frames
        wait_for(lambda: cameras.state(failing).frames > frames + 20, 60,
                 "the camera to keep counting after its webhook failed")
        cameras.stop(posting)
        cameras.stop(failing)
    [failure, *_] = cameras.store.alerts(failing)
    assert failure.delivery == "webhook failed: connection refused after 3 tries"
    assert all(TOKEN not in (a.delivery or "") for a in cameras.store.alerts(failing))
    assert all(a.delivery == "sent (HTTP 200)" for a in cameras.store.alerts(posting)
               if a.delivery != "sending")
