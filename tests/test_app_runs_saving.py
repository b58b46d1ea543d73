"""Every upload analysis is saved as a run: complete or stopped, with the settings it
was made with, and the result says where the run is. A failed save is a warning, and
the result still shows. Also the pure helpers: links, names, words, day filters."""

from __future__ import annotations

import shutil
import time
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.analysis.models import ModelSpec
from dashboard.analysis.settings import AnalysisSettings
from dashboard.common.links import run_link
from dashboard.common.text import plain
from dashboard.runs.filter import RunFilter
from dashboard.runs.saving import SaveTo, run_name
from dashboard.runs.words import created_text, viewer_zone
from dashboard.upload.job import AnalysisJob
from heatmap_core import Region
from run_store import RunStore, is_run_id
from tests.helpers import links_shown
from tests.rtsp_camera import free_port, require_ray
from tests.saved_runs import LINE, street_video
from tests.upload_tier import local_uploads, request
from workers import Uploads

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HEATMAP_SAMPLE_VIDEO", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path


def analysed_upload(data_dir: Path, name: str, data: bytes, stop: bool = False) -> AppTest:
    """The upload page after analysing `data` with the motion detector (stopped at once
    if `stop`), once the result is shown."""
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    at.file_uploader(key="upload_file").set_value((name, data, "video/mp4"))
    at.run()
    at.button(key="upload_run").click().run()
    if stop:
        at.button(key="upload_stop").click().run()
    deadline = time.monotonic() + 90
    while not at.metric and time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
        assert not at.exception
    assert at.metric, "no result within the time limit"
    return at


def saved_notice(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Saved as run" in m.value)


def test_a_finished_analysis_is_saved_as_a_run_with_its_link(
        data_dir: Path, crossing_mp4: bytes) -> None:
    at = analysed_upload(data_dir, "Front door.mp4", crossing_mp4)
    (run,) = RunStore(None, data_dir).list()
    assert (run.name, run.kind, run.status, run.in_count) == (
        "Front door.mp4", "upload", "complete", 3)
    assert {m.label: int(m.value) for m in at.metric}["In"] == run.in_count
    assert saved_notice(at) == ("Saved as run **Front door\\.mp4**. "
                                "Anyone with the link can open its dashboard.")
    assert links_shown(at) == [f"/?run={run.id}"]
    assert is_run_id(run.id)
    at.button(key="upload_run_open").click().run()  # a button, not a link that looks like text
    assert at.title[0].value == plain("Front door.mp4")  # the run's own dashboard
    assert at.query_params["run"] == run.id


def test_the_run_keeps_the_settings_it_was_made_with(data_dir: Path,
                                                     crossing_mp4: bytes) -> None:
    analysed_upload(data_dir, "crossing.mp4", crossing_mp4)
    (run,) = RunStore(None, data_dir).list()
    assert run.settings["model"] == "motion"
    assert run.settings["colormap"] == "inferno"
    assert [r["kind"] for r in run.settings["regions"]] == ["line"]
    assert set(run.settings) == {"model", "classes", "regions", "colormap", "conf", "iou",
                                 "tracker", "decay_s", "opacity", "stride", "engine"}


def test_a_stopped_analysis_is_saved_as_partial(data_dir: Path, long_mp4: bytes) -> None:
    at = analysed_upload(data_dir, "long.mp4", long_mp4, stop=True)
    (run,) = RunStore(None, data_dir).list()
    assert run.partial and run.summary["frames"] < 3000
    assert "Saved as run **long\\.mp4** (partial)." in saved_notice(at)


def test_a_failed_save_is_a_warning_and_the_result_still_shows(
        data_dir: Path, crossing_mp4: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    # A database that is down for real: nothing listens where it should be.
    monkeypatch.setenv("DATABASE_URL", f"postgresql://heatmap:pw@127.0.0.1:{free_port()}/runs")
    at = analysed_upload(data_dir, "crossing.mp4", crossing_mp4)
    assert at.warning[0].value.startswith(
        "This result could not be saved as a run (the database of saved runs cannot be "
        "reached), so it has no link")
    assert {m.label: int(m.value) for m in at.metric}["In"] == 3
    assert not [m for m in at.markdown if "Saved as run" in m.value]
    assert "pw" not in at.warning[0].value


MOTION = ModelSpec("motion", "Motion detector", "you chose it", ("object",), "motion")
SETTINGS = AnalysisSettings(MOTION, None)


# --- The worker saves the run itself ---------------------------------------------------

@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory):
    require_ray()
    yield from local_uploads(tmp_path_factory.mktemp("data"))


def test_the_worker_saves_its_result_before_it_says_finished(
        uploads: Uploads, tmp_path: Path) -> None:
    video = street_video(tmp_path)
    store = RunStore(None, tmp_path / "data")
    save = SaveTo.into(store, SETTINGS, [], "street.mp4")
    job = AnalysisJob.submit(uploads, request(video, tmp_path / "out", LINE, save=save))
    state = job.join(120)
    assert state.status == "finished" and state.save_error is None
    assert state.saved is not None and state.saved.in_count == state.summary.in_count
    assert [r.id for r in store.list()] == [state.saved.id]
    assert state.saved.name == "street.mp4" and state.saved.settings["model"] == "motion"
    job.release()


def test_a_save_that_fails_leaves_the_result_finished(uploads: Uploads, tmp_path: Path) -> None:
    store = RunStore(None, tmp_path / "data")
    shutil.rmtree(tmp_path / "data" / "runs", ignore_errors=True)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "runs").write_text("a file where the runs' folder should be")
    job = AnalysisJob.submit(uploads, request(
        street_video(tmp_path), tmp_path / "out",
        save=SaveTo.into(store, SETTINGS, [], "street.mp4")))
    state = job.join(120)
    assert (state.status, state.saved) == ("finished", None)
    assert state.save_error == "the data folder could not be written (File exists)"
    assert (tmp_path / "out" / "summary.json").is_file()
    assert store.list() == []
    job.release()


def test_a_failed_analysis_is_not_saved(uploads: Uploads, tmp_path: Path) -> None:
    not_a_video = tmp_path / "notes.mp4"
    not_a_video.write_text("not a video")
    store = RunStore(None, tmp_path / "data")
    job = AnalysisJob.submit(uploads, request(
        not_a_video, tmp_path / "out", save=SaveTo.into(store, SETTINGS, [], "notes.mp4")))
    assert job.join(120).status == "failed" and store.list() == []
    job.release()


# --- Pure helpers ---------------------------------------------------------------------



def test_run_settings_are_plain_json_of_the_sidebar_and_the_regions() -> None:
    settings = AnalysisSettings(MOTION, None, "jet", ("object",), 0.3, 0.6,
                                "botsort.yaml", 0.4, 30.0, 2, "openvino")
    zone = Region(((0, 0), (100, 0), (100, 50)), name="door", in_direction="down")
    assert settings.record([zone]) == {
        "model": "motion", "classes": ["object"],
        "regions": [{"name": "door", "points": [[0.0, 0.0], [100.0, 0.0], [100.0, 50.0]],
                     "in_direction": "down", "kind": "zone"}],
        "colormap": "jet", "conf": 0.3, "iou": 0.6, "tracker": "botsort.yaml",
        "decay_s": 30.0, "opacity": 0.4, "stride": 2, "engine": "openvino"}


@pytest.mark.parametrize(("label", "name"), [
    ("Front door.mp4", "Front door.mp4"), ("  padded.mp4 ", "padded.mp4"),
    ("nul\x00.mp4", "nul.mp4"), ("   ", None), ("x" * 300, "x" * 200),
])
def test_a_run_is_named_after_the_video_the_user_gave(label: str, name: str | None) -> None:
    assert run_name(label) == name


@pytest.mark.parametrize(("page_url", "base_path", "link"), [
    ("http://127.0.0.1:8501/", "", "http://127.0.0.1:8501/?run=ID"),
    ("http://127.0.0.1:8501/runs", "", "http://127.0.0.1:8501/?run=ID"),
    ("https://cams.example.org/heat/compare", "heat", "https://cams.example.org/heat/?run=ID"),
    ("https://cams.example.org", "/heat/", "https://cams.example.org/heat/?run=ID"),
    (None, "", "/?run=ID"),
    ("", "heat", "/heat/?run=ID"),
])
def test_a_run_link_is_the_app_root_with_the_run_id(
        page_url: str | None, base_path: str, link: str) -> None:
    assert run_link("ID", page_url, base_path) == link


def test_a_run_link_escapes_what_it_is_given() -> None:
    assert run_link("a&b=c", "http://h/") == "http://h/?run=a%26b%3Dc"


@pytest.mark.parametrize(("text", "shown"), [
    ("Main entrance", "Main entrance"), ("**bold**", "\\*\\*bold\\*\\*"),
    (":red[alarm]", "\\:red\\[alarm\\]"), ("[x](javascript:y)", "\\[x\\]\\(javascript\\:y\\)"),
    ("two\nlines", "two lines"),
])
def test_names_are_shown_literally_in_markdown(text: str, shown: str) -> None:
    assert plain(text) == shown


def test_times_are_shown_in_the_viewers_zone() -> None:
    moment = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)
    assert created_text(moment, viewer_zone("Europe/Berlin")) == "03 Mar 2026, 00:30"
    assert created_text(moment, viewer_zone(None)) == "02 Mar 2026, 23:30"
    assert viewer_zone("Not/AZone") == timezone.utc


def test_a_day_range_runs_from_midnight_to_midnight_in_the_viewers_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    since, until = RunFilter("", date(2026, 3, 2), date(2026, 3, 3)).window(berlin)
    assert since == datetime(2026, 3, 1, 23, tzinfo=timezone.utc)
    assert until == datetime(2026, 3, 3, 23, tzinfo=timezone.utc)
    assert RunFilter().window(berlin) == (None, None)
