"""The HTML report: the whole dashboard in one file, with user text shown literally and
nothing fetched from anywhere."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from dashboard.runs.report import html_report
from dashboard.runs.result import RunResult
from tests.saved_runs import analysed, street_video


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    folder = tmp_path_factory.mktemp("run")
    return RunResult.load(analysed(street_video(folder), folder / "out"))


def test_the_report_holds_the_numbers_the_heatmap_and_three_charts(result: RunResult) -> None:
    page = html_report(result, "Front door")
    summary = result.summary
    for label, key in (("In", "in_count"), ("Out", "out_count"), ("Tracks", "total_tracks")):
        assert re.search(rf"<div class='label'>{label}</div><div class='value'>"
                         rf"{summary[key]}</div>", page)
    (png,) = re.findall(r"src='data:image/png;base64,([^']+)'", page)
    assert base64.b64decode(png) == result.path("heatmap_png").read_bytes()
    assert page.count("Plotly.newPlot(") == 3
    assert "<title>Front door</title>" in page


def test_nothing_in_the_report_is_fetched_from_elsewhere(result: RunResult) -> None:
    page = html_report(result, "Front door")
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""",
                         page)
    assert page.index("<script>") < page.index("Plotly.newPlot(")  # plotly.js is inlined


def test_user_text_is_shown_literally_titles_and_legends_included(
        result: RunResult, tmp_path: Path) -> None:
    events = result.events.assign(**{"class": "<b>car</b>"})
    hostile = RunResult(dict(result.summary, source="<img src=x onerror=alert(1)>.mp4"),
                        events, result.files)
    page = html_report(hostile, "<b>x</b> & co")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt; &amp; co" in page
    assert "<img src=x" not in page
    # Class names are the per-class chart's axis labels, which Plotly draws as HTML.
    assert '"ticktext":["&lt;b&gt;car&lt;\\u002fb&gt;"]' in page
