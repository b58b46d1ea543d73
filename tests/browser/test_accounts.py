"""Accounts in a real browser with a real identity provider (oidc-provider-mock):
Alice's runs and cameras are hers, Bob sees them only through a share link and only to
look, a revoked link stops working at once, an admin manages everyone's, signing out
signs out.

Needs `oidc-provider-mock` (0.4.x runs on Python >= 3.12: give it its own venv and
point HEATMAP_TEST_OIDC_MOCK at its executable, or put it on PATH) and Authlib in the
app's environment (Streamlit's st.login uses it); skips, saying which, without them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from run_store import CameraStore, Flush, IntervalCount, RunStore
from tests.browser.conftest import (
    ARTIFACTS,
    CHROMIUM,
    free_port,
    link_shown,
    serve_app,
    settled,
)
from tests.browser.test_upload_flow import choose
from tests.saved_runs import SETTINGS, analysed, street_video

pytestmark = pytest.mark.browser

USERS = {"alice": "Alice", "bob": "Bob", "root": "Root"}
ADMIN = "root@example.org"
SHARE_LINK = re.compile(r"http://localhost:\d+/\?run=[A-Za-z0-9_-]{22}&token=[A-Za-z0-9_-]{43}")
CAMERA_SHARE_LINK = re.compile(
    r"http://localhost:\d+/\?camera=[A-Za-z0-9_-]{12}&token=[A-Za-z0-9_-]{43}")


def _mock_command() -> str | None:
    return os.environ.get("HEATMAP_TEST_OIDC_MOCK") or shutil.which("oidc-provider-mock")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OIDC provider on a free port, knowing Alice, Bob and Root; its issuer URL."""
    command = _mock_command()
    if command is None:
        pytest.skip("oidc-provider-mock not found: install it (Python >= 3.12) and set "
                    "HEATMAP_TEST_OIDC_MOCK to its executable")
    port = free_port()
    claims = [arg for sub, name in USERS.items() for arg in (
        "--user-claims", json.dumps({"sub": sub, "email": f"{sub}@example.org",
                                     "name": name}))]
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([command, "--port", str(port), *claims], stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration",
                                            timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the provider did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield issuer
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def signed_app(provider: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[str, Path]]:
    """The app with sign-in through `provider` and Root as admin: (URL, data folder)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("authlib") is None:
        pytest.skip("Authlib is not installed: Streamlit's sign-in needs it")
    data = tmp_path_factory.mktemp("data")
    port = free_port()
    # Opened on the host name of redirect_uri: else the callback arrives without the
    # session cookie and sign-in fails silently.
    url = f"http://localhost:{port}"
    secrets_file = data / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "heatmap"\nclient_secret = "heatmap-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    with serve_app(data, port=port, args=["--secrets.files", str(secrets_file)],
                   HEATMAP_ADMINS=ADMIN):
        yield url, data


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import LAUNCH_ARGS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def sign_in(browser, url: str, sub: str):
    """A new browser context (a new person) signed in as `sub`: its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_text("Sign in to analyse videos").wait_for(timeout=90_000)
    page.get_by_test_id("stMain").get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=f"Authorize as {sub}").click()
    page.get_by_text(f"Signed in as {USERS[sub]}").wait_for()
    return page


def go(page, name: str) -> None:
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()


def saved_runs(page) -> list[str]:
    """The names in the Saved runs list (after it has drawn)."""
    go(page, "Saved runs")
    page.get_by_role("heading", name="Saved runs").wait_for()
    said = page.get_by_text(re.compile(r"^(\d+ runs?, newest first\.|No saved runs yet)"))
    count = re.match(r"\d+", said.inner_text())
    links = page.locator("[class*='st-key-runs_row_']").get_by_role("link")
    if count:
        links.nth(int(count.group()) - 1).wait_for()  # every row has streamed in
    return sorted(text.split("\n")[-1].strip() for text in links.all_inner_texts())  # no icon


@pytest.fixture
def people(browser) -> Iterator[list]:
    """The pages of the people in a test; each one's screen is saved when it fails."""
    pages: list = []
    yield pages
    ARTIFACTS.mkdir(exist_ok=True)
    for number, page in enumerate(pages):
        page.screenshot(path=ARTIFACTS / f"accounts_person_{number}.png", full_page=True)
        page.context.close()


def test_two_people_a_share_link_an_admin_and_signing_out(
        signed_app: tuple[str, Path], browser, people: list, tmp_path: Path) -> None:
    url, data = signed_app
    bobs = RunStore(None, data).save_run(  # Bob's own run, saved before today
        analysed(street_video(tmp_path), tmp_path / "bobs"), name="Bob's <b>bakery</b>",
        settings=SETTINGS, owner="bob@example.org")

    # Alice signs in and analyses a video: the run is hers.
    alice = sign_in(browser, url, "alice")
    people.append(alice)
    choose(alice, "Model", "Motion detector (no weights needed)")
    alice.get_by_text("You chose the built-in motion detector").wait_for()
    upload = tmp_path / "upload"
    upload.mkdir()
    alice.locator("input[type=file]").first.set_input_files(street_video(upload))
    alice.get_by_role("heading", name="2. Counting region").wait_for(timeout=60_000)
    run = alice.get_by_role("button", name="Run")
    alice.wait_for_function("el => !el.disabled", arg=run.element_handle())
    alice.wait_for_timeout(500)  # the page's rerun after the upload settles
    run.click()
    try:
        alice.get_by_role("heading", name="4. Result").wait_for(timeout=240_000)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "accounts_alice_result.png", full_page=True)
    alice.get_by_text("Only you (and the admins) can open it").wait_for()
    (mine,) = RunStore(None, data).list(owner="alice@example.org")
    assert saved_runs(alice) == ["street.mp4"]  # not Bob's

    # Her dashboard: she makes a share link for Bob.
    alice.goto(f"{url}/?run={mine.id}")
    alice.get_by_role("heading", name="street.mp4").wait_for()
    alice.get_by_text("Share this dashboard").click()
    alice.get_by_role("textbox", name="Who it is for").fill("Bob")
    alice.get_by_role("button", name="Make a link").click()
    alice.get_by_text("The new link").wait_for()
    link = link_shown(alice)
    assert SHARE_LINK.fullmatch(link), link
    settled(alice)
    with alice.expect_download() as download:  # her own files, checked when clicked
        alice.get_by_role("button", name="Summary .json").click()
    assert json.loads(Path(download.value.path()).read_text())["in_count"] == mine.in_count

    # Bob sees only his run; Alice's plain link shows him nothing.
    bob = sign_in(browser, url, "bob")
    people.append(bob)
    assert saved_runs(bob) == ["Bob's <b>bakery</b>"]  # his name, shown literally
    bob.goto(f"{url}/?run={mine.id}")
    bob.get_by_text("This run does not exist or was deleted.").wait_for()
    assert bob.get_by_test_id("stMetric").count() == 0

    # With the share link he sees the dashboard, read-only.
    bob.goto(link)
    bob.get_by_role("heading", name="street.mp4").wait_for()
    bob.get_by_text("Shared with you: you can look, not change.").wait_for()
    bob.get_by_test_id("stMetric").nth(3).wait_for()
    assert bob.get_by_text("Share this dashboard").count() == 0
    with bob.expect_download() as download:
        bob.get_by_role("button", name="Events .csv").click()
    assert download.value.suggested_filename == "events.csv"
    left_open = bob.context.new_page()  # he keeps the dashboard open in another tab
    left_open.goto(link)
    left_open.get_by_role("button", name="Events .csv").wait_for()
    assert saved_runs(bob) == ["Bob's <b>bakery</b>", "street.mp4"]
    shared_row = bob.locator(f".st-key-runs_row_{mine.id}")
    shared_row.get_by_text("Shared with you: view only.").wait_for()
    assert shared_row.get_by_role("button", name="Rename").count() == 0
    assert shared_row.get_by_role("button", name="Delete").count() == 0
    bob.locator(f".st-key-runs_row_{bobs.id}").get_by_role(
        "button", name="Delete").wait_for()  # his own run keeps its controls (rows stream in)

    # Alice sees who opened it, and revokes it: Bob's next load is refused.
    alice.reload()
    alice.get_by_text("Share this dashboard").click()
    alice.get_by_text("Opened by: bob@example.org").wait_for()
    alice.get_by_role("button", name="Revoke").click()
    alice.get_by_text(re.compile("revoked")).wait_for()
    # The tab he left open stops within seconds: no cards, heatmap, video or download...
    left_open.get_by_text("This link no longer works.").wait_for(timeout=15_000)
    settled(left_open)  # the run that redrew it has removed what it no longer draws
    main = left_open.get_by_test_id("stMain")
    for gone in ("stMetric", "stDownloadButton", "stImage", "stVideo"):
        assert main.get_by_test_id(gone).count() == 0, gone
    left_open.screenshot(path=ARTIFACTS / "accounts_run_left_open_revoked.png", full_page=True)
    left_open.close()
    bob.goto(link)  # ... and his next load is refused
    bob.get_by_text("This link no longer works.").wait_for()
    assert bob.get_by_test_id("stMetric").count() == 0
    assert saved_runs(bob) == ["Bob's <b>bakery</b>"]

    # Root, an admin, sees and manages both.
    root = sign_in(browser, url, "root")
    people.append(root)
    root.get_by_text("Signed in as Root (admin)").wait_for()
    assert saved_runs(root) == ["Bob's <b>bakery</b>", "street.mp4"]
    # Compare draws Bob's name literally in the chart's legend and titles, not bold.
    root.goto(f"{url}/compare?a={bobs.id}&b={mine.id}")
    legend = root.locator(".js-plotly-plot .legendtext")
    legend.first.wait_for()
    assert "A: Bob's <b>bakery</b> · IN" in legend.all_text_contents()  # SVG: no innerText
    assert root.locator(".js-plotly-plot .legendtext [style*='bold']").count() == 0
    root.get_by_text("A: Bob's <b>bakery</b>", exact=True).first.wait_for()
    root.screenshot(path=ARTIFACTS / "accounts_compare_literal_names.png", full_page=True)
    assert saved_runs(root) == ["Bob's <b>bakery</b>", "street.mp4"]
    row = root.locator(f".st-key-runs_row_{bobs.id}")
    row.get_by_role("button", name="Rename").click()
    root.get_by_role("textbox", name="New name").fill("Bakery, by Root")
    root.get_by_role("button", name="Save name").click()
    root.get_by_text("Renamed to Bakery, by Root.").wait_for()
    row.get_by_role("link", name="Bakery, by Root").wait_for()  # the rerun has drawn it
    root.locator(f".st-key-runs_row_{mine.id}").get_by_role("link", name="street.mp4").wait_for()
    root.locator(f".st-key-runs_row_{mine.id}").get_by_role("button", name="Delete").click()
    root.get_by_role("button", name="Delete for good").click()
    root.get_by_text("Deleted street.mp4.").wait_for()
    root.locator(f".st-key-runs_row_{mine.id}").wait_for(state="detached")
    assert [r.name for r in RunStore(None, data).list()] == ["Bakery, by Root"]

    # Alice signs out: the app asks her to sign in again.
    alice.get_by_role("button", name="Sign out").click()
    alice.get_by_role("button", name="End session").click()
    alice.get_by_text("Sign in to analyse videos").wait_for()
    assert alice.get_by_text("Signed in as").count() == 0


def test_a_cameras_share_link_is_read_only_and_stops_when_revoked(
        signed_app: tuple[str, Path], browser, people: list) -> None:
    """Alice's camera (stopped, with today's counts in the store: the live stream is
    tests/browser/test_cameras_flow.py's): she shares its dashboard, Bob looks through
    the link without any control and finds it in his Cameras list, marked shared; her
    revoke refuses his next load and drops it from his list, Root manages it."""
    url, data = signed_app
    cameras = CameraStore(None, data)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    door = cameras.add("Alice's door", "rtsp://alice:pw@cam.internal/1", {},
                       owner="alice@example.org")
    cameras.record(door.id, Flush(intervals=(IntervalCount(now, 60.0, "door", "*", 5, 2),),
                                  counted_until=now + timedelta(minutes=1)))
    cameras.close()

    alice = sign_in(browser, url, "alice")
    people.append(alice)
    alice.goto(f"{url}/?camera={door.id}")
    alice.get_by_role("heading", name="Alice's door").wait_for()
    alice.get_by_text("rtsp://***@cam.internal/1").wait_for()  # hers to see
    alice.get_by_text("Share this dashboard").click()
    alice.get_by_role("textbox", name="Who it is for").fill("Bob")
    alice.get_by_role("button", name="Make a link").click()
    alice.get_by_text("The new link").wait_for()
    link = link_shown(alice)
    assert CAMERA_SHARE_LINK.fullmatch(link), link

    bob = sign_in(browser, url, "bob")
    people.append(bob)
    bob.goto(f"{url}/?camera={door.id}")  # without the token: nothing of hers
    bob.get_by_text("This camera does not exist or was removed.").wait_for()
    bob.goto(link)
    bob.get_by_role("heading", name="Alice's door").wait_for()
    bob.get_by_text("Shared with you: you can look, not change.").wait_for()
    bob.get_by_role("button", name="Events .csv").wait_for()
    cards = bob.get_by_test_id("stMetric")
    cards.nth(3).wait_for()
    assert cards.first.inner_text().split("\n")[-1].strip() == "5"  # today's In
    assert bob.get_by_text("Share this dashboard").count() == 0
    assert "cam.internal" not in bob.content()  # not even the redacted address
    main = bob.get_by_test_id("stMain")
    assert main.get_by_role("button", name=re.compile("Start|Stop|Remove|Revoke")).count() == 0
    with bob.expect_download() as download:
        bob.get_by_role("button", name="Intervals .csv").click()
    assert download.value.suggested_filename == "intervals.csv"
    listed = bob.context.new_page()  # his Cameras page, left open in another tab
    listed.goto(url)
    go(listed, "Cameras")
    row = listed.locator(f".st-key-cameras_row_{door.id}")
    row.get_by_text("Shared with you: view only.").wait_for(timeout=60_000)
    row.get_by_role("link", name="Alice's door").wait_for()
    assert row.get_by_role("button").count() == 0  # no Start, Stop, Remove
    assert "cam.internal" not in listed.content()
    listed.screenshot(path=ARTIFACTS / "accounts_camera_listed_shared.png", full_page=True)

    alice.reload()
    alice.get_by_text("Share this dashboard").click()
    alice.get_by_text("Opened by: bob@example.org").wait_for()
    alice.get_by_role("button", name="Revoke").click()
    alice.get_by_text(re.compile("revoked")).wait_for()
    # Bob's open page stops at its next refresh (the live part of a stopped camera asks
    # every 5 s), and his open list drops the camera at its own (every two seconds)...
    bob.get_by_text("This link no longer works.").wait_for(timeout=15_000)
    row.wait_for(state="detached", timeout=15_000)
    listed.close()
    bob.goto(link)  # ... and his next load is refused
    bob.get_by_text("This link no longer works.").wait_for()
    assert bob.get_by_test_id("stMetric").count() == 0
    bob.screenshot(path=ARTIFACTS / "accounts_camera_link_revoked.png", full_page=True)

    root = sign_in(browser, url, "root")
    people.append(root)
    root.goto(f"{url}/?camera={door.id}")
    root.get_by_role("heading", name="Alice's door").wait_for()
    root.get_by_text("Share this dashboard").click()
    root.get_by_text(re.compile("Bob.*revoked")).wait_for()
    root.get_by_role("button", name="Make a link").wait_for()  # hers to manage, as admin
