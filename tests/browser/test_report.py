"""The HTML report in a real browser: its charts draw, and opening it fetches nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.runs.report import html_report
from dashboard.runs.result import RunResult
from tests.saved_runs import analysed, street_video

pytestmark = pytest.mark.browser


def test_the_report_opens_offline_with_its_charts_and_heatmap(
        browser, tmp_path: Path, artifacts: Path) -> None:
    result = RunResult.load(analysed(street_video(tmp_path), tmp_path / "out"))
    report = tmp_path / "report.html"
    report.write_text(html_report(result, "Front door <b>x</b>"))
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 3
    assert page.title() == "Front door <b>x</b>"  # shown literally
    heat = page.get_by_role("img", name="Heatmap over the scene")
    assert heat.evaluate("image => image.complete && image.naturalWidth") == 320
    legend = page.locator(".js-plotly-plot").first.locator(".legendtext").evaluate_all(
        "texts => texts.map(text => text.textContent)")
    assert legend == ["IN", "OUT"]
    page.screenshot(path=artifacts / "report.png", full_page=True)
    context.close()
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
