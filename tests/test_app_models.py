"""Choosing the detector: auto falls back to motion with a reason; weights load once."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from dashboard.analysis import models
from heatmap_core import Heatmap, ModelLoadError, is_official_name, official_weights


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


def loads_as(prototype: object | None, error: str | None = None) -> models.Loader:
    """A loader for which every name loads as `prototype` (or fails with `error`)."""
    return lambda weights: models.LoadedModel(prototype, error)


def cached_loader() -> models.Loader:
    """The real loader behind a cache, as the app's process-wide one."""
    return functools.cache(models.load_prototype)


def test_official_names_start_with_yolo11n_and_are_all_official() -> None:
    names = official_weights()
    assert names[0] == "yolo11n.pt"
    assert {"yolo11s.pt", "yolov8n.pt"} <= set(names)
    assert all(is_official_name(n) for n in names)


def test_the_motion_detector_has_one_class_called_object() -> None:
    spec = models.resolve_model(models.MOTION, loads_as(None, "nothing loads"))
    assert (spec.is_motion, spec.class_names) == (True, ("object",))
    assert models.heatmap_model(spec, loads_as(None, "nothing loads")) == "motion"


def test_auto_runs_motion_and_says_why_when_yolo11n_cannot_load() -> None:
    spec = models.resolve_model(models.AUTO, loads_as(None, "no internet"))
    assert spec.is_motion
    assert "yolo11n.pt" in spec.reason and "motion detector runs" in spec.reason


def test_auto_runs_yolo11n_when_its_weights_load(yolo_weights: Path) -> None:
    prototype = models.load_model(yolo_weights)
    spec = models.resolve_model(models.AUTO, loads_as(prototype))
    assert (spec.weights, spec.label) == ("yolo11n.pt", "YOLO11n")
    assert spec.class_names[:3] == ("person", "bicycle", "car")
    assert "available" in spec.reason


def test_uploaded_weights_load_once_and_give_the_models_class_names(
        yolo_weights: Path, data_dir: Path) -> None:
    path = models.save_weights(yolo_weights.read_bytes(), data_dir / "models")
    assert path.parent == data_dir / "models"
    assert models.save_weights(yolo_weights.read_bytes(), data_dir / "models") == path
    load = cached_loader()
    spec = models.resolve_model(models.UPLOADED, load, path, "best.pt")
    assert (spec.label, spec.name) == ("Uploaded weights (best.pt)", "best.pt")
    assert "person" in spec.class_names and len(spec.class_names) == 80
    assert models.heatmap_model(spec, load) is models.heatmap_model(spec, load)  # loaded once


def test_heatmaps_built_from_the_cached_prototype_do_not_share_a_model(
        yolo_weights: Path, data_dir: Path) -> None:
    load = cached_loader()
    weights = models.save_weights(yolo_weights.read_bytes(), data_dir / "models")
    spec = models.resolve_model(models.UPLOADED, load, weights)
    prototype = models.heatmap_model(spec, load)
    first, second = (Heatmap(model=prototype, verbose=False) for _ in range(2))
    assert first.detector.model is not second.detector.model
    assert prototype not in (first.detector.model, second.detector.model)


def test_weights_that_cannot_load_say_what_to_do_without_server_paths(
        data_dir: Path) -> None:
    path = models.save_weights(b"this is not a model", data_dir / "models")
    with pytest.raises(ModelLoadError) as error:
        models.resolve_model(models.UPLOADED, cached_loader(), path, "best.pt")
    message = str(error.value)
    assert "best.pt" in message and str(data_dir) not in message
    assert "choose the motion detector" in message
    assert not path.exists()  # a rejected file is not kept


def test_choosing_uploaded_weights_without_a_file_asks_for_one() -> None:
    with pytest.raises(ModelLoadError, match="Upload a YOLO weights file"):
        models.resolve_model(models.UPLOADED, cached_loader())


def test_an_official_model_that_cannot_be_fetched_says_how_to_use_it_here() -> None:
    with pytest.raises(ModelLoadError) as error:
        models.resolve_model("yolo11s.pt", loads_as(None, "yolo11s.pt could not be downloaded."))
    message = str(error.value)
    assert message.startswith("yolo11s.pt is not on this server and could not be downloaded")
    assert 'choose "Upload YOLO weights" in Model and upload it' in message
    assert "model=" not in message  # no command-line advice in the dashboard


def test_official_weights_here_are_told_apart_from_those_that_need_a_download(
        tmp_path: Path, yolo_weights: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert not models.on_this_server("yolo11x.pt")
    (tmp_path / "yolo11x.pt").write_bytes(yolo_weights.read_bytes())
    assert models.on_this_server("yolo11x.pt")
