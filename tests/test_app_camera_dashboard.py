"""A camera's dashboard from its link, drawn from the store alone (a stopped camera
needs no worker): its state, today's counts, the period's cards and charts, exports,
and a clear message for a link to nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cameras.dashboard_widgets import NOT_FOUND
from dashboard.common.text import plain
from run_store import CameraStore, Flush, Gap, IntervalCount

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def counted_camera(data_dir: Path) -> str:
    """A stopped camera that counted 4 IN and 1 OUT a minute for the last 30 minutes
    (in UTC; the AppTest browser has no time zone, so the dashboard shows UTC)."""
    store = CameraStore(None, data_dir)
    camera = store.add("Front door", "rtsp://admin:hunter2@10.0.0.7/stream", {})
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    start = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0))
    minutes = int((now - start).total_seconds() // 60)
    rows = tuple(IntervalCount(start + timedelta(minutes=i), 60.0, "door", "*", 4, 1,
                               peak_inside=2 + i % 3, mean_inside=1.0) for i in range(minutes))
    gap = Gap(start - timedelta(hours=1), start - timedelta(minutes=50), "the stream dropped")
    store.record(camera.id, Flush(intervals=rows, gaps=(gap,), counted_until=now))
    store.close()
    return camera.id


def open_camera(camera_id: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["camera"] = camera_id
    return at.run()


def test_the_link_shows_the_camera_its_state_and_todays_counts(data_dir: Path) -> None:
    camera_id = counted_camera(data_dir)
    at = open_camera(camera_id)
    assert not at.exception
    assert at.title[0].value == "Front door"
    assert "hunter2" not in str(at)  # the password is nowhere on the page
    assert at.caption[0].value == plain("rtsp://***@10.0.0.7/stream")
    assert any(i.value.startswith("**Stopped") for i in at.info)
    cards = {m.label: m.value for m in at.metric}
    assert int(cards["In"]) > 0 and int(cards["In"]) == 4 * int(cards["Out"])
    assert int(cards["Peak inside"]) == 4
    # Stopped: the live part is the one that refreshes every 5 s, not every second.
    assert "No live view: the camera is not running (looked at again every 5 s)." in [
        c.value for c in at.caption]


def test_the_period_cards_compare_with_the_period_before(data_dir: Path) -> None:
    at = open_camera(counted_camera(data_dir))
    period_cards = [m for m in at.metric if m.label == "Net"]
    assert period_cards and int(period_cards[0].value) > 0
    assert [b.label for b in at.get("download_button")] == [
        "Intervals .csv", "Intervals .xlsx", "Events .csv", "Report .html"]
    at.segmented_control(key="camera_period").set_value("Chosen days").run()
    assert any(i.value == "Pick the first and the last day." for i in at.info)


@pytest.mark.parametrize("camera_id", ["nonexistent1234", "../../etc", ""])
def test_a_link_to_no_camera_says_so(data_dir: Path, camera_id: str) -> None:
    at = open_camera(camera_id)
    assert not at.exception
    assert at.error[0].value.startswith(NOT_FOUND)
