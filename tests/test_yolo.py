"""The real ultralytics path, with YOLO11n built from its yaml (random weights)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from heatmap_core import Heatmap, ModelLoadError, YoloDetector, load_model


def frames(video, count: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    out = [capture.read()[1] for _ in range(count)]
    capture.release()
    return out


def test_a_weights_file_loads_and_runs_on_real_footage(yolo_weights, vtest):
    heatmap = Heatmap(model=str(yolo_weights), region=[(0, 200), (480, 200)], verbose=False)
    for frame in frames(vtest, 3):
        results = heatmap(frame)
    assert results.plot_im.shape == (360, 480, 3)
    assert heatmap.names[0] == "person" and len(heatmap.names) == 80


def test_tracks_come_through_the_ultralytics_tracker(eager_yolo_weights, vtest):
    heatmap = Heatmap(model=str(eager_yolo_weights), max_det=8, classes=["person", "car"],
                      verbose=False)
    for frame in frames(vtest, 5):
        results = heatmap(frame)
    assert len(results.tracks) == 8
    assert set(results.tracks.class_id.tolist()) <= {0, 2}
    assert results.tracks_seen >= 8
    assert heatmap.heatmap is not None and heatmap.heatmap.max() > 0


def test_two_analyses_from_one_loaded_model_do_not_share_tracks(eager_yolo_weights, vtest):
    prototype = load_model(eager_yolo_weights)
    clip = frames(vtest, 6)
    alone = Heatmap(model=prototype, max_det=8, verbose=False)
    expected = [alone(f).tracks.track_id.tolist() for f in clip]
    first = Heatmap(model=prototype, max_det=8, verbose=False)
    second = Heatmap(model=prototype, max_det=8, verbose=False)
    got_first, got_second = [], []
    for frame in clip:  # interleaved, as two browser sessions would be
        got_first.append(first(frame).tracks.track_id.tolist())
        got_second.append(second(np.ascontiguousarray(frame[:, ::-1])).tracks.track_id.tolist())
    assert got_first == expected
    assert prototype.predictor is None  # the shared model never ran


def test_the_default_tracker_honours_conf():
    from heatmap_core.detectors.yolo import TRACKERS

    assert TRACKERS[0] == "bytetrack.yaml"
    assert Heatmap.__init__.__kwdefaults__["tracker"] == "bytetrack.yaml"


def test_missing_official_weights_say_how_to_get_them(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelLoadError) as error:
        load_model("yolo11n.pt")
    message = str(error.value)
    assert "could not be downloaded" in message and "model=motion" in message
    assert "\n" not in message


def test_a_missing_weights_path_is_named(tmp_path):
    with pytest.raises(ModelLoadError, match="no weights file at .*nothere.pt"):
        load_model(tmp_path / "nothere.pt")


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    fake = tmp_path / "weights.pt"
    fake.write_text("this is not a model")
    with pytest.raises(ModelLoadError, match="could not be loaded as a YOLO model"):
        load_model(fake)


def test_unknown_classes_and_trackers_are_clear_errors(yolo_weights):
    with pytest.raises(ValueError, match="unknown class 'unicorn'.*0 person"):
        YoloDetector(yolo_weights, classes=["unicorn"])
    with pytest.raises(ValueError, match="unknown tracker 'nope.yaml'"):
        YoloDetector(yolo_weights, tracker="nope.yaml")


@pytest.mark.parametrize("engine, suffix", [("onnx", ".onnx"), ("openvino", "_openvino_model")])
def test_faster_engines_export_once_and_track(engine, suffix, eager_yolo_weights, vtest,
                                              tmp_path, monkeypatch):
    monkeypatch.setenv("HEATMAP_CACHE_DIR", str(tmp_path))
    first = Heatmap(model=str(eager_yolo_weights), engine=engine, imgsz=320, max_det=8,
                    verbose=False)
    for frame in frames(vtest, 3):
        results = first(frame)
    assert len(results.tracks) == 8
    exports = list((tmp_path / "exports").iterdir())
    assert len(exports) == 1 and (exports[0] / f"model{suffix}").exists()
    second = Heatmap(model=load_model(eager_yolo_weights), engine=engine, imgsz=320,
                     verbose=False)  # from a loaded model: same cached export
    assert list((tmp_path / "exports").iterdir()) == exports
    assert second.names == first.names


def test_an_unknown_engine_is_a_clear_error(yolo_weights):
    with pytest.raises(ValueError, match="unknown engine 'tensorrt'.*openvino"):
        Heatmap(model=str(yolo_weights), engine="tensorrt")
