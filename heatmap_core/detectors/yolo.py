"""Ultralytics YOLO detection and tracking, with any weights its loader accepts.

Ultralytics keeps tracker state on the model object, so every `YoloDetector` owns its
own model: pass a weights path, or a loaded model to copy (a cache of loaded models is
safe to share as long as nothing runs them directly).
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from heatmap_core.detectors.export import ENGINES, export_model
from heatmap_core.types import Tracks

if TYPE_CHECKING:
    from ultralytics import YOLO

__all__ = ["ModelLoadError", "YoloDetector", "is_official_name", "load_model",
           "model_names", "resolve_classes"]

# Ultralytics would pip-install missing packages at run time; we pin them instead.
os.environ.setdefault("YOLO_AUTOINSTALL", "false")

TRACKERS = ("bytetrack.yaml", "botsort.yaml")
_log = logging.getLogger("heatmap_core")


class ModelLoadError(RuntimeError):
    """Weights that cannot be found, downloaded or loaded; the message says what to do."""


@contextmanager
def quiet_ultralytics() -> Iterator[None]:
    """Keep Ultralytics' info lines ("Loading model.onnx...") out of our users' output;
    its warnings and errors still show."""
    logger = logging.getLogger("ultralytics")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def load_model(weights: str | Path) -> YOLO:
    """Load and check YOLO weights, or raise ModelLoadError with the fix.

    The returned model has never run; copy it (YoloDetector does) before tracking.
    """
    from ultralytics import YOLO

    text = str(weights).strip()
    path = Path(text).expanduser()
    if not text:
        raise ModelLoadError("no model given: pass a weights file such as yolo11n.pt, "
                             "or model=motion for the built-in detector")
    if not path.exists() and not is_official_name(text):
        raise ModelLoadError(f"no weights file at {text}: check the path, or use an official "
                             "name such as yolo11n.pt, or model=motion (needs no weights)")
    try:
        with quiet_ultralytics():
            model = YOLO(str(path) if path.exists() else text, verbose=False)
            names = dict(model.names)
            exported = path.exists() and path.suffix != ".pt"  # fixed input size
            model.predict(np.zeros((64, 64, 3), np.uint8), verbose=False,
                          **({} if exported else {"imgsz": 64}))
    except Exception as error:  # ultralytics raises many types; all mean "not loadable"
        if not path.exists():
            raise ModelLoadError(
                f"{text} is not on this machine and could not be downloaded (no internet?). "
                f"On a machine with internet, download it from https://github.com/ultralytics/"
                f"assets/releases and pass its path (model=path/to/{path.name}), or use "
                "model=motion, the built-in detector that needs no weights.") from None
        raise ModelLoadError(f"{text} could not be loaded as a YOLO model "
                             f"({_first_line(error)}). Is it a YOLO weights file?") from None
    if not names:
        raise ModelLoadError(f"{text} has no class names: is it a detection model?")
    model.predictor = None  # the check above ran it; copies start clean
    model._heatmap_names = names  # asking an exported model later would load it again
    return model


def model_names(model: YOLO) -> dict[int, str]:
    """Class names of a model from `load_model`, without loading it again."""
    names = getattr(model, "_heatmap_names", None)
    return dict(names) if names else dict(model.names)


def is_official_name(name: str) -> bool:
    """Is `name` a model Ultralytics downloads by itself (yolo11n.pt, yolov8s.pt...)?"""
    from ultralytics.utils.downloads import GITHUB_ASSETS_NAMES

    return name in GITHUB_ASSETS_NAMES


def resolve_classes(classes: Sequence[int | str] | str | int | None,
                    names: dict[int, str]) -> list[int] | None:
    """Class ids from ids or names ("person", 0, "0,2"); ValueError for unknown ones."""
    if classes is None or classes == "" or classes == []:
        return None
    if isinstance(classes, (str, int)):  # "0,2", "[0, 2]", "person; car"
        text = str(classes).strip().strip("[]()").replace(";", ",")
        classes = [c.strip().strip("'\"") for c in text.split(",") if c.strip()]
    by_name = {name.lower(): i for i, name in names.items()}
    ids = []
    for item in classes:
        key = str(item).strip()
        if key.lstrip("-").isdigit() and int(key) in names:
            ids.append(int(key))
        elif key.lower() in by_name:
            ids.append(by_name[key.lower()])
        else:
            listed = ", ".join(f"{i} {n}" for i, n in list(names.items())[:12])
            more = ", ..." if len(names) > 12 else ""
            raise ValueError(f"unknown class {item!r}: this model knows {listed}{more}")
    return sorted(set(ids))


class YoloDetector:
    """Detection + tracking with an Ultralytics model; one instance per video or stream."""

    def __init__(self, model: str | Path | YOLO = "yolo11n.pt", *,
                 tracker: str = "bytetrack.yaml", conf: float = 0.25, iou: float = 0.7,
                 classes: Sequence[int | str] | None = None, device: str | None = None,
                 imgsz: int = 640, max_det: int = 300, half: bool = False,
                 engine: str = "pytorch") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
        if engine != "pytorch":
            weights = model if isinstance(model, (str, Path)) else model.ckpt_path
            if not Path(str(weights)).is_file():  # an official name: fetch it first
                weights = load_model(weights).ckpt_path
            model = load_model(export_model(weights, engine, imgsz, half))
        if isinstance(model, (str, Path)):
            self.model = load_model(model)
        else:
            self.model = copy.deepcopy(model)
            self.model.predictor = None
        self.engine = engine
        self.names = model_names(self.model)
        self.tracker = _check_tracker(tracker)
        self._args: dict[str, Any] = dict(
            conf=conf, iou=iou, classes=resolve_classes(classes, self.names),
            device=device, imgsz=imgsz, max_det=max_det, tracker=self.tracker,
            persist=True, verbose=False)
        if half:
            self._args["quantize"] = 16

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        if self.model.predictor is None:  # the first call sets up (and announces) it
            with quiet_ultralytics():
                result = self.model.track(frame, **self._args)[0]
        else:
            result = self.model.track(frame, **self._args)[0]
        boxes = result.obb if result.obb is not None else result.boxes
        trackers = getattr(self.model.predictor, "trackers", None) or [None]
        removed = getattr(trackers[0], "removed_stracks_frame", ())
        retired = tuple(int(t.track_id) for t in removed)
        if boxes is None or not boxes.is_track or len(boxes) == 0:
            return Tracks.empty(retired)
        return Tracks(boxes.xyxy.cpu().numpy(), boxes.id.int().cpu().numpy(),
                      boxes.cls.int().cpu().numpy(), boxes.conf.cpu().numpy(), retired)

    def reset(self) -> None:
        for tracker in getattr(self.model.predictor, "trackers", None) or ():
            tracker.reset()


def _check_tracker(tracker: str) -> str:
    from ultralytics.utils.checks import check_yaml

    try:
        check_yaml(tracker)
    except Exception:
        raise ValueError(f"unknown tracker {tracker!r}: use {' or '.join(TRACKERS)}, "
                         "or the path to a tracker .yaml file") from None
    return tracker


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]
