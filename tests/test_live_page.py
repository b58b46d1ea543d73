"""The live page through Streamlit's AppTest. `webrtc_streamer` needs a real server
session, so a stub stands in for it: it records how the page calls it and says whether
the camera is playing. Frames are fed to the page's LiveSession directly, as the
WebRTC worker would; the real stream is tested in tests/browser/test_live_webcam.py."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import cv2
import numpy as np
import pytest
import streamlit_webrtc
from streamlit.testing.v1 import AppTest

from dashboard.live.session import LiveSession
from dashboard.live.state import LiveState
from run_store import RunStore

APP = Path(__file__).resolve().parent.parent / "app.py"


class CameraStub:
    """Stands in for `streamlit_webrtc.webrtc_streamer`."""

    def __init__(self) -> None:
        self.playing = False
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **options: Any) -> SimpleNamespace:
        self.calls.append(options)
        return SimpleNamespace(state=SimpleNamespace(playing=self.playing, signalling=False))


@pytest.fixture
def camera(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CameraStub:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HEATMAP_ICE_SERVERS", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    stub = CameraStub()
    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", stub)
    return stub


@pytest.fixture
def frames(footage: Path) -> list[np.ndarray]:
    video = cv2.VideoCapture(str(footage))
    out = [video.read()[1] for _ in range(120)]
    video.release()
    return out


def open_live_page(camera: CameraStub) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("app_pages/live.py").run()
    at.sidebar.selectbox(key="live_model").set_value("motion").run()
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def state(at: AppTest) -> LiveState:
    return at.session_state["live_page"]


def session(at: AppTest) -> LiveSession:
    return state(at).session


def stream(at: AppTest, frames: list[np.ndarray]) -> AppTest:
    """The WebRTC worker's part: frames analysed in the session, then a page refresh.
    After the first frame the page applies its default line (its live panel does within
    a second), which starts the counts over: the first frame is not counted."""
    for i, frame in enumerate(frames):
        session(at).analyse(frame, i / 10)
        if state(at).default_region_due():
            at.run()
    return at.run()


def test_the_page_streams_the_camera_over_webrtc_to_the_sessions_callback(
        camera: CameraStub) -> None:
    at = open_live_page(camera)
    assert not at.exception
    options = camera.calls[-1]
    assert options["video_frame_callback"] == session(at).process
    assert options["async_processing"] is True  # busy: the newest frame, others dropped
    assert options["media_stream_constraints"] == {"video": True, "audio": False}
    assert options["rtc_configuration"] == {"iceServers": []}  # localhost, no network
    assert "device_access_denied" in options["translations"]


def test_before_start_the_cards_are_zero_and_the_page_says_to_press_start(
        camera: CameraStub) -> None:
    at = open_live_page(camera)
    assert cards(at) == {"In": "0", "Out": "0", "Inside now": "0", "Tracks": "0",
                         "Frames/s": "0.0", "Frames": "0"}
    assert any("Press **START**" in i.value for i in at.info)


def test_playing_without_frames_yet_says_connecting(camera: CameraStub) -> None:
    at = open_live_page(camera)
    camera.playing = True
    at.run()
    assert any(i.value == "Connecting to your camera…" for i in at.info)


def test_a_connection_that_never_brings_video_or_drops_says_what_to_do(
        camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    wall = [1000.0]
    state(at).session = LiveSession(monotonic=lambda: wall[0])
    camera.playing = True
    at.run()
    wall[0] += 30
    at.run()
    assert at.error[0].value.startswith("No video has arrived in 30 s")

    session(at).analyse(frames[0], 0.0)
    at.run()
    assert not at.error
    wall[0] += 8
    at.run()
    assert at.error[0].value.startswith("The video stopped 8 s ago")
    assert not at.exception


def test_a_line_across_the_middle_is_counted_until_the_user_draws_one(
        camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    assert any("Counting starts on a line across the middle" in c.value for c in at.caption)
    at = stream(at, frames[:1])  # the first frame: now the frame's size is known
    assert state(at).region is not None and not state(at).region_chosen
    assert state(at).region.points == ((0.0, 180.0), (480.0, 180.0))
    assert any("Counting on a line across the middle (the default" in c.value
               for c in at.caption)
    at = stream(at, frames[1:])
    assert int(cards(at)["In"]) + int(cards(at)["Out"]) > 0  # counted with no region drawn
    at.button(key="live_take_snapshot").click().run()
    at.text_input(key="live_region_480x360_points").set_value("").run()
    at.button(key="live_apply_region").click().run()  # the user wants no counting
    assert state(at).region is None and state(at).region_chosen
    assert any(c.value.startswith("Nothing is counted: no region is applied") for c in at.caption)
    assert cards(at)["In"] == cards(at)["Out"] == "0"


def test_analysed_frames_show_in_the_cards(camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    stream(at, frames[:1])
    at.button(key="live_take_snapshot").click().run()
    at.button(key="live_apply_region").click().run()  # the default line across the middle
    at = stream(at, frames)
    shown = cards(at)
    assert shown["Frames"] == "120" and int(shown["Tracks"]) > 0
    assert int(shown["In"]) + int(shown["Out"]) > 0
    assert any("of video analysed; a frame takes about" in c.value for c in at.caption)


def test_a_snapshot_of_the_live_view_is_where_the_region_is_drawn(
        camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    at.button(key="live_take_snapshot").click().run()
    assert at.error[0].value.startswith("No camera frame yet: press START")

    stream(at, frames[:3])
    at.button(key="live_take_snapshot").click().run()
    assert not at.error
    points = at.text_input(key="live_region_480x360_points")
    assert points.value == "[(0, 180), (480, 180)]"
    points.set_value("[(240, 0), (240, 360)]").run()
    at.button(key="live_apply_region").click().run()
    assert state(at).region.points == ((240.0, 0.0), (240.0, 360.0))
    assert any("Counting on a line through (240, 0), (240, 360)" in c.value
               for c in at.caption)
    assert session(at).snapshot().frames == 0  # a new region starts the counts over


def test_an_invalid_region_cannot_be_applied(camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    stream(at, frames[:1])
    at.button(key="live_take_snapshot").click().run()
    at.text_input(key="live_region_480x360_points").set_value("[(0, 0), (900, 0)]").run()
    assert at.button(key="live_apply_region").disabled
    assert "outside the 480x360 frame" in at.error[0].value


def test_changing_a_setting_starts_the_heat_and_counts_over(camera: CameraStub,
                                                            frames) -> None:
    at = open_live_page(camera)
    stream(at, frames[:21])
    assert cards(at)["Frames"] == "20"
    at.sidebar.selectbox(key="live_colormap").set_value("jet").run()
    assert cards(at)["Frames"] == "0"


def test_reset_zeroes_the_cards(camera: CameraStub, frames) -> None:
    at = open_live_page(camera)
    stream(at, frames[:30])
    at.button(key="live_reset").click().run()
    assert cards(at) == {"In": "0", "Out": "0", "Inside now": "0", "Tracks": "0",
                         "Frames/s": "0.0", "Frames": "0"}


def test_save_before_any_frame_says_there_is_nothing_to_save(camera: CameraStub) -> None:
    at = open_live_page(camera)
    at.button(key="live_save").click().run()
    assert at.error[0].value.startswith("Nothing to save yet")


def test_save_keeps_the_session_as_a_live_run_with_its_downloads(
        camera: CameraStub, frames, tmp_path: Path) -> None:
    at = open_live_page(camera)
    stream(at, frames)
    at.text_input(key="live_run_name").set_value("Pavement webcam").run()
    at.button(key="live_save").click().run()
    assert not at.exception
    assert any("Saved as run **Pavement webcam**" in m.value for m in at.markdown)

    runs = RunStore(None, tmp_path).list()
    assert [(r.name, r.kind, r.source) for r in runs] == [
        ("Pavement webcam", "live", "Webcam (live)")]
    assert runs[0].settings["model"] == "motion"
    labels = {b.label: b.disabled for b in at.get("download_button")}
    assert labels["Heatmap .png"] is False and labels["Events .csv"] is False
    assert labels["Video .mp4"] is True  # a live session keeps no video


def test_ice_servers_from_the_environment_reach_the_stream(
        camera: CameraStub, monkeypatch: pytest.MonkeyPatch) -> None:
    servers = [{"urls": ["stun:stun.example.org:3478"]}]
    monkeypatch.setenv("HEATMAP_ICE_SERVERS", json.dumps(servers))
    at = open_live_page(camera)
    assert camera.calls[-1]["rtc_configuration"] == {"iceServers": servers}
    assert any("stun:stun.example.org:3478" in m.value for m in at.markdown)


def test_a_bad_ice_setting_is_explained_and_localhost_still_works(
        camera: CameraStub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEATMAP_ICE_SERVERS", "stun:stun.example.org")
    at = open_live_page(camera)
    assert camera.calls[-1]["rtc_configuration"] == {"iceServers": []}
    assert at.error[0].value.startswith("The ICE server setting is not valid")
