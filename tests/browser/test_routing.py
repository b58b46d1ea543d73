"""Direct page addresses go through the app's router, even on a fresh server."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve_app

pytestmark = pytest.mark.browser


def test_a_direct_link_to_a_page_on_a_fresh_server_gets_the_whole_app(browser, tmp_path):
    with serve_app(tmp_path) as url:  # nobody has opened "/" on this server yet
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/runs")
        page.get_by_role("heading", name="Saved runs").wait_for(timeout=90_000)
        entries = set(page.get_by_test_id("stSidebarNav").inner_text().splitlines())
        context.close()
    assert {"Analyse a video", "Live webcam", "Saved runs", "Compare runs"} <= entries
    assert not {"app", "upload", "runs"} & entries  # file names: pages run unrouted
