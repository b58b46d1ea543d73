"""Alerts of a camera without Ray: configured with the camera, stored once, POSTed to a
real local HTTP server in the background (retries, Basic auth from the address), a
failing webhook reported in words with no secret, and the server's own "camera down"
check storing the same alert the worker would."""

from __future__ import annotations

import base64
import logging
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from run_store import CameraStore, IntervalCount
from tests.rtsp_camera import free_port
from tests.webhook_server import webhook_server
from workers import CameraConfig
from workers.alert_rules import AlertRule, parse_rules
from workers.camera_alerts import CameraAlerts, notice_down
from workers.reconnect import Backoff
from workers.webhook import deliver

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
ZONE = {"door": [(0, 0), (100, 0), (100, 100), (0, 100)], "line": [(0, 50), (100, 50)]}
TOKEN = "t0ken-s3cret"
FAST = Backoff(first_s=0.05, factor=2.0, max_s=0.1)


def rows(minute: int, in_count: int) -> list[IntervalCount]:
    return [IntervalCount(T0 + timedelta(minutes=minute), 60.0, "line", "*", in_count, 0),
            IntervalCount(T0 + timedelta(minutes=minute), 60.0, "door", "*", 0, 0)]


def camera(tmp_path: Path, webhook: str | None) -> tuple[CameraStore, str, CameraConfig]:
    store = CameraStore(None, tmp_path)
    config = CameraConfig(name="Door", url="rtsp://cam/1", regions=ZONE,
                          alerts=parse_rules("more than 5 IN at line in 2 minutes\n"
                                             "camera down for 3 minutes"),
                          webhook=webhook)
    return store, store.add("Door", config.url, config.to_settings()).id, config


def wait_delivery(store: CameraStore, camera_id: str, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        [alert] = store.alerts(camera_id)
        if alert.delivery != "sending":
            return str(alert.delivery)
        time.sleep(0.05)
    raise AssertionError("the webhook's outcome was never recorded")


def test_rules_and_webhook_are_configured_with_the_camera(tmp_path: Path) -> None:
    store, camera_id, config = camera(tmp_path, f"https://hooks.example.org/a?token={TOKEN}")
    record = store.get(camera_id)
    assert record is not None and CameraConfig.from_record(record) == config
    assert TOKEN not in repr(config)
    with pytest.raises(ValueError, match=r"^alert 'occupancy of line above 2 for 1 minute': "
                                         r"'line' is a line; occupancy is measured in a zone$"):
        CameraConfig(name="x", url="rtsp://cam/1", regions=ZONE,
                     alerts=(AlertRule("occupancy", 1, 2, "line"),))
    with pytest.raises(ValueError, match=r"no region named 'till' \(its regions: door, line\)"):
        CameraConfig(name="x", url="rtsp://cam/1", regions=ZONE,
                     alerts=(AlertRule("count", 1, 2, "till"),))
    with pytest.raises(ValueError, match=r"^the webhook is an http:// or https:// address"):
        CameraConfig(name="x", url="rtsp://cam/1", webhook="ftp://files/")


def test_a_fired_alert_is_stored_once_and_posted_as_json(tmp_path: Path) -> None:
    with webhook_server() as hook:
        url = hook.url.replace("http://", f"http://bot:{TOKEN}@") + "/hooks/cam?key=1"
        store, camera_id, config = camera(tmp_path, url)
        alerts = CameraAlerts(store, camera_id, config, 60.0, webhook_backoff=FAST)
        alerts.counted(rows(0, 3))
        assert store.alerts(camera_id) == []
        alerts.counted(rows(1, 3))  # 6 IN in 2 minutes: more than 5
        [(path, headers, body)] = hook.wait_for(1)
        assert wait_delivery(store, camera_id) == "sent (HTTP 200)"
    assert path == "/hooks/cam?key=1"
    assert headers["Authorization"] == "Basic " + base64.b64encode(f"bot:{TOKEN}".encode()
                                                                   ).decode()
    [stored] = store.alerts(camera_id)
    assert body == {"alert_id": stored.id, "camera_id": camera_id, "camera": "Door",
                    "at": "2025-03-01T09:02:00+00:00", "rule": "more than 5 IN at line in 2 "
                    "minutes", "kind": "count", "region": "line", "direction": "IN",
                    "threshold": 5, "minutes": 2.0, "value": 6.0, "measured": "6 IN"}
    # A restarted worker replays what is stored: the rule that fired stays quiet.
    again = CameraAlerts(store, camera_id, config, 60.0)
    again.prime(T0 + timedelta(minutes=2))
    again.counted(rows(2, 3))
    assert [a.id for a in store.alerts(camera_id)] == [stored.id]


def test_a_failing_webhook_is_shown_without_its_secret(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    url = f"http://bot:{TOKEN}@127.0.0.1:{free_port()}/hook?token={TOKEN}"
    store, camera_id, config = camera(tmp_path, url)
    alerts = CameraAlerts(store, camera_id, config, 60.0, webhook_backoff=FAST)
    with caplog.at_level(logging.INFO):
        alerts.counted(rows(0, 9))
        assert store.alerts(camera_id)[0].delivery == "sending"  # not waited for
        assert wait_delivery(store, camera_id) == (
            "webhook failed: connection refused after 3 tries")
    assert TOKEN not in caplog.text and "127.0.0.1" in caplog.text
    assert deliver(url.replace("http://", "https://"), {}, tries=1) == (
        "webhook failed: connection refused after 1 try")
    with webhook_server(status=500) as hook:
        assert deliver(hook.url, {"a": 1}, tries=2, backoff=FAST) == (
            "webhook failed: HTTP 500 after 2 tries")
        assert len(hook.posts) == 2


def test_the_server_notices_a_camera_down_as_the_worker_would(tmp_path: Path) -> None:
    store, camera_id, config = camera(tmp_path, None)
    record = store.get(camera_id)
    assert record is not None
    since = T0 + timedelta(minutes=10)
    assert notice_down(store, record, since, since + timedelta(minutes=2)) == []
    [alert] = notice_down(store, record, since, since + timedelta(minutes=4))
    assert (alert.rule, alert.at, alert.delivery) == ("camera down for 3 minutes",
                                                      since + timedelta(minutes=3), None)
    assert notice_down(store, record, since, since + timedelta(minutes=9)) == []
    # The worker, back, sees the same down time: the same alert, stored once.
    worker = CameraAlerts(store, camera_id, config, 60.0)
    worker.down(since, since + timedelta(minutes=12))
    assert len(store.alerts(camera_id)) == 1
    store.remove(camera_id)
    assert store.alerts(camera_id) == []
