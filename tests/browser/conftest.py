"""The real app in a real browser: a `streamlit run` server and headless Chromium.

Debian's Chromium (/usr/bin/chromium) is driven by Playwright; tests skip, saying
why, where it is missing. Screenshots go to test-artifacts/ to be looked at.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import VTEST

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path,
                        timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n"
                               f"{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {timeout} s:\n{log.read_text()}")


@contextmanager
def serve_app(data_dir: Path, *, port: int | None = None, args: Sequence[str] = (),
              **env: str) -> Iterator[str]:
    """`streamlit run app.py` on `port` (else a free one) with its own data dir (and
    `env`, and more command-line `args`); its URL."""
    log = data_dir / "streamlit.log"
    port = port or free_port()
    environment = dict(os.environ, HEATMAP_DATA_DIR=str(data_dir), **env)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", *args],
            cwd=REPO, env=environment, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served for the whole session; stopped at the end."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    # "Try the sample video" offers the real footage when the tests have it, as an
    # operator would configure it (the app's default is a rendered scene).
    footage = {"HEATMAP_SAMPLE_VIDEO": str(VTEST)} if VTEST.is_file() else {}
    with serve_app(tmp_path_factory.mktemp("data"), **footage) as url:
        yield url


@pytest.fixture(scope="session")
def browser(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def open_app(browser, url: str, timeout_ms: int = 30_000, heading: str = "Video heatmap"):
    """A new browser context (a new user, a new Streamlit session) on the app, tall
    enough to see a result, once the page's `heading` shows: (context, page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    # An app that fails to import (a module missing from a checkout, a file mid-edit in
    # the working tree a fresh server reads) shows Streamlit's error box, never the
    # heading: say so at once instead of waiting out the timeout.
    shown = page.get_by_role("heading", name=heading)
    crashed = page.get_by_text("This app has encountered an error")
    shown.or_(crashed).first.wait_for(timeout=90_000)
    if not shown.is_visible():
        main = page.get_by_test_id("stMain").inner_text()[:500]
        context.close()
        raise AssertionError(f"the app crashed instead of drawing its page (see "
                             f"streamlit.log in the server's data folder): {main}")
    return context, page


@pytest.fixture
def page(browser, app_url: str):
    context, page = open_app(browser, app_url)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def link_shown(scope) -> str:
    """The first link a page (or a part of it) shows to copy: `copy_link` writes it as
    inline code, `?` and all."""
    code = scope.get_by_test_id("stMarkdownContainer").locator("code").filter(has_text="?")
    return code.first.inner_text().strip()


def settled(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page's script run is over (Streamlit's running indicator gone): a
    button drawn by a run still going can be replaced under a click, and the click lost."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidgetRunningIcon], "
        "[data-testid=stStatusWidgetRunningManIcon]')",
        timeout=timeout_ms)
