"""A user's whole path in a real browser: upload real footage, draw a line, run with the
motion detector, read the result, download the summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LINE = "[(0, 200), (480, 200)]"


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`."""
    page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(label, exact=True)).click()
    page.get_by_role("option", name=option, exact=True).click()


def cards(page) -> dict[str, int]:
    """The metric cards, once all four are drawn (the page streams in)."""
    metrics = page.get_by_test_id("stMetric")
    metrics.nth(3).wait_for()
    return {metrics.nth(i).get_by_test_id("stMetricLabel").inner_text().strip():
            int(metrics.nth(i).get_by_test_id("stMetricValue").inner_text())
            for i in range(metrics.count())}


def test_upload_draw_run_and_download(page, vtest: Path, artifacts: Path,
                                      tmp_path: Path) -> None:
    choose(page, "Model", "Motion detector (no weights needed)")
    page.get_by_text("You chose the built-in motion detector").wait_for()

    page.locator("input[type=file]").first.set_input_files(vtest)
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    page.get_by_text("vtest.mp4: 480x360, 10 fps, 795 frames").wait_for()

    # Draw: two clicks on the first frame make a line across it...
    points = page.get_by_role("textbox", name="Points (x, y in frame pixels)")
    frame = page.frame_locator("iframe[title*=streamlit_image_coordinates]").locator("img")
    frame.wait_for()
    size = frame.bounding_box()
    for x in (0.01, 0.99):
        before = points.input_value()
        frame.click(position={"x": size["width"] * x, "y": size["height"] * 0.55})
        page.wait_for_function(
            "([el, old]) => el.value !== old", arg=[points.element_handle(), before])
    clicked = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", points.input_value())]
    assert len(clicked) == 4 and abs(clicked[1] - 198) < 8 and abs(clicked[3] - 198) < 8
    assert clicked[0] < 15 and clicked[2] > 465

    # ...and typed points replace them exactly.
    points.fill(LINE)
    points.press("Enter")
    page.wait_for_function("el => el.value === '" + LINE + "'", arg=points.element_handle())
    page.get_by_role("button", name="Run").click()
    page.get_by_text(re.compile(r"Frame \d+ of 795 · \d+ frames/s")).wait_for()
    page.get_by_role("heading", name="4. Result").wait_for(timeout=180_000)

    counts = cards(page)
    assert set(counts) == {"In", "Out", "Inside now", "Tracks"}
    assert counts["In"] > 0 and counts["Out"] > 0 and counts["Tracks"] > 0

    heatmap = page.get_by_test_id("stMain").get_by_role("img").first
    heatmap.wait_for()
    assert heatmap.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]") == [
        True, 480, 360]
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for()
    assert chart.locator(".scatterlayer .trace").count() == 2  # IN and OUT
    video = page.locator("video").first
    page.wait_for_function("v => v.readyState >= 1", arg=video.element_handle())
    assert abs(video.evaluate("v => v.duration") - 79.5) < 0.5
    assert page.get_by_test_id("stDataFrame").count() == 1

    with page.expect_download() as download:
        page.get_by_role("button", name="Summary .json").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    summary = json.loads(saved.read_text())
    assert saved.name == "summary.json"
    assert {"In": summary["in_count"], "Out": summary["out_count"],
            "Inside now": summary["inside"], "Tracks": summary["total_tracks"]} == counts
    assert summary["model"] == "motion" and summary["region"] == [[0, 200], [480, 200]]
    assert summary["frames"] == 795 and not summary["partial"]

    page.set_viewport_size({"width": 1400, "height": 3000})
    page.wait_for_timeout(1000)
    page.screenshot(path=artifacts / "upload_flow.png")


def test_a_file_that_is_not_a_video_is_a_clear_error(page, tmp_path: Path,
                                                     artifacts: Path) -> None:
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is not a video")
    page.locator("input[type=file]").first.set_input_files(fake)
    error = page.get_by_test_id("stAlertContentError")
    error.wait_for(timeout=30_000)
    assert "holiday.mp4 cannot be analysed" in error.inner_text()
    assert "Upload a video file" in error.inner_text()
    page.screenshot(path=artifacts / "not_a_video.png")
    page.get_by_role("button", name="Try the sample video").click()
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    assert page.get_by_test_id("stAlertContentError").count() == 0


def test_stop_keeps_what_was_done(page, vtest: Path, artifacts: Path) -> None:
    page.get_by_role("button", name="Try the sample video").click()
    page.get_by_text("vtest.mp4: 480x360").wait_for(timeout=60_000)
    page.get_by_role("button", name="Run").click()
    progress = page.get_by_text(re.compile(r"Frame \d+ of 795 · \d+ frames/s · \d+:\d\d left"))
    progress.wait_for(timeout=60_000)  # a new worker process loads the analysis first
    page.get_by_text(re.compile(r"Live: IN \d+ · OUT \d+")).wait_for()  # the latest frame
    page.get_by_role("button", name="Stop").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "running.png")
    page.get_by_role("button", name="Stop").click()
    warning = page.get_by_test_id("stAlertContentWarning")
    warning.wait_for(timeout=60_000)
    assert "Partial result: the analysis was stopped after" in warning.inner_text()
    assert set(cards(page)) == {"In", "Out", "Inside now", "Tracks"}
    page.locator(".js-plotly-plot").first.wait_for()
    page.screenshot(path=artifacts / "stopped.png")


def test_a_reload_mid_run_finds_the_analysis_again(page, vtest: Path, yolo_weights: Path,
                                                   artifacts: Path) -> None:
    # A YOLO model on the CPU (about 10 frames/s): the reload comes long before the end.
    page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_text("Model", exact=True)).click()
    page.keyboard.type("Upload")  # the list is long: filter it
    page.get_by_role("option", name="Upload YOLO weights (.pt)…").click()
    page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(yolo_weights)
    page.get_by_text("You uploaded").wait_for(timeout=60_000)
    page.get_by_role("button", name="Try the sample video").click()
    page.get_by_text("vtest.mp4: 480x360").wait_for(timeout=60_000)
    page.get_by_role("button", name="Run").click()
    frame = re.compile(r"Frame (\d+) of 795")
    page.get_by_text(frame).wait_for(timeout=120_000)
    assert re.search(r"[?&]upload=[0-9a-f]{16}", page.url)  # the address names it
    before = int(frame.search(page.get_by_text(frame).inner_text()).group(1))

    page.reload()  # a new Streamlit session: the analysis runs on, and is found again
    page.get_by_text("vtest.mp4: 480x360").wait_for(timeout=120_000)
    page.get_by_text(frame).wait_for(timeout=120_000)
    after = int(frame.search(page.get_by_text(frame).inner_text()).group(1))
    assert after >= before  # the same analysis, further on (not started again)
    page.screenshot(path=artifacts / "reloaded_mid_run.png")
    page.get_by_role("button", name="Stop").click()
    warning = page.get_by_test_id("stAlertContentWarning")
    warning.wait_for(timeout=60_000)
    assert "Partial result: the analysis was stopped after" in warning.inner_text()
    assert "upload=" not in page.url  # collected: the address forgets it
