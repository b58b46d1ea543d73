"""Every detector is a `Detector`, statically: mypy checks the typed assignments below
(tests/test_static_checks.py runs it on this file), so a detector whose members stop
matching the protocol fails the test run, not a user's analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from heatmap_core import (
    Detector,
    MotionDetector,
    ScriptedDetector,
    Tracks,
    YoloDetector,
    load_detector,
)


def test_every_detector_satisfies_the_protocol(yolo_weights: Path) -> None:
    motion: Detector = MotionDetector()
    yolo: Detector = YoloDetector(yolo_weights, imgsz=64)
    scripted: Detector = ScriptedDetector([Tracks.empty()])
    frame = np.zeros((64, 64, 3), np.uint8)
    for detector in (motion, yolo, scripted):
        assert isinstance(detector, Detector)
        assert isinstance(detector.update(frame, 0.0), Tracks)
        detector.reset()
    assert dict(motion.names) == {0: "object"}
    assert yolo.names[0] == "person"
    assert load_detector(scripted) is scripted

