"""Detectors behind one interface: YOLO (any weights), motion (no weights), scripted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatmap_core.detectors.base import Detector, DetectsAhead, ScriptedDetector
from heatmap_core.detectors.errors import ModelLoadError
from heatmap_core.detectors.export import ENGINES
from heatmap_core.detectors.motion import MotionDetector
from heatmap_core.detectors.yolo import (
    DEFAULT_TRACKER,
    DEFAULT_WEIGHTS,
    TRACKERS,
    YoloDetector,
    is_official_name,
    load_model,
    model_names,
    official_weights,
    resolve_classes,
)

__all__ = ["DEFAULT_TRACKER", "DEFAULT_WEIGHTS", "ENGINES", "TRACKERS", "Detector",
           "DetectsAhead", "ModelLoadError", "MotionDetector", "ScriptedDetector", "YoloDetector",
           "is_official_name", "load_detector", "load_model", "model_names",
           "official_weights", "resolve_classes"]

MOTION = "motion"


def load_detector(model: Any, **yolo_options: Any) -> Detector:
    """A detector for `model`: "motion", a Detector instance, or YOLO weights / model.

    `yolo_options` (tracker, conf, iou, classes, device, imgsz, max_det, half, engine,
    cache_dir) apply to YOLO only; the motion detector has no classes to choose and
    ignores them.
    """
    if isinstance(model, str) and model.strip().lower() == MOTION:
        return MotionDetector()
    if isinstance(model, (str, Path)) or type(model).__name__ in ("YOLO", "Model"):
        return YoloDetector(model, **yolo_options)
    if isinstance(model, Detector):
        return model
    raise TypeError(f"model must be weights, 'motion' or a Detector, not {type(model).__name__}")
