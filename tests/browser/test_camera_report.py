"""A camera period's HTML report in a real browser: its charts draw, the heatmap shows,
and opening it fetches nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.cameras.period import load_period
from dashboard.cameras.report import camera_report
from tests.test_camera_period_exports import NAME, T0, UTC, stored

pytestmark = pytest.mark.browser


def test_the_camera_report_opens_offline_with_its_charts_and_heatmap(
        browser, tmp_path: Path, artifacts: Path) -> None:
    store, camera_id = stored(tmp_path)
    view = load_period(store, camera_id, camera=NAME, period="Chosen days", since=T0,
                       until=T0 + timedelta(hours=2), zone=UTC, capacity=3)
    store.close()
    report = tmp_path / "camera-report.html"
    report.write_text(camera_report(view))
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 5
    assert page.title() == f"{NAME}: Chosen days"  # shown literally
    heat = page.get_by_role("img", name="Heatmap of the period")
    assert heat.evaluate("image => image.complete && image.naturalWidth") == 480
    bars = page.locator(".js-plotly-plot").first.locator(".legendtext").evaluate_all(
        "texts => texts.map(text => text.textContent)")
    assert bars == ["IN", "OUT"]
    dwell = page.locator(".js-plotly-plot").last.locator(".legendtext").evaluate_all(
        "texts => texts.map(text => text.textContent)")
    assert dwell == ["till <i>"]  # the zone's name drawn literally, not as markup
    page.screenshot(path=artifacts / "camera-report.png", full_page=True)
    context.close()
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
