"""Many users at once and users who leave: nothing mixed, nothing lost, nothing left.

Each test drives the real server in real browser contexts (one context = one user)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from heatmap_core import Heatmap, Mover, Scene, analyse_video
from run_store import RunStore
from tests.browser.conftest import open_app, serve_app
from tests.browser.test_upload_flow import cards, choose

pytestmark = pytest.mark.browser

VTEST_LINE = "[(0, 200), (480, 200)]"
STREET_LINE = "[(0, 120), (320, 120)]"


def street_video(folder: Path) -> Path:
    """Eight people crossing a 320x240 street both ways, 12 s at 10 fps."""
    movers = tuple(Mover(((20 + 38 * i, -30 if i % 2 else 270),
                          (20 + 38 * i, 270 if i % 2 else -30)),
                         start_frame=5 + 8 * i, frames_per_leg=40,
                         color=(40 + 25 * i, 60, 220 - 20 * i)) for i in range(8))
    return Scene(movers=movers, frames=120).write(folder / "street.mp4")


def prepare(page, video: Path, line: str) -> None:
    """Motion detector, the video, a typed line: ready to press Run."""
    choose(page, "Model", "Motion detector (no weights needed)")
    page.get_by_text("You chose the built-in motion detector").wait_for()
    page.locator("input[type=file]").first.set_input_files(video)
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    points = page.get_by_role("textbox", name="Points (x, y in frame pixels)")
    points.fill(line)
    points.press("Enter")
    page.wait_for_function("([el, v]) => el.value === v", arg=[points.element_handle(), line])


def download(page, button: str, folder: Path) -> Path:
    with page.expect_download() as file:
        page.get_by_role("button", name=button).click()
    path = folder / file.value.suggested_filename
    file.value.save_as(path)
    return path


def alone(video: Path, line: str, folder: Path) -> tuple[dict, np.ndarray]:
    """What the core gives for this video and line, with nobody else around."""
    heatmap = Heatmap(model="motion", region=line, verbose=False)
    summary = analyse_video(video, heatmap, folder)
    return summary.to_dict(), np.load(folder / "heatmap.npy")


def test_two_users_at_once_each_get_exactly_what_they_get_alone(
        browser, app_url: str, vtest: Path, tmp_path: Path, artifacts: Path) -> None:
    street = street_video(tmp_path)
    users = [(vtest, VTEST_LINE), (street, STREET_LINE)]
    sessions = [open_app(browser, app_url, 60_000) for _ in users]
    for (_, page), (video, line) in zip(sessions, users, strict=True):
        prepare(page, video, line)
    for _, page in sessions:  # both analyses run at the same time
        page.get_by_role("button", name="Run").click()
    for _, page in sessions:
        page.get_by_text(re.compile(r"Frame \d+ of \d+")).wait_for()
    for index, ((context, page), (video, line)) in enumerate(zip(sessions, users, strict=True)):
        page.get_by_role("heading", name="4. Result").wait_for(timeout=300_000)
        shown = cards(page)
        got = tmp_path / f"user{index}"
        got.mkdir()
        summary = json.loads(download(page, "Summary .json", got).read_text())
        heat = np.load(download(page, "Raw heat .npy", got))
        expected, expected_heat = alone(video, line, tmp_path / f"alone{index}")
        keys = ("in_count", "out_count", "total_tracks", "frames", "classwise_count")
        assert {k: summary[k] for k in keys} == {k: expected[k] for k in keys}
        assert shown["In"] == expected["in_count"] and shown["Tracks"] == expected["total_tracks"]
        assert np.array_equal(heat, expected_heat)
        page.screenshot(path=artifacts / f"reliability_user{index}.png")
        context.close()


def test_an_upload_beyond_the_size_limit_is_refused_with_the_limit_stated(
        browser, vtest: Path, tmp_path: Path, artifacts: Path) -> None:
    with serve_app(tmp_path, STREAMLIT_SERVER_MAX_UPLOAD_SIZE="1") as url:
        context, page = open_app(browser, url, 60_000)
        page.get_by_text("up to 1 MB").first.wait_for()
        page.locator("input[type=file]").first.set_input_files(vtest)  # 3.6 MB
        page.get_by_text(re.compile(r"File must be 1(\.0)? ?MB or smaller")).wait_for()
        page.screenshot(path=artifacts / "reliability_too_big.png")
        assert page.get_by_role("heading", name="2. Counting region").count() == 0
        context.close()


def test_a_closed_tab_stops_its_analysis_keeps_it_as_partial_and_leaves_no_files(
        browser, vtest: Path, yolo_weights: Path, tmp_path: Path) -> None:
    with serve_app(tmp_path, STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL="1",
                   HEATMAP_ABANDON_S="1") as url:
        context, page = open_app(browser, url, 60_000)
        # A YOLO model on the CPU (about 10 frames/s): the tab closes long before the end.
        page.get_by_test_id("stSelectbox").filter(
            has=page.get_by_text("Model", exact=True)).click()
        page.keyboard.type("Upload")  # the list is long: filter it
        page.get_by_role("option", name="Upload YOLO weights (.pt)…").click()
        page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(
            yolo_weights)
        page.get_by_text("You uploaded").wait_for(timeout=60_000)
        page.locator("input[type=file]").last.set_input_files(vtest)
        page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
        page.get_by_role("button", name="Run").click()
        page.get_by_text(re.compile(r"Frame \d+ of 795")).wait_for()
        assert list((tmp_path / "sessions").iterdir())  # the upload and the results
        context.close()  # the user closes the tab mid-run

        store = RunStore(None, tmp_path)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
                store.list() and not list((tmp_path / "sessions").iterdir())):
            time.sleep(0.5)
        runs = store.list()
        assert len(runs) == 1, (runs, (tmp_path / "streamlit.log").read_text()[-3000:])
        (run,) = runs
        assert run.partial and 0 < run.summary["frames"] < 795
        assert run.summary["stop_reason"] == "stopped"
        assert list((tmp_path / "sessions").iterdir()) == []
        store.close()
