"""Saved runs in a real browser: an analysis is saved as a run, its link opens the same
dashboard in a brand-new browser context, the Saved runs page lists, renames and
deletes it, and two runs open side by side."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import link_shown
from tests.browser.test_upload_flow import LINE, cards, choose

pytestmark = pytest.mark.browser

RUN_LINK = re.compile(r"http://127\.0\.0\.1:\d+/\?run=[A-Za-z0-9_-]{22}")


def analyse_vtest(page, vtest: Path) -> None:
    """Upload vtest with the motion detector and the typed line; wait for the result."""
    choose(page, "Model", "Motion detector (no weights needed)")
    page.get_by_text("You chose the built-in motion detector").wait_for()  # rerun done
    page.locator("input[type=file]").first.set_input_files(vtest)
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    points = page.get_by_role("textbox", name="Points (x, y in frame pixels)")
    points.fill(LINE)
    points.press("Enter")
    page.wait_for_function("el => el.value === '" + LINE + "'", arg=points.element_handle())
    page.get_by_role("button", name="Run").click()
    page.get_by_role("heading", name="4. Result").wait_for(timeout=180_000)


def saved_link(page) -> str:
    """The link of the run the result was saved as (the notice's link box)."""
    notice = page.locator(".st-key-upload_run_saved")
    notice.wait_for()
    link = link_shown(notice)
    assert RUN_LINK.fullmatch(link), link
    return link


def open_in_new_context(browser, url: str):
    """A page in a brand-new browser context: no cookies, no Streamlit session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def row(page, run_id: str):
    return page.locator(f".st-key-runs_row_{run_id}")


def test_a_run_link_opens_the_same_dashboard_anywhere_then_rename_and_delete(
        page, browser, vtest: Path, artifacts: Path) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    analyse_vtest(page, vtest)
    counts = cards(page)
    notice = page.locator(".st-key-upload_run_saved")
    assert "Saved as run vtest.mp4." in notice.inner_text()
    link = saved_link(page)
    run_id = link.rsplit("=", 1)[1]

    # "Copy link" puts the link on the clipboard.
    copy_button = page.frame_locator("iframe[srcdoc*='Copy link']")
    copy_button.get_by_role("button", name="Copy link").click()
    copy_button.get_by_role("button", name="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == link
    notice.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "runs_saved_notice.png")

    # A brand-new browser context shows the same numbers from the link alone.
    other = open_in_new_context(browser, link)
    try:
        assert cards(other) == counts and counts["In"] > 0
        other.get_by_role("heading", name="vtest.mp4").wait_for()
        # Queried afresh each time: the page may redraw an element while it streams in.
        assert other.wait_for_function(
            """() => { const img = document.querySelector("[data-testid=stMain] img");
                       return img && img.complete && img.naturalWidth > 0
                              && [img.naturalWidth, img.naturalHeight]; }""").json_value() == [
            480, 360]
        other.locator(".js-plotly-plot").first.wait_for()
        duration = other.wait_for_function(
            """() => { const v = document.querySelector("video");
                       return v && v.readyState >= 1 && v.duration; }""").json_value()
        assert abs(duration - 79.5) < 0.5
        assert link_shown(other) == link
        other.set_viewport_size({"width": 1400, "height": 2600})
        other.wait_for_timeout(1000)
        other.screenshot(path=artifacts / "runs_dashboard_new_context.png")

        # The Saved runs page lists it, with its numbers, and renames it.
        other.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Saved runs").click()
        other.get_by_role("heading", name="Saved runs").wait_for()
        mine = row(other, run_id)
        mine.get_by_role("link", name="vtest.mp4").wait_for()
        for text in (f"In {counts['In']} · Out {counts['Out']}", f"Tracks {counts['Tracks']}",
                     "Uploaded video · vtest.mp4", "Complete"):
            mine.get_by_text(text).wait_for()  # the row streams in
        other.set_viewport_size({"width": 1400, "height": 1000})
        other.screenshot(path=artifacts / "runs_list.png")

        mine.get_by_role("button", name="Rename").click()
        box = other.get_by_role("textbox", name="New name")
        box.fill("Pedestrian crossing, Monday")
        other.get_by_role("button", name="Save name").click()
        other.get_by_text("Renamed to Pedestrian crossing, Monday.").wait_for()
        row(other, run_id).get_by_role("link", name="Pedestrian crossing, Monday").wait_for()
        other.get_by_role("textbox", name="Name contains").fill("crossing, mon")
        other.get_by_role("textbox", name="Name contains").press("Enter")
        other.get_by_text("1 run, newest first.").wait_for()
        other.wait_for_timeout(1000)  # let the redraw settle before the picture
        other.screenshot(path=artifacts / "runs_renamed.png")
    finally:
        other.context.close()

    # The original tab's link now shows the new name.
    page.goto(link)
    page.get_by_role("heading", name="Pedestrian crossing, Monday").wait_for(timeout=60_000)
    assert cards(page) == counts

    # Delete asks first; then the link is dead, with the way back to the list.
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Saved runs").click()
    row(page, run_id).get_by_role("button", name="Delete").click()
    page.get_by_text("Delete Pedestrian crossing, Monday? Its dashboard and link stop "
                     "working.").wait_for()
    page.screenshot(path=artifacts / "runs_delete_confirm.png")
    page.get_by_role("button", name="Delete for good").click()
    page.get_by_text("Deleted Pedestrian crossing, Monday.").wait_for()
    row(page, run_id).wait_for(state="detached")  # the list redraws without it

    gone = open_in_new_context(browser, link)
    try:
        gone.get_by_text("This run does not exist or was deleted.").wait_for()
        assert gone.get_by_test_id("stMetric").count() == 0
        gone.screenshot(path=artifacts / "runs_link_deleted.png")
        gone.get_by_test_id("stMain").get_by_role("link", name="All saved runs").click()
        gone.get_by_role("heading", name="Saved runs").wait_for()
    finally:
        gone.context.close()


def test_a_stopped_run_is_marked_partial_and_two_runs_compare_side_by_side(
        page, vtest: Path, artifacts: Path) -> None:
    analyse_vtest(page, vtest)
    complete_id = saved_link(page).rsplit("=", 1)[1]
    page.get_by_role("button", name="Run").click()
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Partial result: the analysis was stopped").wait_for(timeout=60_000)
    partial_link = saved_link(page)
    partial_id = partial_link.rsplit("=", 1)[1]
    assert partial_id != complete_id
    assert "(partial)" in page.locator(".st-key-upload_run_saved").inner_text()

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Saved runs").click()
    row(page, partial_id).get_by_text("Partial: was stopped").wait_for()
    row(page, complete_id).get_by_text("Complete").wait_for()
    for run_id in (complete_id, partial_id):
        row(page, run_id).get_by_text("Compare", exact=True).click()
    page.get_by_role("button", name="Compare the two ticked").click()
    page.get_by_role("heading", name="Compare two runs").wait_for()
    assert page.url.endswith(f"/compare?a={partial_id}&b={complete_id}")
    charts = page.locator(".js-plotly-plot")
    charts.nth(1).wait_for()
    assert charts.nth(0).locator(".heatmaplayer image, .heatmaplayer").count() >= 1
    assert charts.nth(1).locator(".scatterlayer .trace").count() == 4  # IN, OUT of each
    assert page.get_by_test_id("stMetric").count() == 8
    page.set_viewport_size({"width": 1400, "height": 2200})
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts / "runs_compare.png")
