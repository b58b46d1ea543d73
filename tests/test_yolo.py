"""The real ultralytics path, with YOLO11n built from its yaml (random weights)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from heatmap_core import (
    DEFAULT_TRACKER,
    DEFAULT_WEIGHTS,
    TRACKERS,
    Heatmap,
    ModelLoadError,
    YoloDetector,
    is_official_name,
    load_model,
    official_weights,
)

# The eager model's person logit is 4 (see conftest): every detection scores sigmoid(4).
EAGER_SCORE = 1 / (1 + math.exp(-4.0))


def frames(video, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    out = [capture.read()[1] for _ in range(count)]
    capture.release()
    return out


def test_a_weights_file_loads_and_runs_on_real_footage(yolo_weights, footage):
    heatmap = Heatmap(model=str(yolo_weights), region=[(0, 200), (480, 200)], verbose=False)
    for frame in frames(footage, 3):
        results = heatmap(frame)
    assert results.plot_im.shape == (360, 480, 3)
    assert heatmap.names[0] == "person" and len(heatmap.names) == 80


def test_tracks_come_through_the_ultralytics_tracker(eager_yolo_weights, footage):
    heatmap = Heatmap(model=str(eager_yolo_weights), max_det=8, classes=["person", "car"],
                      verbose=False)
    for frame in frames(footage, 5):
        results = heatmap(frame)
    assert len(results.tracks) == 8
    assert set(results.tracks.class_id.tolist()) <= {0, 2}
    assert results.tracks_seen >= 8
    assert heatmap.heatmap is not None and heatmap.heatmap.max() > 0


def test_two_analyses_from_one_loaded_model_do_not_share_tracks(eager_yolo_weights, footage):
    prototype = load_model(eager_yolo_weights)
    clip = frames(footage, 6)
    alone = Heatmap(model=prototype, max_det=8, verbose=False)
    expected = [alone(f).tracks.track_id.tolist() for f in clip]
    first = Heatmap(model=prototype, max_det=8, verbose=False)
    second = Heatmap(model=prototype, max_det=8, verbose=False)
    mirrored = [np.ascontiguousarray(f[:, ::-1]) for f in clip]
    mirrored_alone = Heatmap(model=prototype, max_det=8, verbose=False)
    expected_mirrored = [mirrored_alone(f).tracks.track_id.tolist() for f in mirrored]
    got_first, got_second = [], []
    for frame, flipped in zip(clip, mirrored, strict=True):  # interleaved, as two sessions
        got_first.append(first(frame).tracks.track_id.tolist())
        got_second.append(second(flipped).tracks.track_id.tolist())
    assert got_first == expected
    assert got_second == expected_mirrored
    assert got_first[-1] and got_second[-1]  # both tracked something
    assert prototype.predictor is None  # the shared model never ran


def test_the_default_tracker_honours_conf(eager_yolo_weights, footage):
    clip = frames(footage, 5)

    def tracks_with(conf: float) -> list[int]:
        detector = YoloDetector(eager_yolo_weights, conf=conf, imgsz=320, max_det=8)
        assert detector.tracker == DEFAULT_TRACKER
        counts = []
        for index, frame in enumerate(clip):
            tracks = detector.update(frame, index / 10)
            assert (tracks.confidence >= conf).all()
            counts.append(len(tracks))
        return counts

    assert tracks_with(EAGER_SCORE - 0.02)[1:] == [8, 8, 8, 8]
    assert tracks_with(EAGER_SCORE + 0.005) == [0, 0, 0, 0, 0]


def test_trackers_lists_every_tracker_ultralytics_ships():
    import ultralytics

    shipped = Path(ultralytics.__file__).parent / "cfg" / "trackers"
    assert sorted(TRACKERS) == sorted(p.name for p in shipped.glob("*.yaml"))
    assert TRACKERS[0] == DEFAULT_TRACKER == "bytetrack.yaml"


@pytest.mark.parametrize("tracker", TRACKERS)
def test_every_listed_tracker_tracks_real_footage_offline(tracker, eager_yolo_weights, footage):
    heatmap = Heatmap(model=str(eager_yolo_weights), tracker=tracker, imgsz=320, max_det=8,
                      verbose=False)
    seen = [len(heatmap(frame).tracks) for frame in frames(footage, 5)]
    assert seen[-1] > 0 and heatmap.tracks_seen > 0


def test_a_model_is_named_by_the_caller_or_by_its_weights(eager_yolo_weights):
    prototype = load_model(eager_yolo_weights)
    assert Heatmap(model=prototype, model_name="best.pt", verbose=False).model_name == "best.pt"
    assert Heatmap(model=prototype, verbose=False).model_name == eager_yolo_weights.name
    assert Heatmap(model=str(eager_yolo_weights), verbose=False).model_name == (
        eager_yolo_weights.name)


def test_using_ultralytics_turns_its_auto_install_off_without_touching_the_environment(
        yolo_weights, footage):
    # Ultralytics and torch set variables of their own when imported and on a first
    # prediction: a bare model runs first, so only our own code is measured.
    code = ("import os, sys, numpy, cv2, ultralytics; "
            "ultralytics.YOLO(sys.argv[2]).predict(numpy.zeros((64, 64, 3), numpy.uint8), "
            "imgsz=64, verbose=False); before = dict(os.environ); "
            "from heatmap_core import YoloDetector, open_video; "
            "open_video(sys.argv[1]).close(); YoloDetector(sys.argv[2], imgsz=64); "
            "import ultralytics.utils.checks as checks; "
            "changed = sorted(k for k in before.keys() | os.environ.keys() "
            "if before.get(k) != os.environ.get(k)); "
            "print(checks.AUTOINSTALL, changed)")
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("OPENCV_FFMPEG_LOGLEVEL", "YOLO_AUTOINSTALL")}
    done = subprocess.run([sys.executable, "-c", code, str(footage), str(yolo_weights)],
                          capture_output=True, text=True, env=environment)
    assert (done.returncode, done.stdout.strip()) == (0, "False []"), done.stderr


def test_the_official_weights_start_with_the_default_and_are_all_official():
    names = official_weights()
    assert names[0] == DEFAULT_WEIGHTS == "yolo11n.pt"
    assert {"yolo11s.pt", "yolo26n.pt", "yolov8n.pt"} <= set(names)
    assert all(is_official_name(n) and not n.endswith(("-seg.pt", "-cls.pt")) for n in names)


def test_missing_official_weights_say_how_to_get_them(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelLoadError) as error:
        load_model("yolo11n.pt")
    message = str(error.value)
    assert "could not be downloaded" in message and "model=motion" in message
    assert "\n" not in message


def test_a_missing_weights_path_is_named(tmp_path):
    with pytest.raises(ModelLoadError, match=r"no weights file at .*nothere\.pt"):
        load_model(tmp_path / "nothere.pt")


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    fake = tmp_path / "weights.pt"
    fake.write_text("this is not a model")
    with pytest.raises(ModelLoadError, match="could not be loaded as a YOLO model"):
        load_model(fake)


def test_unknown_classes_and_trackers_are_clear_errors(yolo_weights):
    with pytest.raises(ValueError, match=r"unknown class 'unicorn'.*0 person"):
        YoloDetector(yolo_weights, classes=["unicorn"])
    with pytest.raises(ValueError, match=r"unknown tracker 'nope\.yaml': use one of bytetrack"):
        YoloDetector(yolo_weights, tracker="nope.yaml")


@pytest.mark.parametrize("engine, suffix", [("onnx", ".onnx"), ("openvino", "_openvino_model")])
def test_faster_engines_export_once_and_track(engine, suffix, eager_yolo_weights, footage,
                                              tmp_path):
    first = Heatmap(model=str(eager_yolo_weights), engine=engine, imgsz=320, max_det=8,
                    verbose=False, cache_dir=tmp_path)
    exports = list((tmp_path / "exports").iterdir())
    assert len(exports) == 1 and (exports[0] / f"model{suffix}").exists()  # square, 320
    clip = frames(footage, 3)
    for frame in clip:
        results = first(frame)
    assert len(results.tracks) == 8
    # the 360x480 footage's own shape, as PyTorch letterboxes it: 256x320, not 320x320
    shaped = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert len(shaped) == 2 and shaped[0].endswith(f"-{engine}-256x320")
    second = Heatmap(model=load_model(eager_yolo_weights), engine=engine, imgsz=320,
                     max_det=8, verbose=False,
                     cache_dir=tmp_path)  # from a loaded model: the same exports
    for frame in clip:
        again = second(frame)
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == shaped
    assert second.names == first.names
    np.testing.assert_allclose(again.tracks.xyxy, results.tracks.xyxy, atol=1e-3)


@pytest.mark.parametrize(("frame", "shape"), [
    ((1080, 1920), (384, 640)), ((360, 480), (480, 640)), ((640, 640), (640, 640)),
    ((1920, 1080), (640, 384)), ((100, 1000), (64, 640))])
def test_the_input_shape_is_the_one_pytorch_letterboxes_a_frame_to(frame, shape):
    from heatmap_core.detectors.yolo import letterbox_shape

    assert letterbox_shape(frame, 640) == shape


def test_an_unknown_engine_is_a_clear_error(yolo_weights):
    with pytest.raises(ValueError, match=r"unknown engine 'tensorrt'.*openvino"):
        Heatmap(model=str(yolo_weights), engine="tensorrt")


def test_ultralytics_messages_lose_their_emoji_but_keep_their_words() -> None:
    from heatmap_core.detectors.ultralytics_setup import first_line

    error = RuntimeError("⚠️ Ultralytics: ❌ weights not found 🚀\nsecond line")
    assert first_line(error) == "Ultralytics: weights not found"
    assert first_line(ValueError("Ünïcode naïve café 123")) == "Ünïcode naïve café 123"


@pytest.mark.parametrize("tracker", TRACKERS)
def test_detecting_ahead_gives_the_tracks_of_update_frame_by_frame(tracker, eager_yolo_weights,
                                                                   footage):
    import torch

    clip = frames(footage, 12)
    one_by_one = YoloDetector(eager_yolo_weights, tracker=tracker, imgsz=320, max_det=8)
    expected = [one_by_one.update(frame, i / 10) for i, frame in enumerate(clip)]
    ahead = YoloDetector(eager_yolo_weights, tracker=tracker, imgsz=320, max_det=8)
    threads = torch.get_num_threads()
    items = [(i, i / 10, frame) for i, frame in enumerate(clip)]
    got = list(ahead.detect_ahead(iter(items), workers=2))
    assert torch.get_num_threads() == threads  # restored
    assert [item for item, _ in got] == items
    assert sum(len(t) for t in expected) > 0
    for want, (_, have) in zip(expected, got, strict=True):
        assert have.track_id.tolist() == want.track_id.tolist()
        assert have.class_id.tolist() == want.class_id.tolist()
        assert have.retired_ids == want.retired_ids
        # detection ran on another thread count: the same boxes up to float rounding
        np.testing.assert_allclose(have.xyxy, want.xyxy, atol=1e-2)
        np.testing.assert_allclose(have.confidence, want.confidence, atol=1e-4)


def test_a_file_analysed_ahead_counts_as_frame_by_frame(eager_yolo_weights, footage, tmp_path):
    from heatmap_core import analyse_video
    from heatmap_core.video import open_video

    options = dict(model=str(eager_yolo_weights), region=[(0, 180), (480, 180)], imgsz=320,
                   max_det=8, verbose=False)
    summary = analyse_video(footage, Heatmap(**options), tmp_path / "ahead", max_frames=40)
    by_frame = Heatmap(**options)
    with open_video(footage) as reader:
        for index, time_s, frame in reader:
            if index >= 40:
                break
            results = by_frame(frame, time_s, frame_index=index)
    assert summary.frames_analysed == 40
    assert (summary.in_count, summary.out_count) == (results.in_count, results.out_count)
    assert summary.total_tracks == results.tracks_seen > 0
    heat = np.load(tmp_path / "ahead" / "heatmap.npy")
    assert by_frame.heatmap is not None and by_frame.heatmap.max() > 0
    np.testing.assert_allclose(heat, by_frame.heatmap, rtol=1e-3, atol=1e-3)
    written = (tmp_path / "ahead" / "events.csv").read_text().splitlines()[1:]
    assert [row.split(",")[2:5] for row in written] == [
        [str(e.track_id), e.class_name, e.direction] for e in by_frame.events]


def test_quiet_blocks_that_overlap_in_threads_restore_the_level_when_the_last_leaves():
    import logging

    from heatmap_core.detectors.ultralytics_setup import quiet_ultralytics

    logger = logging.getLogger("ultralytics")
    before = logger.level
    first, second = quiet_ultralytics(), quiet_ultralytics()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first leaves while the second is inside
    assert logger.getEffectiveLevel() >= logging.WARNING
    second.__exit__(None, None, None)
    assert logger.level == before
