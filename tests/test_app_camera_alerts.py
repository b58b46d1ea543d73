"""A camera's dashboard lists its rules and fired alerts (time in the viewer's zone,
rule, measured value, the webhook's outcome) with no secret of the webhook on the page;
the Cameras form refuses a rule it cannot read, in one line, before adding anything."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from run_store import CameraAlert, CameraStore
from workers import CameraConfig
from workers.alert_rules import parse_rules

APP = Path(__file__).resolve().parent.parent / "app.py"
TOKEN = "hook-t0ken"


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def test_the_dashboard_lists_fired_alerts_newest_first(data_dir: Path) -> None:
    store = CameraStore(None, data_dir)
    config = CameraConfig(name="Door", url="rtsp://cam/1",
                          regions={"door": [(0, 0), (9, 0), (9, 9), (0, 9)]},
                          alerts=parse_rules("occupancy of door above 3 for 5 minutes\n"
                                             "camera down for 2 minutes"),
                          webhook=f"https://hooks.example.org/x?token={TOKEN}")
    camera_id = store.add("Door", config.url, config.to_settings()).id
    at = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    store.record_alerts(camera_id, [
        CameraAlert("a1", at, "down", "camera down for 2 minutes", 2.5, "2.5 minutes down",
                    "webhook failed: connection refused after 3 tries"),
        CameraAlert("a2", at + timedelta(hours=1), "occupancy",
                    "occupancy of door above 3 for 5 minutes", 4.25, "mean 4.2 inside",
                    "sent (HTTP 200)")])
    store.close()
    at_ = AppTest.from_file(str(APP), default_timeout=60)
    at_.query_params["camera"] = camera_id
    at_.run()
    assert not at_.exception
    assert [s.value for s in at_.subheader][-1] == "Alerts"
    assert any(c.value.startswith("Rules: occupancy of door above 3 for 5 minutes; camera "
                                  "down for 2 minutes") for c in at_.caption)
    table = at_.dataframe[-1].value
    assert list(table["Time"]) == ["2025-03-01 10:00:00", "2025-03-01 09:00:00"]
    assert list(table["Rule"]) == ["occupancy of door above 3 for 5 minutes",
                                   "camera down for 2 minutes"]
    assert list(table["Measured"]) == ["mean 4.2 inside", "2.5 minutes down"]
    assert list(table["Webhook"]) == ["sent (HTTP 200)",
                                      "webhook failed: connection refused after 3 tries"]
    assert TOKEN not in str(at_)


def test_a_camera_without_rules_says_how_to_add_them(data_dir: Path) -> None:
    store = CameraStore(None, data_dir)
    camera_id = store.add("Yard", "rtsp://cam/2", {}).id
    store.close()
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["camera"] = camera_id
    at.run()
    assert any(c.value == "No alert rules: add them with the camera on the Cameras page."
               for c in at.caption)


def test_the_form_refuses_a_rule_it_cannot_read(data_dir: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("app_pages/cameras.py").run()
    at.text_input(key="cameras_name").input("Door")
    at.text_input(key="cameras_url").input("rtsp://cam/1")
    at.text_area(key="cameras_alert_rules").input("when it rains")
    at.button(key="cameras_add").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("Not added: alert line 1: 'when it rains' is not a rule; write one "
                            "of: occupancy of ZONE above N for M minutes")
    assert "\n" not in error
    assert CameraStore(None, data_dir).list() == []
