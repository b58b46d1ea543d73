"""The upload page, driven like a user would through Streamlit's AppTest."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heatmap_core import COLORMAPS
from run_store import RunStore

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.fixture
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HEATMAP_SAMPLE_VIDEO", raising=False)
    return tmp_path


@pytest.fixture
def app(data_dir: Path) -> AppTest:
    """The app, opened, with the motion detector chosen (auto may pick YOLO online)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "video/mp4") -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, data, mime))
    return at.run()


def points_box(at: AppTest):
    return next(t for t in at.text_input if t.key.endswith("_points"))


def run_button(at: AppTest):
    return at.button(key="upload_run")


def wait_for_result(at: AppTest, timeout: float = 90) -> AppTest:
    """Rerun the page (as the progress fragment does) until the result is shown."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.3)
        at.run()
        assert not at.exception
        if at.metric:
            return at
    raise AssertionError("no result within the time limit")


def cards(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def only_summary(data_dir: Path) -> dict:
    (summary,) = data_dir.glob("sessions/*/runs/*/summary.json")
    return json.loads(summary.read_text())


def test_the_page_offers_an_upload_with_its_limit_and_the_sample() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Video heatmap"
    uploader = at.file_uploader(key="upload_file")
    assert "up to 1024 MB" in uploader.label
    assert set(uploader.proto.type) >= {".mp4", ".avi", ".mov", ".mkv", ".webm"}
    assert at.button(key="upload_sample").label == "Try the sample video"


def test_the_page_says_which_model_runs_and_why(app: AppTest) -> None:
    assert app.info[0].value.startswith("**Model: Motion detector.** You chose the built-in "
                                        "motion detector")


def test_auto_says_it_runs_yolo11n_when_its_weights_are_here(
        data_dir: Path, yolo_weights: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import runtime

    monkeypatch.chdir(data_dir)  # Ultralytics finds yolo11n.pt in the working folder
    (data_dir / "yolo11n.pt").write_bytes(yolo_weights.read_bytes())
    runtime.loaded_model.clear()
    try:
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        (model_info,) = [i.value for i in at.info if i.value.startswith("**Model:")]
        assert model_info.startswith("**Model: YOLO11n.** Auto: YOLO11n's weights are "
                                     "available, so YOLO11n runs. It knows 80 classes.")
    finally:
        runtime.loaded_model.clear()


def test_auto_says_it_runs_the_motion_detector_when_yolo11n_cannot_load(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import runtime
    from dashboard.analysis.models import DEFAULT_YOLO, load_prototype

    monkeypatch.chdir(data_dir)
    runtime.loaded_model.clear()
    if load_prototype(DEFAULT_YOLO).prototype is not None:
        pytest.skip("this machine can download yolo11n.pt, so Auto runs YOLO11n here")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    (model_info,) = [i.value for i in at.info if i.value.startswith("**Model:")]
    assert model_info.startswith("**Model: Motion detector.** Auto: YOLO11n's weights "
                                 "(yolo11n.pt) are not on this server")


def test_every_sidebar_setting_has_a_sensible_default_and_a_help_tooltip(app: AppTest) -> None:
    sidebar = app.sidebar
    widgets = [*sidebar.selectbox, *sidebar.multiselect, *sidebar.slider,
               *sidebar.number_input]
    assert {w.label for w in widgets} >= {
        "Model", "Classes", "Colormap", "Heatmap opacity", "Heat half-life (s)",
        "Confidence", "IoU", "Tracker", "Faster: analyse every n-th frame", "Engine"}
    assert all(w.help for w in widgets), [w.label for w in widgets if not w.help]
    defaults = {w.label: w.value for w in widgets}
    assert defaults["Colormap"] == "inferno" and defaults["Classes"] == []
    assert (defaults["Confidence"], defaults["IoU"], defaults["Heatmap opacity"]) == (
        0.25, 0.7, 0.5)
    assert defaults["Tracker"] == "bytetrack.yaml" and defaults["Engine"] == "pytorch"
    assert sidebar.selectbox(key="upload_colormap").options == list(COLORMAPS)
    assert len(COLORMAPS) == 22


def test_the_motion_detector_offers_its_one_class_and_no_yolo_options(app: AppTest) -> None:
    classes = app.sidebar.multiselect[0]
    assert classes.options == ["object"]
    assert app.sidebar.slider(key="upload_conf").disabled


def test_uploaded_yolo_weights_offer_the_models_classes_and_run(
        app: AppTest, yolo_weights: Path, crossing_mp4: bytes, data_dir: Path) -> None:
    app.sidebar.selectbox(key="upload_model").set_value("uploaded").run()
    app.sidebar.file_uploader(key="upload_weights").set_value(
        ("best.pt", yolo_weights.read_bytes(), "application/octet-stream")).run()
    assert not app.sidebar.error
    classes = app.sidebar.multiselect[0]
    assert classes.options[:3] == ["person", "bicycle", "car"]
    classes.set_value(["person", "car"]).run()
    assert "You uploaded best.pt" in app.info[0].value

    upload(app, "crossing.mp4", crossing_mp4)
    run_button(app).click().run()
    wait_for_result(app, timeout=180)
    summary = only_summary(data_dir)
    assert summary["classes"] == ["person", "car"] and summary["frames"] == 70
    assert summary["model"] == "best.pt"


def test_a_faster_engine_converts_the_uploaded_weights_and_runs(
        app: AppTest, yolo_weights: Path, crossing_mp4: bytes, data_dir: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import runtime

    monkeypatch.setenv("HEATMAP_CACHE_DIR", str(tmp_path / "cache"))
    runtime.settings.clear()  # as a server started with this setting reads it
    app.sidebar.selectbox(key="upload_model").set_value("uploaded").run()
    app.sidebar.file_uploader(key="upload_weights").set_value(
        ("best.pt", yolo_weights.read_bytes(), "application/octet-stream")).run()
    app.sidebar.selectbox(key="upload_engine").set_value("openvino").run()
    upload(app, "crossing.mp4", crossing_mp4)
    run_button(app).click().run()
    wait_for_result(app, timeout=180)
    assert only_summary(data_dir)["frames"] == 70
    assert list((tmp_path / "cache" / "exports").glob("*-openvino-640"))


def test_weights_that_cannot_load_are_an_error_and_nothing_can_run(
        app: AppTest, crossing_mp4: bytes) -> None:
    app.sidebar.selectbox(key="upload_model").set_value("uploaded").run()
    app.sidebar.file_uploader(key="upload_weights").set_value(
        ("broken.pt", b"not a model", "application/octet-stream")).run()
    assert not app.exception
    assert "broken.pt could not be loaded" in app.sidebar.error[0].value
    upload(app, "crossing.mp4", crossing_mp4)
    assert any("No model can run" in e.value for e in app.error)
    assert run_button(app).disabled


def test_the_sample_runs_to_a_result_whose_cards_match_its_summary(
        app: AppTest, data_dir: Path) -> None:
    app.button(key="upload_sample").click().run()
    assert points_box(app).value == "[(0, 180), (640, 180)]"  # the rendered 640x360 scene
    run_button(app).click().run()
    wait_for_result(app)
    summary = only_summary(data_dir)
    assert cards(app) == {"In": summary["in_count"], "Out": summary["out_count"],
                          "Inside now": summary["inside"], "Tracks": summary["total_tracks"]}
    assert summary["in_count"] + summary["out_count"] > 0 and not summary["partial"]
    assert [b.label for b in app.get("download_button")] == [
        "Video .mp4", "Heatmap .png", "Raw heat .npy", "Events .csv", "Series .csv",
        "Summary .json", "Report .html"]
    assert [t.label for t in app.tabs] == ["Cumulative", "Per interval", "Per class"]
    assert not app.warning  # not partial


def test_changing_a_widget_after_a_run_shows_the_same_result_without_analysing_again(
        app: AppTest, crossing_mp4: bytes, data_dir: Path) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    run_button(app).click().run()
    wait_for_result(app)
    before = cards(app)
    app.selectbox(key=next(s.key for s in app.selectbox if s.key.endswith("_bin"))
                  ).set_value(1).run()
    app.sidebar.selectbox(key="upload_colormap").set_value("jet").run()
    assert cards(app) == before and before["In"] == 3
    assert len(list(data_dir.glob("sessions/*/runs/*"))) == 1


def test_a_text_file_named_mp4_is_a_clear_error_and_the_app_stays_usable(
        app: AppTest, data_dir: Path) -> None:
    upload(app, "notes.mp4", b"these are my notes, not a video")
    assert not app.exception
    (error,) = app.error
    assert "**notes\\.mp4** cannot be analysed" in error.value  # the name, literally
    assert "Upload a video file (MP4, AVI, MOV, MKV or WebM)" in error.value
    assert str(data_dir) not in error.value  # no server paths
    assert not list(data_dir.glob("sessions/*/upload/*"))  # the useless copy is gone

    app.button(key="upload_sample").click().run()
    assert not app.error
    assert points_box(app).value


def test_an_odd_file_name_is_shown_as_typed_never_as_markdown(app: AppTest) -> None:
    name = "../**bold** [link](http://x) <b>tag</b>.mp4"
    upload(app, name, b"not a video at all")
    shown = app.error[0].value
    assert shown.startswith(r"**\.\./\*\*bold\*\* \[link\]\(http\://x\) \<b\>tag\</b\>\.mp4** ")


def test_an_empty_upload_is_a_clear_error(app: AppTest) -> None:
    upload(app, "empty.mov", b"", "video/quicktime")
    assert "**empty\\.mov** cannot be analysed" in app.error[0].value
    assert "empty" in app.error[0].value


def test_a_malformed_typed_region_is_an_error_and_run_is_disabled(
        app: AppTest, crossing_mp4: bytes) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    assert not run_button(app).disabled
    points_box(app).set_value("[(0, 120), (320").run()
    assert "The region is not valid" in app.error[0].value
    assert "[(0, 120), (320, 120)]" in app.error[0].value  # an example to copy
    assert run_button(app).disabled
    points_box(app).set_value("[(0, 120), (320, 120)]").run()
    assert not app.error and not run_button(app).disabled


def test_a_region_outside_the_frame_is_an_error_and_run_is_disabled(
        app: AppTest, crossing_mp4: bytes) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    points_box(app).set_value("[(0, 120), (1080, 400)]").run()
    assert "outside the 320x240 frame" in app.error[0].value
    assert run_button(app).disabled


def test_a_zone_with_an_in_direction_runs(app: AppTest, crossing_mp4: bytes,
                                          data_dir: Path) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    points_box(app).set_value("[(0, 90), (320, 90), (320, 150), (0, 150)]").run()
    next(s for s in app.selectbox if s.key.endswith("_direction")).set_value("down").run()
    run_button(app).click().run()
    wait_for_result(app)
    region = only_summary(data_dir)["regions"][0]
    assert (region["kind"], region["in_direction"], region["in_count"]) == ("zone", "down", 3)


def test_points_typed_just_before_run_are_the_ones_counted(app: AppTest, crossing_mp4: bytes,
                                                           data_dir: Path) -> None:
    # Typed and Run pressed before the page drew again (one rerun carries both): Run's
    # callback was bound to the region of the previous drawing, the default line.
    upload(app, "crossing.mp4", crossing_mp4)
    points_box(app).set_value("[(0, 90), (320, 90), (320, 150), (0, 150)]")
    run_button(app).click().run()
    wait_for_result(app)
    region = only_summary(data_dir)["regions"][0]
    assert region["kind"] == "zone"
    assert region["points"] == [[0, 90], [320, 90], [320, 150], [0, 150]]


def analysing(at: AppTest) -> bool:
    """The progress bar says which frame the worker is at."""
    bars = at.get("progress")
    return bool(bars) and "Frame " in bars[0].proto.text


def test_stop_keeps_what_was_done_and_the_result_says_partial(
        app: AppTest, long_mp4: bytes, data_dir: Path) -> None:
    upload(app, "long.mp4", long_mp4)
    run_button(app).click().run()
    assert app.button(key="upload_stop")
    rerun_until(app, analysing, 60)  # the worker has started on it
    app.button(key="upload_stop").click().run()
    wait_for_result(app)
    summary = only_summary(data_dir)
    assert summary["partial"] and summary["frames"] < 3000
    assert "Partial result: the analysis was stopped" in app.warning[0].value


def test_removing_the_uploaded_video_clears_the_page(app: AppTest, crossing_mp4: bytes,
                                                     data_dir: Path) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    assert list(data_dir.glob("sessions/*/upload/crossing.mp4"))
    app.file_uploader(key="upload_file").set_value(None).run()
    assert not app.text_input and not app.error
    assert not list(data_dir.glob("sessions/*/upload/*"))


def rerun_until(at: AppTest, done, timeout: float = 30) -> AppTest:
    """Rerun the page (as its progress fragment does) until `done(at)`."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, "the page never got there"
        time.sleep(0.2)
        at.run()
    return at


def test_one_point_keeps_run_disabled_until_the_region_is_finished(
        app: AppTest, crossing_mp4: bytes) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    points_box(app).set_value("[(10, 120)]").run()
    assert run_button(app).disabled
    assert any("finish the region" in c.value for c in app.caption)
    assert "Click a second point to finish the line." in [i.value for i in app.info]
    points_box(app).set_value("[(10, 120), (300, 120)]").run()
    assert not run_button(app).disabled


def test_when_no_worker_is_free_a_run_waits_then_starts(
        data_dir: Path, crossing_mp4: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    import ray

    from dashboard.config import Settings
    from tests.test_app_job import slot_holder
    from workers import connect

    monkeypatch.setenv("HEATMAP_MAX_ANALYSES", "1")
    if ray.is_initialized():
        ray.shutdown()  # the embedded Ray starts again, with this server's one slot
    connect(Settings.from_environ(os.environ).camera_workers)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.sidebar.selectbox(key="upload_model").set_value("motion").run()
    holder = slot_holder()  # someone else's analysis holds the only slot
    try:
        upload(at, "crossing.mp4", crossing_mp4)
        run_button(at).click().run()
        rerun_until(at, lambda at: any(i.value.startswith(
            "Waiting for a free worker: yours starts as soon as one is free (this server "
            "analyses 1 videos at a time") for i in at.info))
        assert not at.metric and at.button(key="upload_stop")
    finally:
        ray.kill(holder)
    wait_for_result(at)  # the slot is free: it starts and finishes
    assert cards(at)["In"] == 3


def test_a_reloaded_page_finds_its_running_analysis_again(
        app: AppTest, long_mp4: bytes, data_dir: Path) -> None:
    upload(app, "long.mp4", long_mp4)
    run_button(app).click().run()
    upload_id = app.query_params["upload"]  # the address names the running upload
    rerun_until(app, analysing, 60)
    again = AppTest.from_file(str(APP), default_timeout=60)  # a reload: a new session
    again.query_params["upload"] = upload_id
    again.run()
    assert not again.exception
    assert analysing(again) and points_box(again).value  # its progress, and its video
    assert again.button(key="upload_run").disabled
    assert "Model: motion" in [c.value for c in again.caption]  # what it runs, whatever
    # the new session's sidebar says
    again.button(key="upload_stop").click().run()
    wait_for_result(again)
    assert only_summary(data_dir)["partial"]
    assert "upload" not in again.query_params  # collected: the address forgets it
    (run,) = RunStore(None, data_dir).list()  # saved by the worker
    assert run.partial and run.name == "long.mp4"


def test_a_lost_worker_is_started_again_and_the_page_says_so(
        app: AppTest, long_mp4: bytes, data_dir: Path) -> None:
    import signal

    import ray

    from dashboard.config import Settings

    upload(app, "long.mp4", long_mp4)
    run_button(app).click().run()
    rerun_until(app, analysing, 60)
    namespace = Settings.from_environ(os.environ).camera_workers.namespace
    worker = ray.get_actor(f"upload-{app.query_params['upload']}", namespace=namespace)
    os.kill(ray.get(worker.pid.remote(), timeout=10), signal.SIGKILL)
    rerun_until(app, lambda at: analysing(at) and any(
        "analysis started again from the first frame" in c.value for c in at.caption), 60)
    app.button(key="upload_stop").click().run()
    wait_for_result(app)
    assert not app.exception and only_summary(data_dir)["partial"]


def test_an_address_naming_no_running_upload_shows_the_plain_page(app: AppTest) -> None:
    for unknown in ("0123456789abcdef", "../../etc"):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.query_params["upload"] = unknown
        at.run()
        assert not at.exception and not at.error
        assert "upload" not in at.query_params
        assert at.button(key="upload_sample")


def test_the_video_and_its_result_are_still_there_after_visiting_another_page(
        app: AppTest, crossing_mp4: bytes) -> None:
    upload(app, "crossing.mp4", crossing_mp4)
    run_button(app).click().run()
    app.switch_page("app_pages/runs.py").run()  # while it runs
    assert any("is running" in i.value for i in app.info)
    app.switch_page("app_pages/upload.py").run()
    assert points_box(app).value  # the video is still there, with its region
    wait_for_result(app)
    app.switch_page("app_pages/runs.py").run()
    app.switch_page("app_pages/upload.py").run()
    assert cards(app)["In"] == 3  # and so is the result
