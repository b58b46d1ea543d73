"""A camera added from the Cameras page runs on the server: its row says running, and
its dashboard, opened from its link in another browser, shows the live view and counts
that move. A real RTSP server streams a rendered street; a real local Ray runs the
camera's worker inside the app's server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import open_app, serve_app
from tests.camera_tier import crossing_scene
from tests.rtsp_camera import require_gstreamer, require_ray, rtsp_camera

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_camera_added_in_the_browser_runs_and_its_dashboard_counts(
        browser, tmp_path: Path, artifacts: Path) -> None:
    require_gstreamer()
    require_ray()
    video = crossing_scene().write(tmp_path / "camera-street.mp4")
    with rtsp_camera(video, user="viewer:s3cret") as camera, serve_app(
            tmp_path, HEATMAP_CAMERA_INTERVAL_S="2", HEATMAP_RAY_CPUS="2") as url:
        context, page = open_app(browser, f"{url}/cameras", 60_000, heading="Cameras")
        page.get_by_text("No camera yet").wait_for()
        page.get_by_role("textbox", name="Name").fill("Street")
        page.get_by_role("textbox", name="Stream address").fill(camera.url())
        page.get_by_role("button", name="Take a snapshot from the stream").click()
        page.get_by_role("heading", name="Add a camera").wait_for()
        points = page.get_by_role("textbox", name="Points (x, y in frame pixels)")
        points.wait_for(timeout=30_000)
        assert points.input_value() == "[(0, 120), (320, 120)]"  # the default line
        page.get_by_role("button", name="Add and start").click()
        page.get_by_text("Added Street").wait_for(timeout=30_000)
        row = page.locator("[class*='st-key-cameras_row_']").first
        # The list refreshes itself: the camera connects, then runs.
        row.get_by_text(re.compile(r"running \(\d+(\.\d+)? frames/s\)")).wait_for(
            timeout=120_000)
        html = page.content()
        assert "s3cret" not in html  # the password never reaches the page
        link = row.get_by_role("link", name="Street")
        camera_url = url + "/?" + link.get_attribute("href").split("?", 1)[1]  # its share link
        page.screenshot(path=artifacts / "cameras_list.png", full_page=True)
        context.close()

        # Another browser opens the camera's link: live view, then counts that move.
        context, viewer = open_app(browser, camera_url, 60_000, heading="Street")
        viewer.get_by_test_id("stAlertContentSuccess").get_by_text(
            re.compile(r"Running \(\d")).wait_for(timeout=120_000)
        viewer.get_by_test_id("stImage").filter(
            has_text="Live view, about once a second").locator("img").wait_for(timeout=30_000)

        viewer.wait_for_function(  # In + Out, stored every 2 s, grow above zero
            """() => {
                const v = [...document.querySelectorAll('[data-testid=stMetricValue]')]
                    .map(e => parseInt(e.innerText));
                return v.length >= 2 && v[0] + v[1] > 0;
            }""", timeout=90_000)
        assert "s3cret" not in viewer.content()
        viewer.screenshot(path=artifacts / "camera_dashboard.png", full_page=True)
        context.close()
