"""The live page in a real browser with a fake webcam that plays real footage: start the
camera, draw a line on a snapshot, see frames analysed, counts and the chart, save the
session as a run, stop, and reset to zeros."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import pytest

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.browser

CAMERA_FRAMES = 300  # 30 s of vtest at 10 fps; Chromium loops the file


@pytest.fixture(scope="module")
def camera_y4m(vtest: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """vtest.mp4 as the raw YUV file Chromium's fake camera plays."""
    path = tmp_path_factory.mktemp("camera") / "vtest.y4m"
    video = cv2.VideoCapture(str(vtest))
    with open(path, "wb") as out:
        out.write(b"YUV4MPEG2 W480 H360 F10:1 Ip A1:1 C420\n")
        for _ in range(CAMERA_FRAMES):
            ok, frame = video.read()
            assert ok, "vtest.mp4 has fewer frames than the camera needs"
            out.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
    video.release()
    return path


def launch(browser, *camera_args: str):
    """Another Chromium with these camera flags, from the suite's one Playwright (a
    second `sync_playwright()` cannot run beside it)."""
    return browser.browser_type.launch(executable_path=str(CHROMIUM),
                                       args=[*LAUNCH_ARGS, *camera_args])


@pytest.fixture(scope="module")
def camera_browser(browser, camera_y4m: Path):
    camera_browser = launch(browser, "--use-fake-ui-for-media-stream",
                            "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={camera_y4m}")
    yield camera_browser
    camera_browser.close()


@pytest.fixture
def live_page(camera_browser, app_url: str) -> Iterator:
    context = camera_browser.new_context(viewport={"width": 1400, "height": 2400},
                                         permissions=["camera"], accept_downloads=True)
    yield open_live_page(context, app_url)
    context.close()


def open_live_page(context, app_url: str):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)  # as a user would: the app, then its Live webcam page
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Live webcam").click()
    page.get_by_role("heading", name="Live webcam").wait_for(timeout=90_000)
    return page


def cards(page) -> dict[str, float]:
    """The live cards, by label."""
    metrics = page.locator(".st-key-live_panel").get_by_test_id("stMetric")
    metrics.nth(5).wait_for()
    return {metrics.nth(i).get_by_test_id("stMetricLabel").inner_text().strip():
            float(metrics.nth(i).get_by_test_id("stMetricValue").inner_text())
            for i in range(metrics.count())}


def wait_for_cards(page, condition, timeout_s: float) -> dict[str, float]:
    """Poll the cards (they refresh every second) until `condition` holds."""
    deadline = time.monotonic() + timeout_s
    while True:
        values = cards(page)
        if condition(values) or time.monotonic() > deadline:
            return values
        page.wait_for_timeout(1000)


def choose(page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(label, exact=True)).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_live_webcam_is_analysed_counted_saved_stopped_and_reset(
        live_page, artifacts: Path) -> None:
    page = live_page
    choose(page, "Model", "Motion detector (no weights needed)")
    page.get_by_text("You chose the built-in motion detector").wait_for()
    page.get_by_text("Press START under the video box").wait_for()

    camera = page.frame_locator("iframe[title*=webrtc]")
    camera.get_by_role("button", name=re.compile("start", re.I)).click()
    wait_for_cards(page, lambda c: c["Frames"] > 0, timeout_s=60)
    video = camera.locator("video")
    page.wait_for_function("v => v.videoWidth > 0 && !v.paused", arg=video.element_handle())
    assert video.evaluate("v => [v.videoWidth, v.videoHeight]") == [480, 360]

    # A line across the middle of a snapshot of the live view.
    page.get_by_role("button", name="Take snapshot").click()
    points = page.get_by_role("textbox", name="Points (x, y in frame pixels)")
    points.wait_for()
    assert points.input_value() == "[(0, 180), (480, 180)]"
    page.get_by_role("button", name="Apply region").click()
    page.get_by_text("Counting on a line through (0, 180), (480, 180)").wait_for()

    live = wait_for_cards(page, lambda c: c["In"] + c["Out"] >= 2, timeout_s=120)
    page.screenshot(path=artifacts / "live-streaming.png", full_page=True)
    assert live["In"] + live["Out"] >= 2, live
    assert live["Tracks"] > 0 and live["Frames/s"] > 0, live
    chart = page.locator(".js-plotly-plot").first
    assert chart.locator(".scatterlayer .trace").count() == 2  # IN and OUT
    assert live["Frames"] > 20, live
    page.get_by_text(re.compile(r"a frame takes about \d+ ms here")).wait_for()

    page.get_by_role("textbox", name="Run name").fill("Pavement webcam")
    page.get_by_role("button", name="Save as a run").click()
    page.get_by_text("Saved as run").wait_for()
    page.get_by_text("Pavement webcam").first.wait_for()
    heatmap_download = page.get_by_role("button", name="Heatmap .png")
    assert heatmap_download.is_enabled()
    with page.expect_download() as download:
        page.get_by_role("button", name="Events .csv").click()
    events = Path(download.value.path()).read_text().splitlines()
    assert events[0] == "frame,time_s,track_id,class,direction,region"
    assert len(events) - 1 >= 2
    link = page.get_by_text(re.compile(r"/\?run=[\w-]+")).first.inner_text().strip()
    shared = page.context.new_page()  # the run's link, as someone else would open it
    shared.goto(link)
    shared.get_by_role("heading", name="Pavement webcam").wait_for(timeout=60_000)
    shared.get_by_test_id("stMetric").first.wait_for()
    shared.screenshot(path=artifacts / "live-saved-run.png", full_page=True)
    shared.close()

    camera.get_by_role("button", name=re.compile("stop", re.I)).click()
    page.get_by_text("The camera is off").wait_for()
    page.get_by_role("button", name="Reset", exact=True).click()
    zero = wait_for_cards(page, lambda c: not any(c.values()), timeout_s=10)
    page.get_by_text("Nothing counted yet").wait_for()
    page.wait_for_function(  # one chart, once the page's rerun has replaced the old one
        "() => document.querySelectorAll('.st-key-live_panel .js-plotly-plot').length === 1",
        timeout=10_000)
    page.screenshot(path=artifacts / "live-reset.png", full_page=True)
    assert zero == {"In": 0, "Out": 0, "Inside now": 0, "Tracks": 0, "Frames/s": 0,
                    "Frames": 0}


@pytest.mark.parametrize(("name", "camera_args", "permissions", "browser_error"), [
    pytest.param("denied", ["--use-fake-device-for-media-stream"], [], "NotAllowedError",
                 id="the user denies the camera"),
    pytest.param("missing", [], ["camera"], "NotFoundError", id="there is no camera"),
])
def test_a_camera_that_cannot_be_opened_is_explained_and_the_app_keeps_working(
        browser, app_url: str, artifacts: Path, name: str, camera_args: list[str],
        permissions: list[str], browser_error: str) -> None:
    no_camera_browser = launch(browser, *camera_args)
    try:
        context = no_camera_browser.new_context(viewport={"width": 1400, "height": 1200},
                                                permissions=permissions)
        page = open_live_page(context, app_url)
        camera = page.frame_locator("iframe[title*=webrtc]")
        camera.get_by_role("button", name=re.compile("start", re.I)).click()
        camera.get_by_text(browser_error).wait_for()  # the video box's own message
        help_box = page.get_by_test_id("stAlertContentInfo").filter(has_text=browser_error)
        help_box.wait_for()  # ...and what it means, on the page
        page.screenshot(path=artifacts / f"live-camera-{name}.png")

        page.get_by_role("button", name="Reset", exact=True).click()
        page.get_by_role("button", name="Take snapshot").click()
        page.get_by_text("No camera frame yet: press START").wait_for()
        assert page.get_by_test_id("stException").count() == 0
        assert cards(page)["Frames"] == 0
    finally:
        no_camera_browser.close()
