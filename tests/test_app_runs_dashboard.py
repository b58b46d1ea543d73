"""A saved run's dashboard at `/?run=<id>`: opened by a fresh session (nothing in its
state), it shows the run's own numbers from the store; a bad or unknown id is a clear
message with the way to the list, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.runs.dashboard_widgets import NOT_FOUND
from dashboard.runs.result import RunResult
from run_store import RunRecord, RunStore, new_run_id
from tests.helpers import links_shown
from tests.saved_runs import SETTINGS, analysed, live_session, street_video

APP = Path(__file__).resolve().parent.parent / "app.py"
UNREACHABLE_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"


@pytest.fixture(scope="module")
def analyses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("analyses")
    video = street_video(root)
    return {"complete": analysed(video, root / "complete"),
            "stopped": analysed(video, root / "stopped", stop_after=10),
            "live": live_session(root / "live")}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> RunStore:
    """The store the app uses: SQLite in this test's data folder."""
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return RunStore(None, tmp_path)


def open_link(query: str, page: str | None = None) -> AppTest:
    """A brand-new session opening the app's address with `?run=<query>`."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["run"] = query
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def cards(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def runs_list_link(at: AppTest) -> str:
    (link,) = [p for p in at.get("page_link") if p.proto.label == "All saved runs"]
    return link.proto.page


def test_the_link_shows_the_runs_numbers_in_a_fresh_session(
        store: RunStore, analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], name="Main entrance", settings=SETTINGS)
    at = open_link(run.id)
    assert at.title[0].value == "Main entrance"
    assert cards(at) == {"In": run.in_count, "Out": run.out_count,
                         "Inside now": run.summary["inside"], "Tracks": run.total_tracks}
    assert (run.in_count, run.out_count) == (1, 1)
    assert at.caption[0].value.startswith("Uploaded video · street\\.mp4 · saved ")
    assert at.caption[0].value.endswith(" · Complete")
    assert at.dataframe[0].value["direction"].tolist() == ["IN", "OUT"]
    assert not at.warning


def test_the_dashboard_offers_its_link_to_copy(store: RunStore,
                                               analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], settings=SETTINGS)
    (link,) = links_shown(open_link(run.id))
    assert link == f"/?run={run.id}"  # AppTest has no browser address; a browser
    # gets http://host:port/?run=<id> (see tests/test_app_runs_saving.py, run_link)


def test_every_file_can_be_downloaded_from_the_store(store: RunStore,
                                                     analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], settings=SETTINGS)
    buttons = open_link(run.id).get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Video .mp4", "Heatmap .png", "Raw heat .npy", "Events .csv", "Series .csv",
        "Summary .json", "Report .html"]
    assert not any(b.proto.disabled for b in buttons)


def test_the_settings_it_was_made_with_are_shown(store: RunStore,
                                                 analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], settings=SETTINGS)
    (settings,) = open_link(run.id).json
    assert json.loads(settings.proto.body) == run.settings == json.loads(json.dumps(SETTINGS))


def test_a_partial_run_says_so(store: RunStore, analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["stopped"], settings=SETTINGS)
    at = open_link(run.id)
    assert at.caption[0].value.endswith(" · Partial: was stopped")
    assert at.warning[0].value.startswith("Partial result: the analysis was stopped after")


def test_a_live_session_has_no_video_but_everything_else(store: RunStore,
                                                         analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["live"], name="Lobby webcam", settings=SETTINGS,
                         kind="live")
    at = open_link(run.id)
    assert at.caption[0].value.startswith("Live session · webcam · saved ")
    assert cards(at)["In"] == run.in_count == 1
    assert any(c.value.startswith("No annotated video: a live session") for c in at.caption)
    video, *others = at.get("download_button")
    assert video.proto.disabled and not any(b.proto.disabled for b in others)


def test_the_dashboard_also_opens_at_the_run_pages_own_address(
        store: RunStore, analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], name="Main entrance", settings=SETTINGS)
    at = open_link(run.id, page="app_pages/run.py")  # /run?run=<id>, as links in the app go
    assert at.title[0].value == "Main entrance"


@pytest.mark.parametrize("query", [
    "", "nope", "../../etc/passwd", "' OR 1=1 --", "a" * 21, "a" * 23, "%00" * 8,
    "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ",
])
def test_a_malformed_id_is_a_clear_message(store: RunStore, query: str) -> None:
    at = open_link(query)
    assert at.error[0].value.startswith(NOT_FOUND)
    assert runs_list_link(at) == "runs"
    assert not at.metric


def test_an_unknown_or_deleted_run_is_the_same_message(
        store: RunStore, analyses: dict[str, Path]) -> None:
    assert open_link(new_run_id()).error[0].value.startswith(NOT_FOUND)
    run = store.save_run(analyses["complete"], settings=SETTINGS)
    store.delete(run.id)
    at = open_link(run.id)
    assert at.error[0].value == (f"{NOT_FOUND} Check the link, or find the run in the list "
                                 "of saved runs.")
    assert runs_list_link(at) == "runs"


def test_a_run_whose_files_are_gone_says_so(store: RunStore,
                                            analyses: dict[str, Path]) -> None:
    run = store.save_run(analyses["complete"], settings=SETTINGS)
    shutil.rmtree(store.data_dir / "runs" / run.id)
    at = open_link(run.id)
    assert not at.metric
    assert at.error[0].value.startswith("This run's files are missing on the server")
    assert runs_list_link(at) == "runs"


def test_an_unreachable_database_is_a_message_not_a_traceback(
        store: RunStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE_DATABASE)
    at = open_link(new_run_id())
    assert at.error[0].value == "The saved runs cannot be read right now. Try again in a moment."


def test_without_a_run_the_address_is_the_upload_page(store: RunStore) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert at.title[0].value == "Video heatmap"


def test_a_stored_run_reads_back_as_its_folder_did(store: RunStore,
                                                   analyses: dict[str, Path]) -> None:
    run: RunRecord = store.save_run(analyses["complete"], settings=SETTINGS)
    stored, folder = RunResult.from_store(store, run.id), RunResult.load(analyses["complete"])
    assert stored.summary == folder.summary
    pd.testing.assert_frame_equal(stored.events, folder.events)
    assert stored.path("heatmap_png").read_bytes() == folder.path("heatmap_png").read_bytes()
    assert stored.path("heatmap_png").parent == store.data_dir / "runs" / run.id
