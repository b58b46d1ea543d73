"""A detector that needs no weights: moving things against a fixed camera's background.

OpenCV's MOG2 background subtractor marks moving pixels (shadows excluded), blobs
become boxes, and `BoxTracker` gives them ids. Everything is one class, "object".
It works offline on any fixed-camera footage; it cannot tell a person from a car.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import cv2
import numpy as np

from heatmap_core.tracking import BoxTracker
from heatmap_core.types import Tracks

__all__ = ["MotionDetector"]

_SHADOW_FREE = 200  # MOG2 marks shadows 127 and foreground 255


class MotionDetector:
    """Background subtraction + tracking, for fixed cameras.

    Args:
        min_area: smallest blob kept, as a fraction of the frame's area.
        history: frames the background model remembers.
        var_threshold: how different from the background a pixel must be to move.
        min_hits: detections in a row before a blob becomes a track.
        max_missing: frames a track survives without a detection.
        detect_width: frames wider than this are shrunk before detection (speed);
            boxes are returned in full-frame pixels.
    """

    names: ClassVar[Mapping[int, str]] = MappingProxyType({0: "object"})
    has_confidence = False  # its scores are blob fill ratios: not worth drawing

    def __init__(self, *, min_area: float = 0.0008, history: int = 500,
                 var_threshold: float = 25.0, min_hits: int = 2, max_missing: int = 30,
                 detect_width: int = 320) -> None:
        self.min_area = min_area
        self.history = history
        self.var_threshold = var_threshold
        self.detect_width = detect_width
        self._tracker = BoxTracker(min_hits=min_hits, max_missing=max_missing)
        self.reset()

    def reset(self) -> None:
        self._subtractor: cv2.BackgroundSubtractorMOG2 | None = None
        self._shape: tuple[int, int] | None = None
        self._tracker.reset()

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        boxes, scores = self.detect(frame)
        return self._tracker.update(boxes, scores)

    def detect(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Boxes (N, 4) xyxy of moving blobs and their fill ratio as a score."""
        h, w = frame.shape[:2]
        scale = min(1.0, self.detect_width / w)
        small = cv2.resize(frame, (round(w * scale), round(h * scale)),
                           interpolation=cv2.INTER_AREA) if scale < 1 else frame
        rate = 1.0 / self.history
        if self._shape != small.shape[:2]:
            self._shape = small.shape[:2]
            self._subtractor = cv2.createBackgroundSubtractorMOG2(
                history=self.history, varThreshold=self.var_threshold, detectShadows=True)
            rate = 1.0  # the first frame is the background
        assert self._subtractor is not None
        # A steady learning rate from the second frame: OpenCV's default learns fast at
        # first and would absorb objects that enter in the first seconds.
        mask = self._subtractor.apply(small, learningRate=rate)
        _, mask = cv2.threshold(mask, _SHADOW_FREE, 255, cv2.THRESH_BINARY)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _kernel(3))
        # Join a body's parts without joining neighbours: about 1.5% of the width.
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _kernel(max(3, mask.shape[1] // 64) | 1))
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        min_pixels = self.min_area * mask.size
        boxes, scores = [], []
        for x, y, bw, bh, area in stats[1:count].tolist():
            if area < min_pixels:
                continue
            boxes.append((x / scale, y / scale, (x + bw) / scale, (y + bh) / scale))
            scores.append(area / (bw * bh))
        return np.array(boxes, np.float32).reshape(-1, 4), np.array(scores, np.float32)


def _kernel(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
