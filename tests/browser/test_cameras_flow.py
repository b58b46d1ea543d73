"""A camera added from the Cameras page runs on the server: its row says running, and
its dashboard, opened from its link in another browser, shows the live view and counts
that move. A real RTSP server streams a rendered street; a real local Ray runs the
camera's worker inside the app's server. A stopped camera's dashboard shows its period
controls whole, in a wide window and on a phone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from run_store import CameraStore, Flush, IntervalCount
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

        # Another browser opens the camera's link: live view, then counts that move.
        viewer_context, viewer = open_app(browser, camera_url, 60_000, heading="Street")
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

        # Stopped from the list, the open dashboard says so and looks again every 5 s
        # only; started again, it notices and shows the live view again.
        row.get_by_role("button", name="Stop").click()
        viewer.get_by_text("No live view: the camera is not running (looked at again "
                           "every 5 s).").wait_for(timeout=30_000)
        viewer.get_by_test_id("stAlertContentInfo").get_by_text(
            re.compile(r"^Stopped")).wait_for()
        row.get_by_role("button", name="Start").click()
        viewer.get_by_test_id("stImage").filter(
            has_text="Live view, about once a second").locator("img").wait_for(
            timeout=120_000)
        viewer.get_by_test_id("stAlertContentSuccess").get_by_text(
            re.compile(r"Running \(\d")).wait_for()
        viewer_context.close()
        context.close()


# Each option of the Period control and (once days are `typed`) each part of the Days
# field that sticks out of its box: both scroll sideways when too narrow, hiding what
# is past their edge.
CUT_CONTROLS = """typed => {
    const out = [];
    const within = (el, box, name) => {
        const r = el.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > innerWidth + 1)
            out.push(`${name} spans ${r.left}..${r.right} of ${box.left}..${box.right}`);
    };
    const group = document.querySelector("[data-testid=stButtonGroup]");
    if (!group) return ["no Period control"];
    for (const option of group.querySelectorAll("button"))
        within(option, group.getBoundingClientRect(), option.innerText.trim());
    const field = document.querySelector("[data-testid=stDateInputField]");
    if (!typed) return out;
    if (!field) return [...out, "no Days field"];
    for (const part of field.querySelectorAll("[role=spinbutton]"))
        within(part, field.getBoundingClientRect(), `day part ${part.innerText}`);
    return out;
}"""


def test_a_cameras_period_controls_show_whole_wide_and_on_a_phone(
        browser, tmp_path: Path, artifacts: Path) -> None:
    store = CameraStore(None, tmp_path / "data")
    camera = store.add("Porch", "rtsp://127.0.0.1/cam", {})
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    store.record(camera.id, Flush(intervals=(
        IntervalCount(now - timedelta(minutes=1), 60.0, "door", "*", 3, 1, 2, 1.0),),
        counted_until=now))
    store.close()
    today = now.date()
    with serve_app(tmp_path / "data") as url:
        for name, viewport, phone in (("wide", {"width": 1400, "height": 900}, False),
                                      ("phone", {"width": 390, "height": 844}, True)):
            context = browser.new_context(viewport=viewport, is_mobile=phone,
                                          has_touch=phone)
            page = context.new_page()
            page.set_default_timeout(60_000)
            try:
                page.goto(f"{url}/?camera={camera.id}")
                page.get_by_role("heading", name="Porch").wait_for(timeout=90_000)
                page.get_by_test_id("stMetric").nth(7).wait_for()
                page.get_by_role("radio", name="Chosen days").wait_for()
                assert page.evaluate(CUT_CONTROLS, False) == []  # Chosen days whole
                page.get_by_role("radio", name="Chosen days").click()
                page.get_by_text("Pick the first and the last day.").wait_for()
                page.wait_for_function("() => !document.querySelector("
                                       "'[data-testid=stDateInputField][data-disabled=true]')")
                segments = page.get_by_test_id("stDateInput").locator("[role=spinbutton]")
                segments.nth(0).click()
                page.keyboard.type((today - timedelta(days=1)).strftime("%Y%m%d"))
                segments.nth(3).click()
                page.keyboard.type(today.strftime("%Y%m%d"))
                page.keyboard.press("Escape")
                page.get_by_test_id("stMetric").nth(7).wait_for()
                assert page.get_by_text("Pick the first and the last day.").count() == 0
                assert page.evaluate(CUT_CONTROLS, True) == []  # and both days
                page.get_by_role("heading", name="Over time").scroll_into_view_if_needed()
                page.screenshot(path=artifacts / f"camera_period_{name}.png")
            finally:
                context.close()
