"""Access in the app: without sign-in configured, the one user sees everything and the
sidebar says so; with sign-in configured, no page shows a run (or its files) to someone
not signed in, except the dashboard a live share link opens, read-only; a signed-in
person sees their own runs and what was shared with them, and manages only their own.
Signing in with a real provider is in tests/browser/test_accounts.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import runtime
from dashboard.access.viewer import Viewer
from dashboard.access.widgets import LINK_GONE, LinkGone, checked_download, may_view
from dashboard.cameras.dashboard_widgets import NOT_FOUND as CAMERA_NOT_FOUND
from dashboard.common.links import (
    CAMERA_PAGE,
    CAMERAS_PAGE,
    COMPARE_PAGE,
    LIVE_PAGE,
    RUN_PAGE,
    RUNS_PAGE,
)
from dashboard.common.text import plain
from dashboard.runs.dashboard_widgets import NOT_FOUND
from run_store import CameraRecord, CameraStore, Flush, IntervalCount, RunRecord, RunStore
from tests.helpers import links_shown
from tests.saved_runs import SETTINGS, analysed, street_video

APP = Path(__file__).resolve().parent.parent / "app.py"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 40,
        "client_id": "heatmap", "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("analyses")
    return analysed(street_video(root), root / "complete")


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RunStore:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return RunStore(None, tmp_path)


@pytest.fixture
def alices(store: RunStore, analysis: Path) -> RunRecord:
    return store.save_run(analysis, name="Alice's shop", settings=SETTINGS,
                          owner="alice@example.org")


def visit(page: str | None = None, sign_in: bool = True, who: str | None = None,
          **query: str) -> AppTest:
    """A fresh session on `page`, signed in as `who` (an email) if given."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if sign_in:
        at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": who, "name": who} if who else {}
    for name, value in query.items():
        at.query_params[name] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def shown_text(at: AppTest) -> str:
    return " ".join([str(e.value) for kind in ("title", "markdown", "caption", "info",
                                                 "error", "subheader")
                     for e in getattr(at, kind)]
                    + [p.proto.label for p in at.get("page_link")])


def test_without_sign_in_the_sidebar_says_everyone_sees_everything(alices: RunRecord) -> None:
    at = visit(RUNS_PAGE, sign_in=False)
    notice = [m.value for m in at.sidebar.markdown if "No sign-in" in m.value]
    assert len(notice) == 1 and "[auth]" in notice[0]
    assert "Alice" in shown_text(at)  # the one user sees every run, as before


@pytest.mark.parametrize("page", [None, LIVE_PAGE, CAMERAS_PAGE, RUNS_PAGE, COMPARE_PAGE])
def test_with_sign_in_pages_ask_to_sign_in_and_show_no_run(page: str | None,
                                                           alices: RunRecord) -> None:
    at = visit(page)
    assert any("Sign in to" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["Sign in", "Sign in"]  # the page's, the sidebar's
    assert "Alice" not in shown_text(at) and not at.metric and not at.get("file_uploader")
    assert not [m for m in at.sidebar.markdown if "No sign-in" in m.value]


def test_a_run_link_without_a_token_shows_nothing_to_a_stranger(alices: RunRecord) -> None:
    at = visit(RUN_PAGE, run=alices.id)
    assert NOT_FOUND in at.error[0].value  # the same answer as for no such run
    assert "Alice" not in shown_text(at) and not at.metric and not at.get("download_button")


def test_a_share_link_opens_the_dashboard_read_only_until_revoked(
        store: RunStore, alices: RunRecord) -> None:
    link, token = store.share(alices.id, label="the team")
    at = visit(RUN_PAGE, run=alices.id, token=token)
    assert at.title[0].value == "Alice's shop"
    assert at.metric and at.get("download_button")
    assert "Shared with you" in shown_text(at)
    assert not [e for e in at.expander if "Share" in e.label]
    store.revoke_link(alices.id, link.id)
    at = visit(RUN_PAGE, run=alices.id, token=token)
    assert at.error[0].value.startswith(LINK_GONE)
    assert "Alice" not in shown_text(at) and not at.metric


@pytest.mark.parametrize("token", ["x" * 43, "short", "<b>x</b>", ""])
def test_a_wrong_token_is_refused_plainly(alices: RunRecord, token: str) -> None:
    at = visit(RUN_PAGE, run=alices.id, token=token)
    assert at.error and "Alice" not in shown_text(at) and not at.metric


RUN_DOWNLOADS = ["Video .mp4", "Heatmap .png", "Raw heat .npy", "Events .csv",
                 "Series .csv", "Summary .json", "Report .html"]


def deferred_downloads(at: AppTest) -> list[str]:
    """The labels of the page's downloads whose data is made when clicked (where the
    check runs), all of them enabled."""
    buttons = at.get("download_button")
    assert all(b.proto.deferred_file_id and not b.proto.disabled for b in buttons)
    return [b.proto.label for b in buttons]


@pytest.mark.parametrize("who", [None, "bob@example.org"])
def test_a_shared_runs_downloads_are_checked_when_clicked(
        store: RunStore, alices: RunRecord, analysis: Path, who: str | None) -> None:
    """Every download of the run a link opens asks `may_view` again when clicked (as
    the page binds it): refused once the link is revoked, in a page still open too,
    and the page's next rerun shows no more of the run."""
    link, token = store.share(alices.id)
    at = visit(RUN_PAGE, who=who, run=alices.id, token=token)
    assert deferred_downloads(at) == RUN_DOWNLOADS
    access = partial(may_view, store, alices, Viewer(id=who), token)
    events = (analysis / "events.csv").read_bytes
    download = checked_download(access, events)
    assert download() == events()
    store.revoke_link(alices.id, link.id)
    with pytest.raises(LinkGone, match=LINK_GONE):
        download()
    at.run()  # the open page, rerun by any widget
    assert at.error[0].value.startswith(LINK_GONE)
    assert not at.get("download_button") and not at.metric


def test_a_run_shared_earlier_refuses_its_downloads_once_the_link_is_revoked(
        store: RunStore, alices: RunRecord) -> None:
    """Bob opened the link signed in, then comes back without it (from Saved runs)."""
    link, token = store.share(alices.id)
    visit(RUN_PAGE, who="bob@example.org", run=alices.id, token=token)
    at = visit(RUN_PAGE, who="bob@example.org", run=alices.id)
    assert deferred_downloads(at) == RUN_DOWNLOADS
    access = partial(may_view, store, alices, Viewer(id="bob@example.org"), None)
    assert access() is True
    store.revoke_link(alices.id, link.id)
    assert access() is False  # his downloads: LinkGone
    at.run()
    assert NOT_FOUND in at.error[0].value and not at.get("download_button")


def test_the_owner_an_admin_and_the_one_user_without_sign_in_download_everything(
        monkeypatch: pytest.MonkeyPatch, store: RunStore, alices: RunRecord,
        analysis: Path) -> None:
    monkeypatch.setenv("HEATMAP_ADMINS", "root@example.org")
    for who in ("alice@example.org", "root@example.org"):
        assert deferred_downloads(visit(RUN_PAGE, who=who, run=alices.id)) == RUN_DOWNLOADS
    runtime.settings.clear()  # the same server, restarted without sign-in
    at = visit(RUN_PAGE, sign_in=False, run=alices.id)
    assert "Shared with you" not in shown_text(at)
    assert deferred_downloads(at) == RUN_DOWNLOADS
    summary = (analysis / "summary.json").read_bytes
    for viewer in (Viewer.everyone(), Viewer(id="alice@example.org"),
                   Viewer(id="root@example.org", admin=True)):
        download = checked_download(partial(may_view, store, alices, viewer, None), summary)
        assert download() == summary()  # no link needed: theirs


@pytest.fixture
def bobs(store: RunStore, analysis: Path) -> RunRecord:
    return store.save_run(analysis, name="Bob's bakery", settings=SETTINGS,
                          owner="bob@example.org")


def test_a_person_lists_and_compares_only_their_own_runs(
        alices: RunRecord, bobs: RunRecord) -> None:
    at = visit(RUNS_PAGE, who="bob@example.org")
    assert "Bob's bakery" in shown_text(at) and "Alice" not in shown_text(at)
    assert at.button(key=f"runs_delete_{bobs.id}")
    at = visit(COMPARE_PAGE, who="bob@example.org", a=alices.id, b=bobs.id)
    assert "Alice" not in shown_text(at)  # her id in the address shows nothing of hers
    assert at.info[0].value.startswith("Comparing needs two saved runs")
    at = visit(RUN_PAGE, who="bob@example.org", run=alices.id)
    assert NOT_FOUND in at.error[0].value and not at.get("download_button")


def test_a_shared_run_is_listed_view_only_until_the_link_is_revoked(
        store: RunStore, alices: RunRecord, bobs: RunRecord) -> None:
    link, token = store.share(alices.id)
    at = visit(RUN_PAGE, who="bob@example.org", run=alices.id, token=token)
    assert at.title[0].value == "Alice's shop"
    at = visit(RUNS_PAGE, who="bob@example.org")
    assert "Alice's shop" in shown_text(at) and "Shared with you: view only." in shown_text(at)
    assert not [b for b in at.button if b.key and alices.id in b.key]  # no rename, delete
    assert at.button(key=f"runs_delete_{bobs.id}")
    store.revoke_link(alices.id, link.id)
    at = visit(RUNS_PAGE, who="bob@example.org")
    assert "Alice" not in shown_text(at)
    at = visit(RUN_PAGE, who="bob@example.org", run=alices.id)
    assert NOT_FOUND in at.error[0].value


def test_the_owner_makes_a_link_sees_who_opened_it_and_revokes_it(
        store: RunStore, alices: RunRecord) -> None:
    at = visit(RUN_PAGE, who="alice@example.org", run=alices.id)
    next(t for t in at.text_input if t.label == "Who it is for").set_value("the team")
    next(b for b in at.button if b.label == "Make a link").click().run()
    (made,) = store.share_links(alices.id)
    shown = links_shown(at)
    assert len(shown) == 1 and shown[0].startswith(f"/?run={alices.id}&token=")
    token = shown[0].rsplit("=", 1)[1]
    visit(RUN_PAGE, who="bob@example.org", run=alices.id, token=token)
    at = visit(RUN_PAGE, who="alice@example.org", run=alices.id)
    assert "Opened by: bob@example\\.org" in shown_text(at)
    at.button(key=f"access_revoke_{made.id}").click().run()
    assert store.open_link(alices.id, token) is None
    assert "revoked" in shown_text(visit(RUN_PAGE, who="alice@example.org", run=alices.id))


def test_an_admin_sees_and_manages_everyones_runs(
        monkeypatch: pytest.MonkeyPatch, alices: RunRecord, bobs: RunRecord) -> None:
    monkeypatch.setenv("HEATMAP_ADMINS", "root@example.org")
    at = visit(RUNS_PAGE, who="root@example.org")
    assert at.button(key=f"runs_delete_{alices.id}") and at.button(key=f"runs_delete_{bobs.id}")
    at.button(key=f"runs_delete_{bobs.id}").click().run()
    assert "Deleted" in at.success[0].value


def test_the_limit_per_person_is_stated_when_reached(
        monkeypatch: pytest.MonkeyPatch, alices: RunRecord) -> None:
    monkeypatch.setenv("HEATMAP_USER_MAX_RUNS", "1")
    at = visit(who="alice@example.org")
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    at.button(key="upload_sample").click().run()
    at.button(key="upload_run").click().run()
    assert any("You have 1 saved runs, the most this server allows per person (1)" in e.value
               for e in at.error)
    assert not at.metric  # nothing ran


@pytest.fixture
def cameras(store: RunStore, tmp_path: Path) -> Iterator[CameraStore]:
    """The camera store of the app's database (`store` points the app at it)."""
    cameras = CameraStore(None, tmp_path)
    yield cameras
    cameras.close()


@pytest.fixture
def door(cameras: CameraStore) -> CameraRecord:
    """Alice's camera (stopped), with a minute of counts today."""
    door = cameras.add("Alice's door", "rtsp://alice:pw@cam.internal/1", {},
                       owner="alice@example.org")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    cameras.record(door.id, Flush(intervals=(IntervalCount(now, 60.0, "door", "*", 3, 1),),
                                  counted_until=now + timedelta(minutes=1)))
    return door


def test_a_camera_link_shows_nothing_to_a_stranger_or_another_person(
        door: CameraRecord) -> None:
    for who in (None, "bob@example.org"):
        at = visit(CAMERA_PAGE, who=who, camera=door.id)
        assert at.error[0].value.startswith(CAMERA_NOT_FOUND)  # as for no such camera
        assert "Alice" not in shown_text(at) and not at.metric
        assert not at.get("download_button")


def test_a_camera_share_link_opens_its_dashboard_read_only(
        cameras: CameraStore, door: CameraRecord) -> None:
    _, token = cameras.share(door.id, label="the landlord")
    at = visit(CAMERA_PAGE, camera=door.id, token=token)  # not signed in
    assert at.title[0].value == "Alice's door"
    cards = {m.label: m.value for m in at.metric}
    assert cards["In"] == "3" and cards["Out"] == "1"
    assert [b.label for b in at.get("download_button")] == [  # each checked when clicked
        "Intervals .csv", "Intervals .xlsx", "Events .csv", "Report .html"]
    assert "Shared with you" in shown_text(at)
    assert "internal" not in str(at)  # not even the camera's redacted address
    assert not [e for e in at.expander if "Share" in e.label]
    assert [b.label for b in at.button] == ["Sign in"]  # the sidebar's: nothing to change
    assert not at.text_input and not at.toggle and not at.checkbox


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_revoked_or_expired_camera_link_no_longer_works(
        cameras: CameraStore, door: CameraRecord, ended: str) -> None:
    now = datetime.now(timezone.utc)
    if ended == "revoked":
        link, token = cameras.share(door.id)
        at = visit(CAMERA_PAGE, who="bob@example.org", camera=door.id, token=token)
        assert at.title[0].value == "Alice's door"
        download = checked_download(partial(may_view, cameras, door, Viewer(id=None), token),
                                    lambda: b"events")
        assert download() == b"events"
        cameras.revoke_link(door.id, link.id)
    else:  # made to end a minute ago: what a 1-day link is the day after
        link, token = cameras.share(door.id, expires=now - timedelta(minutes=1))
        download = checked_download(partial(may_view, cameras, door, Viewer(id=None), token),
                                    lambda: b"events")
    for who in (None, "bob@example.org"):
        at = visit(CAMERA_PAGE, who=who, camera=door.id, token=token)
        assert at.error[0].value.startswith(LINK_GONE)
        assert "Alice" not in shown_text(at) and not at.metric
    at = visit(CAMERA_PAGE, who="bob@example.org", camera=door.id)  # no access left
    assert at.error[0].value.startswith(CAMERA_NOT_FOUND)
    with pytest.raises(LinkGone, match=LINK_GONE):  # a download from a page still open
        download()


def test_the_camera_owner_makes_a_link_sees_who_opened_it_and_revokes_it(
        cameras: CameraStore, door: CameraRecord) -> None:
    at = visit(CAMERA_PAGE, who="alice@example.org", camera=door.id)
    assert plain("rtsp://***@cam.internal/1") in shown_text(at)  # hers (not the password)
    next(t for t in at.text_input if t.label == "Who it is for").set_value("the landlord")
    next(b for b in at.button if b.label == "Make a link").click().run()
    (made,) = cameras.share_links(door.id)
    shown = links_shown(at)
    assert len(shown) == 1 and shown[0].startswith(f"/?camera={door.id}&token=")
    token = shown[0].rsplit("=", 1)[1]
    visit(CAMERA_PAGE, who="bob@example.org", camera=door.id, token=token)
    at = visit(CAMERA_PAGE, who="bob@example.org", camera=door.id)  # shared with him now
    assert at.title[0].value == "Alice's door" and "Shared with you" in shown_text(at)
    at = visit(CAMERA_PAGE, who="alice@example.org", camera=door.id)
    assert "Opened by: bob@example\\.org" in shown_text(at)
    at.button(key=f"access_revoke_{made.id}").click().run()
    assert cameras.open_link(door.id, token) is None
    assert "revoked" in shown_text(visit(CAMERA_PAGE, who="alice@example.org",
                                         camera=door.id))
    at = visit(CAMERA_PAGE, who="bob@example.org", camera=door.id, token=token)
    assert at.error[0].value.startswith(LINK_GONE)


def test_an_admin_manages_anyones_camera_links(
        monkeypatch: pytest.MonkeyPatch, cameras: CameraStore, door: CameraRecord) -> None:
    monkeypatch.setenv("HEATMAP_ADMINS", "root@example.org")
    link, token = cameras.share(door.id, label="the landlord")
    at = visit(CAMERA_PAGE, who="root@example.org", camera=door.id)
    assert at.title[0].value == "Alice's door" and "Shared with you" not in shown_text(at)
    assert "the landlord" in shown_text(at)
    at.button(key=f"access_revoke_{link.id}").click().run()
    assert cameras.open_link(door.id, token) is None
    at = visit(CAMERAS_PAGE, who="root@example.org")  # the list, with Alice's controls
    assert "Alice's door" in shown_text(at)
    assert any(b.key and door.id in b.key for b in at.button)


def test_without_sign_in_a_camera_link_is_public_as_before(door: CameraRecord) -> None:
    at = visit(CAMERA_PAGE, sign_in=False, camera=door.id)
    assert at.title[0].value == "Alice's door"
    assert plain("rtsp://***@cam.internal/1") in shown_text(at)
    assert "Shared with you" not in shown_text(at)


BOB = "bob@example.org"


def camera_row(at: AppTest, camera_id: str) -> str:
    """What the Cameras page's row of `camera_id` shows ('' when it is not listed)."""
    rows = [c for c in at.get("flex_container")
            if c.proto.id.endswith(f"-cameras_row_{camera_id}")]
    return " ".join(str(e.value) for row in rows for kind in ("markdown", "caption")
                    for e in getattr(row, kind))


def camera_controls(at: AppTest, camera_id: str) -> list[str]:
    return [b.key for b in at.button if b.key and camera_id in b.key]


def test_a_camera_opened_through_its_link_is_listed_view_only(
        cameras: CameraStore, door: CameraRecord) -> None:
    bobs = cameras.add("Bob's gate", "rtsp://bob:pw@gate.internal/1", {}, owner=BOB)
    _, token = cameras.share(door.id, label="Bob")
    at = visit(CAMERAS_PAGE, who=BOB)  # the link not opened yet: only his own camera
    assert "Bob's gate" in shown_text(at) and "Alice" not in shown_text(at)
    visit(CAMERA_PAGE, who=BOB, camera=door.id, token=token)
    at = visit(CAMERAS_PAGE, who=BOB)
    assert "Shared with you: view only." in camera_row(at, door.id)
    (link,) = [p for p in at.get("page_link") if p.proto.label == "Alice's door"]
    assert link.proto.page.endswith("camera") and f"camera={door.id}" in link.proto.query_string
    assert not camera_controls(at, door.id)  # no Start, Stop, Remove
    assert [p.proto.popover.label for p in at.get("popover")] == ["Remove"]  # his own camera's only
    assert "internal" not in camera_row(at, door.id)  # not even its redacted address
    assert camera_controls(at, bobs.id)
    assert plain("rtsp://***@gate.internal/1") in camera_row(at, bobs.id)
    assert "Shared with you" not in camera_row(at, bobs.id)
    at = visit(CAMERA_PAGE, who=BOB, camera=door.id)  # its link, from the list
    assert at.title[0].value == "Alice's door" and "Shared with you" in shown_text(at)
    for who in (None, "carol@example.org"):  # nobody else sees it listed
        assert "Alice" not in shown_text(visit(CAMERAS_PAGE, who=who))


@pytest.mark.parametrize("ended", ["revoked", "expired"])
def test_a_shared_camera_leaves_the_list_when_its_link_ends(
        cameras: CameraStore, door: CameraRecord, tmp_path: Path, ended: str) -> None:
    if ended == "revoked":
        link, token = cameras.share(door.id)
        visit(CAMERA_PAGE, who=BOB, camera=door.id, token=token)
        at = visit(CAMERAS_PAGE, who=BOB)
        assert "Shared with you" in camera_row(at, door.id)
        cameras.revoke_link(door.id, link.id)
        at.run()  # the page left open, at its next refresh
    else:  # a 1-day link he opened the day before yesterday
        then = datetime.now(timezone.utc) - timedelta(days=2)
        earlier = CameraStore(None, tmp_path, clock=lambda: then)
        _, token = earlier.share(door.id, expires=then + timedelta(days=1))
        assert earlier.open_link(door.id, token, BOB) is not None
        assert [c.id for c in earlier.list(shared_with=BOB)] == [door.id]  # back then
        earlier.close()
        at = visit(CAMERAS_PAGE, who=BOB)
    assert not camera_row(at, door.id) and "Alice" not in shown_text(at)
    assert any(i.value.startswith("No camera yet") for i in at.info)


def test_the_owner_and_an_admin_list_the_camera_with_its_controls(
        monkeypatch: pytest.MonkeyPatch, cameras: CameraStore, door: CameraRecord) -> None:
    monkeypatch.setenv("HEATMAP_ADMINS", "root@example.org")  # read at the first visit
    _, token = cameras.share(door.id)
    visit(CAMERA_PAGE, who=BOB, camera=door.id, token=token)  # shared with Bob: no matter
    for who in ("alice@example.org", "root@example.org"):
        at = visit(CAMERAS_PAGE, who=who)
        assert plain("rtsp://***@cam.internal/1") in camera_row(at, door.id)
        assert "Shared with you" not in camera_row(at, door.id)
        assert camera_controls(at, door.id) == [f"cameras_start_{door.id}",
                                                f"cameras_stop_{door.id}",
                                                f"cameras_remove_{door.id}"]


def test_a_camera_button_asks_again_when_pressed(
        monkeypatch: pytest.MonkeyPatch, cameras: CameraStore, door: CameraRecord) -> None:
    """Root's page was drawn while he was an admin; he is one no longer when he presses
    Start, or Remove: neither acts."""
    for action in ("start", "remove"):
        monkeypatch.setenv("HEATMAP_ADMINS", "root@example.org")
        runtime.settings.clear()  # as a server restarted with the new list reads it
        at = visit(CAMERAS_PAGE, who="root@example.org")
        monkeypatch.setenv("HEATMAP_ADMINS", "")
        runtime.settings.clear()
        at.button(key=f"cameras_{action}_{door.id}").click().run()
        assert at.error[0].value == "Only the camera's owner (or an admin) can change it."
        assert not camera_controls(at, door.id)  # and the redrawn page has none
    record = cameras.get(door.id)
    assert record is not None and record.desired == "stopped"


def test_without_sign_in_the_cameras_page_lists_every_camera_with_controls(
        door: CameraRecord) -> None:
    at = visit(CAMERAS_PAGE, sign_in=False)
    assert plain("rtsp://***@cam.internal/1") in camera_row(at, door.id)
    assert "Shared with you" not in shown_text(at)
    assert len(camera_controls(at, door.id)) == 3
