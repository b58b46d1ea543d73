"""A detector that needs no weights: moving things against a fixed camera's background.

Pixels that differ from a learned, ghost-free picture of the empty scene
(`_SceneBackground`; shadows excluded) make blobs; blobs become boxes, a blob whose top
outline shows several heads is split into one box per head, and `BoxTracker` gives
them ids, helped by the colours of each box's own pixels. Everything is one class,
"object". It works offline on any fixed-camera footage; it cannot tell a person from
a car.

Invariants of the scene background, so that nobody leaves a "ghost":
- it starts as the first frame, and a blob whose outline matches edges of the
  background rather than of the frame (what someone in the first frame leaves when
  they walk away) is learned into it at once;
- a pixel that stays foreground and unchanging for `fade_s` seconds is learned into it:
  an object that never moves fades out (and is found again when it moves);
- elsewhere it follows the frame with a half-life of a second (light changes), and
  never learns pixels of moving objects.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

import cv2
import numpy as np
import numpy.typing as npt

from heatmap_core.appearance import DESCRIPTOR_SIZE, describe
from heatmap_core.tracking import BoxTracker
from heatmap_core.types import Tracks

__all__ = ["MotionDetector"]

_SHADOW_RATIO = (0.5, 0.9)  # frame / background in every channel: a shadow
_STILL = 10.0  # grey levels between frames: a pixel has not changed
_GHOST_EDGES = 1.0  # background edges / frame edges along a blob's outline: a ghost


class MotionDetector:
    """Background subtraction + tracking, for fixed cameras.

    Args:
        min_area: smallest blob kept, as a fraction of the frame's area.
        threshold: how different from the background (grey levels, in any colour
            channel) a pixel must be to belong to an object.
        min_hits: detections in a row before a blob becomes a track.
        max_missing: frames a track survives without a detection.
        detect_width: frames wider than this are shrunk before detection (speed);
            boxes are returned in full-frame pixels.
        fade_s: seconds after which something that stopped moving becomes background.
        split: split blobs whose outline shows several heads (people side by side).
        ignore_shadows: leave out pixels darkened by the same ratio in every channel
            (hard shadows on sunny footage). Off by default: it also eats grey clothes,
            and on vtest.mp4 it costs recall (bench/accuracy.py).
    """

    names: ClassVar[Mapping[int, str]] = MappingProxyType({0: "object"})
    has_confidence = False  # its scores are blob fill ratios: not worth drawing

    def __init__(self, *, min_area: float = 0.0008, threshold: float = 20.0,
                 min_hits: int = 3, max_missing: int = 30, detect_width: int = 320,
                 fade_s: float = 5.0, split: bool = True,
                 ignore_shadows: bool = False) -> None:
        self.min_area = min_area
        self.threshold = threshold
        self.detect_width = detect_width
        self.fade_s = fade_s
        self.split = split
        self.ignore_shadows = ignore_shadows
        self._tracker = BoxTracker(min_hits=min_hits, max_missing=max_missing)
        self.reset()

    def reset(self) -> None:
        self._scene: _SceneBackground | None = None
        self._shape: tuple[int, int] | None = None
        self._time_s: float | None = None
        self._tracker.reset()

    def update(self, frame: np.ndarray, time_s: float) -> Tracks:
        boxes, scores, looks = self._detect(frame, time_s)
        return self._tracker.update(boxes, scores, features=looks)

    def detect(self, frame: np.ndarray, time_s: float | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Boxes (N, 4) xyxy of moving blobs and their fill ratio as a score.

        `time_s` paces the scene background (default: 10 frames a second)."""
        boxes, scores, _ = self._detect(frame, time_s)
        return boxes, scores

    def _detect(self, frame: np.ndarray, time_s: float | None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`detect`, and the appearance descriptor of each box's foreground pixels."""
        h, w = frame.shape[:2]
        scale = min(1.0, self.detect_width / w)
        small = cv2.resize(frame, (round(w * scale), round(h * scale)),
                           interpolation=cv2.INTER_AREA) if scale < 1 else frame
        now = (self._time_s or 0.0) + 0.1 if time_s is None else float(time_s)
        dt = 0.1 if self._time_s is None else min(max(now - self._time_s, 0.0), 5.0)
        self._time_s = now
        if self._shape != small.shape[:2] or self._scene is None:
            self._shape = small.shape[:2]
            self._scene = _SceneBackground(small, self.fade_s, self.threshold,
                                           self.ignore_shadows)
        mask: np.ndarray = self._scene.changed(small)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _kernel(3))
        # Join a body's parts without joining neighbours: about 1.5% of the width.
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _kernel(max(3, mask.shape[1] // 64) | 1))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        min_pixels = self.min_area * mask.size
        blobs = [i for i in range(1, count) if stats[i, 4] >= min_pixels]
        ghosts = self._scene.ghosts(small, labels, stats, blobs)
        self._scene.learn(small, mask, labels, ghosts, dt)
        boxes, scores, looks = [], [], []
        for i in blobs:
            if i in ghosts:
                continue
            x, y, bw, bh, area = stats[i].tolist()
            blob = labels[y:y + bh, x:x + bw] == i
            parts = _split_by_heads(blob) if self.split else None
            for px0, py0, px1, py1, fill in parts or [(0, 0, bw, bh, area / (bw * bh))]:
                boxes.append(((x + px0) / scale, (y + py0) / scale, (x + px1) / scale,
                              (y + py1) / scale))
                scores.append(fill)
                looks.append(describe(small[y + py0:y + py1, x + px0:x + px1],
                                      blob[py0:py1, px0:px1]))
        return (np.array(boxes, np.float32).reshape(-1, 4), np.array(scores, np.float32),
                np.array(looks, np.float32).reshape(-1, DESCRIPTOR_SIZE))


class _SceneBackground:
    """The empty scene, learned without ghosts (see the module doc)."""

    def __init__(self, first: np.ndarray, fade_s: float, threshold: float,
                 ignore_shadows: bool) -> None:
        self.image = first.astype(np.float32)
        self.previous = first.astype(np.float32)
        self.still_s = np.zeros(first.shape[:2], np.float32)
        self.fade_s = fade_s
        self.threshold = threshold
        self.ignore_shadows = ignore_shadows
        self._frame = self.image
        self._changed = np.zeros(first.shape[:2], bool)

    def changed(self, small: np.ndarray) -> npt.NDArray[np.uint8]:
        """255 where the frame differs from the scene background (shadows excluded
        if asked: a shadow darkens every channel by about the same ratio)."""
        self._frame = frame = small.astype(np.float32)
        changed = cv2.absdiff(frame, self.image).max(axis=2) > self.threshold
        if not self.ignore_shadows:
            self._changed = changed
            return changed.astype(np.uint8) * 255
        ratio = frame / np.maximum(self.image, 1.0)
        low, high = ratio.min(axis=2), ratio.max(axis=2)
        shadow = (low >= _SHADOW_RATIO[0]) & (high <= _SHADOW_RATIO[1]) & (high - low < 0.1)
        self._changed = changed & ~shadow
        return self._changed.astype(np.uint8) * 255

    def ghosts(self, small: np.ndarray, labels: np.ndarray, stats: np.ndarray,
               blobs: list[int]) -> set[int]:
        """Blobs whose outline follows the background's edges more than the frame's."""
        found = set()
        for i in blobs:
            x, y, bw, bh, _ = stats[i].tolist()
            x0, y0 = max(x - 3, 0), max(y - 3, 0)
            window = (slice(y0, y + bh + 3), slice(x0, x + bw + 3))
            blob = (labels[window] == i).astype(np.uint8)
            outline = cv2.morphologyEx(blob, cv2.MORPH_GRADIENT, _kernel(3)).astype(bool)
            in_frame = float(_edges(small[window])[outline].mean())
            in_background = float(_edges(self.image[window].astype(np.uint8))[outline].mean())
            if in_background > _GHOST_EDGES * in_frame + 4.0:
                found.add(i)
        return found

    def learn(self, small: np.ndarray, mask: np.ndarray, labels: np.ndarray,
              ghosts: set[int], dt: float) -> None:
        frame = self._frame
        moving = self._changed | (mask > 0)
        still = cv2.absdiff(frame, self.previous).max(axis=2) < _STILL
        self.still_s = np.where(moving & still, self.still_s + dt, 0.0).astype(np.float32)
        absorb = self.still_s >= self.fade_s
        if ghosts:
            absorb |= np.isin(labels, list(ghosts))
            absorb = cv2.dilate(absorb.astype(np.uint8), _kernel(5)).astype(bool)
        rate = np.float32(1.0 - 0.5 ** dt)  # a half-life of one second
        cv2.accumulateWeighted(frame, self.image, float(rate),
                               mask=(~moving).astype(np.uint8))
        if absorb.any():
            self.image[absorb] = frame[absorb]
            self.still_s[absorb] = 0.0
        self.previous = frame


def _edges(image: np.ndarray) -> npt.NDArray[np.float32]:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.magnitude(gx, gy), np.float32)


def _split_by_heads(blob: npt.NDArray[np.bool_]
                    ) -> list[tuple[int, int, int, int, float]] | None:
    """Boxes (x0, y0, x1, y1, fill) of the people in a blob, cut where its top outline
    dips between two heads; None when it shows one head (or is not wide enough for two).
    """
    h, w = blob.shape
    if w < 0.55 * h or w < 6:
        return None
    filled = blob.any(axis=0)
    top = np.where(filled, blob.argmax(axis=0), h).astype(np.float32)
    height = cv2.blur((h - top).reshape(1, -1), (3, 1)).reshape(-1)
    # How far each column lies below the highest outline on both sides of it.
    left = np.maximum.accumulate(height)
    right = np.maximum.accumulate(height[::-1])[::-1]
    dip = np.minimum(left, right) - height
    deep = dip >= 0.12 * h
    cuts: list[int] = []
    narrowest = max(2, round(0.2 * h))  # a head and shoulders, at least
    column = 0
    while column < w:
        if not deep[column]:
            column += 1
            continue
        end = column
        while end < w and deep[end]:
            end += 1
        cut = column + int(np.argmax(dip[column:end]))
        if cut - (cuts[-1] if cuts else 0) >= narrowest and w - cut >= narrowest:
            cuts.append(cut)
        column = end
    if not cuts:
        return None
    parts = []
    edges = [0, *cuts, w]
    for x0, x1 in itertools.pairwise(edges):
        part = blob[:, x0:x1]
        rows = np.flatnonzero(part.any(axis=1))
        cols = np.flatnonzero(part.any(axis=0))
        if not len(rows):
            continue
        box = (x0 + int(cols[0]), int(rows[0]), x0 + int(cols[-1]) + 1, int(rows[-1]) + 1)
        area = (box[2] - box[0]) * (box[3] - box[1])
        parts.append((*box, float(part.sum()) / max(area, 1)))
    return parts if len(parts) > 1 else None


def _kernel(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
