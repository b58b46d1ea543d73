"""What a new user ran into (issue 15), checked as they see it in a real browser: an
analysis survives a visit to another page, an unfinished region says what is missing,
the result is brought into view, Open opens the run, and a phone shows whole cards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from run_store import RunStore
from tests.browser.conftest import serve_app
from tests.browser.test_upload_flow import LINE, cards, choose
from tests.saved_runs import SETTINGS, analysed, street_video

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Whether the element is wholly inside the window: what a user sees without scrolling.
IN_VIEW = """el => { const r = el.getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()


def points_box(page):
    return page.get_by_role("textbox", name="Points (x, y in frame pixels)")


def type_points(page, text: str) -> None:
    box = points_box(page)
    box.fill(text)
    box.press("Enter")
    page.wait_for_function("([el, v]) => el.value === v", arg=[box.element_handle(), text])


def test_an_analysis_and_its_result_survive_visits_to_saved_runs(
        page, vtest: Path, yolo_weights: Path, artifacts: Path) -> None:
    # A YOLO model on the CPU (a few frames/s): the run lasts long enough to leave it.
    page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_text("Model", exact=True)).click()
    page.keyboard.type("Upload")
    page.get_by_role("option", name="Upload YOLO weights (.pt)…").click()
    page.get_by_test_id("stSidebar").locator("input[type=file]").set_input_files(yolo_weights)
    page.get_by_text("You uploaded").wait_for(timeout=60_000)
    stride = page.get_by_role("spinbutton", name="Faster: analyse every n-th frame")
    stride.fill("8")  # 100 of the 795 frames: a few frames a second, not minutes
    stride.press("Enter")
    page.locator("input[type=file]").last.set_input_files(vtest)
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    type_points(page, LINE)
    page.get_by_role("button", name="Run").click()
    page.get_by_text(re.compile(r"Frame \d+ of 795")).wait_for()

    nav(page, "Saved runs")
    note = page.get_by_text("Your analysis of vtest.mp4 is running")
    note.wait_for()
    page.screenshot(path=artifacts / "first_use_running_elsewhere.png")
    page.get_by_test_id("stMain").get_by_role("link", name="Back to the analysis").click()

    # The video and its region are still there, the run goes on and its result arrives.
    page.get_by_role("heading", name="2. Counting region").wait_for()
    page.get_by_text("vtest.mp4: 480x360, 10 fps, 795 frames").wait_for()
    page.get_by_text("The region is fixed while the analysis runs.").wait_for()
    page.get_by_role("heading", name="4. Result").wait_for(timeout=300_000)
    counts = cards(page)
    assert points_box(page).input_value() == LINE

    nav(page, "Saved runs")
    page.get_by_role("heading", name="Saved runs").wait_for()
    page.get_by_text("Your analysis of vtest.mp4 is running").wait_for(state="detached")
    nav(page, "Analyse a video")
    page.get_by_role("heading", name="4. Result").wait_for()
    assert cards(page) == counts
    assert "Saved as run vtest.mp4." in page.locator(".st-key-upload_run_saved").inner_text()
    page.get_by_text("vtest.mp4: 480x360, 10 fps, 795 frames").wait_for()


def test_one_typed_point_says_what_is_missing_and_run_waits(page, artifacts: Path) -> None:
    page.get_by_role("button", name="Try the sample video").click()
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    run = page.get_by_role("button", name="Run")
    assert run.is_enabled()  # the default line across the middle

    type_points(page, "[(40, 100)]")
    page.get_by_text("Click a second point to finish the line.").wait_for()
    assert run.is_disabled()
    page.get_by_text("To run, finish the region (or press Clear to count nothing).").wait_for()

    page.get_by_test_id("stRadio").get_by_text("Zone", exact=True).click()
    page.get_by_text("Click two more points to make a zone.").wait_for()
    assert page.get_by_text("Click a second point to finish the line.").count() == 0
    assert run.is_disabled()
    page.screenshot(path=artifacts / "first_use_one_point.png")


def test_the_result_comes_into_view_and_open_shows_its_dashboard(
        page, vtest: Path, artifacts: Path) -> None:
    choose(page, "Model", "Motion detector (no weights needed)")
    page.get_by_text("You chose the built-in motion detector").wait_for()
    page.locator("input[type=file]").first.set_input_files(vtest)
    page.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    type_points(page, LINE)
    page.get_by_role("button", name="Run").click()
    title = page.get_by_role("heading", name="Video heatmap")
    title.scroll_into_view_if_needed()  # the user reads the top of the page meanwhile
    result = page.get_by_role("heading", name="4. Result")
    result.wait_for(timeout=180_000)

    # The app scrolls, not the test: the heading ends up in the window, the top leaves it.
    page.wait_for_function(IN_VIEW, arg=result.element_handle(), timeout=15_000)
    assert not title.evaluate(IN_VIEW)
    page.screenshot(path=artifacts / "first_use_result_in_view.png")

    counts = cards(page)
    notice = page.locator(".st-key-upload_run_saved")
    open_button = notice.get_by_role("button", name="Open")
    assert open_button.evaluate("el => el.tagName") == "BUTTON"
    open_button.click()
    page.wait_for_url(re.compile(r"/(run)?\?run=[A-Za-z0-9_-]{22}$"))
    page.get_by_role("heading", name="vtest.mp4").wait_for()
    assert cards(page) == counts


def overflowing(page) -> list[str]:
    """What sticks out of the window sideways or is cut inside its box: the page's
    scroll width, each card's box, each card label's text."""
    return page.evaluate("""() => {
        const out = [];
        const width = window.innerWidth;
        const main = document.querySelector("[data-testid=stMain]");
        for (const el of [document.scrollingElement, main]) {
            if (el && el.scrollWidth > el.clientWidth + 1)
                out.push(`${el.tagName} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
        }
        for (const card of document.querySelectorAll("[data-testid=stMetric]")) {
            const r = card.getBoundingClientRect();
            const label = card.querySelector("[data-testid=stMetricLabel]");
            const name = label ? label.innerText.trim() : "?";
            if (r.left < -1 || r.right > width + 1)
                out.push(`card ${name} spans ${r.left}..${r.right} of ${width}`);
            for (const el of label ? [label, ...label.querySelectorAll("*")] : [])
                if (el.scrollWidth > el.clientWidth + 1)
                    out.push(`label ${name} is cut: ${el.scrollWidth} > ${el.clientWidth}`);
        }
        return out;
    }""")


def card_rows(page) -> list[list[str]]:
    """The cards' labels, row by row as they are laid out."""
    boxes = page.evaluate("""() => [...document.querySelectorAll("[data-testid=stMetric]")]
        .map(card => [Math.round(card.getBoundingClientRect().top),
                      card.querySelector("[data-testid=stMetricLabel]").innerText.trim()])""")
    rows: dict[int, list[str]] = {}
    for top, label in boxes:
        rows.setdefault(top, []).append(label)
    return [rows[top] for top in sorted(rows)]


def tall_screenshot(page, path: Path) -> None:
    """The whole page at the phone's width (Streamlit scrolls inside the page, so a
    full-page screenshot would show one screen): a taller window, then back."""
    page.set_viewport_size({"width": PHONE["width"], "height": 3000})
    page.wait_for_timeout(1000)  # let the redraw settle before the picture
    page.screenshot(path=path)
    page.set_viewport_size(PHONE)


def test_a_phone_shows_whole_cards_on_every_page(browser, tmp_path: Path,
                                                 artifacts: Path) -> None:
    store = RunStore(None, tmp_path / "data")
    video = street_video(tmp_path)
    first = store.save_run(analysed(video, tmp_path / "a"), name="Street, morning",
                           settings=SETTINGS)
    second = store.save_run(analysed(video, tmp_path / "b", stop_after=20),
                            name="Street, evening", settings=SETTINGS)
    store.close()
    with serve_app(tmp_path / "data") as url:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(url)
            page.get_by_role("heading", name="Video heatmap").wait_for(timeout=90_000)
            page.get_by_role("button", name="Try the sample video").click()
            page.get_by_role("heading", name="2. Counting region").wait_for()
            page.get_by_role("button", name="Run").wait_for()
            assert overflowing(page) == []
            tall_screenshot(page, artifacts / "phone_upload.png")

            page.goto(f"{url}/?run={first.id}")
            page.get_by_role("heading", name="Street, morning").wait_for(timeout=90_000)
            page.get_by_test_id("stMetric").nth(3).wait_for()
            page.locator("[data-testid=stMain] img").first.wait_for()
            assert overflowing(page) == []
            assert [label for row in card_rows(page) for label in row] == [
                "In", "Out", "Inside now", "Tracks"]
            tall_screenshot(page, artifacts / "phone_run.png")

            page.goto(f"{url}/compare?a={first.id}&b={second.id}")
            page.get_by_role("heading", name="Compare two runs").wait_for(timeout=90_000)
            page.get_by_test_id("stMetric").nth(7).wait_for()
            page.locator(".js-plotly-plot").first.wait_for()
            assert overflowing(page) == []
            rows = card_rows(page)
            assert all(len(row) <= 2 for row in rows), rows
            assert sum(row.count("Inside now") for row in rows) == 2
            tall_screenshot(page, artifacts / "phone_compare.png")
        finally:
            context.close()


# Boxes of each drawn Plotly chart's toolbar, legend and title, in window pixels.
CHART_BOXES = """() => [...document.querySelectorAll(".js-plotly-plot")]
    .filter(plot => plot.getBoundingClientRect().height > 0)
    .map(plot => Object.fromEntries(["title", "modebar", "legend", "gtitle"].map(part => {
        if (part === "title") {
            const t = plot.querySelector(".gtitle");
            return [part, t ? t.textContent : ""];
        }
        const el = plot.querySelector("." + part);
        if (!el) return [part, null];
        const r = el.getBoundingClientRect();
        return [part, r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null];
    })))"""
# A selectbox's chosen text, and whether it is cut (wider than its box).
SELECTED = "el => [el.value, el.scrollWidth > el.clientWidth + 1]"


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def chart_collisions(page) -> tuple[int, list[str]]:
    """How many charts are drawn, and where a chart's toolbar covers its legend or its
    title (every chart must have its toolbar)."""
    charts = page.evaluate(CHART_BOXES)
    out = []
    for chart in charts:
        if chart["modebar"] is None:
            out.append(f"{chart['title']}: no toolbar")
            continue
        for part in ("legend", "gtitle"):
            if chart[part] and overlaps(chart["modebar"], chart[part]):
                out.append(f"{chart['title']}: toolbar {chart['modebar']} covers {part} "
                           f"{chart[part]}")
    return len(charts), out


def test_on_a_phone_chart_toolbars_cover_no_legend_and_run_b_shows_whole(
        browser, tmp_path: Path, artifacts: Path) -> None:
    store = RunStore(None, tmp_path / "data")
    video = street_video(tmp_path)
    first = store.save_run(analysed(video, tmp_path / "a"), name="Street, morning",
                           settings=SETTINGS)
    second = store.save_run(analysed(video, tmp_path / "b", stop_after=20),
                            name="Street, evening", settings=SETTINGS)
    store.close()
    with serve_app(tmp_path / "data") as url:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                      has_touch=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{url}/?run={first.id}")
            page.get_by_role("heading", name="Street, morning").wait_for(timeout=90_000)
            page.locator(".js-plotly-plot .legend").first.wait_for()
            charts, collisions = chart_collisions(page)
            assert charts >= 1 and collisions == []
            chart = page.locator(".js-plotly-plot").first
            chart.scroll_into_view_if_needed()
            page.wait_for_timeout(500)  # let the scroll settle before the picture
            page.screenshot(path=artifacts / "phone_run_chart.png")

            page.goto(f"{url}/compare?a={first.id}&b={second.id}")
            page.get_by_role("heading", name="Compare two runs").wait_for(timeout=90_000)
            page.locator(".js-plotly-plot .legend").first.wait_for()
            page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2")
            charts, collisions = chart_collisions(page)
            assert charts == 2 and collisions == []

            selector = page.get_by_test_id("stSelectbox").filter(
                has=page.get_by_text("Run B", exact=True))
            assert selector.evaluate(IN_VIEW)
            box = selector.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            choice = page.get_by_role("combobox", name="Run B")
            value, cut = choice.evaluate(SELECTED)
            assert value.startswith("Street, evening (partial) · ")
            assert not cut, f"Run B's choice is cut: {value}"
            page.screenshot(path=artifacts / "phone_compare_top.png")
            page.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=artifacts / "phone_compare_chart.png")
        finally:
            context.close()
