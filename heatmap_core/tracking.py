"""A small multi-object tracker for detectors that have none (the motion detector).

Boxes are matched to tracks by overlap with each track's predicted box (constant
velocity), falling back to centre distance for small fast objects. A track gets an id
only after `min_hits` consecutive detections, so one-frame flickers never become
tracks; it survives `max_missing` frames without a detection (a person behind a pole),
then it is retired and reported once in `Tracks.retired_ids`.

`UltralyticsTracker` puts the same boxes through one of Ultralytics' trackers
(ByteTrack, BoT-SORT, OC-SORT...), configured as the YOLO path configures them, for
detectors that find boxes but do not track them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heatmap_core.types import Tracks

__all__ = ["BoxTracker", "UltralyticsTracker", "box_iou"]


@dataclass
class _Track:
    box: npt.NDArray[np.float64]
    velocity: npt.NDArray[np.float64]  # centre motion per frame
    hits: int = 1
    missing: int = 0
    track_id: int | None = None

    def predicted(self) -> npt.NDArray[np.float64]:
        shift = self.velocity * (self.missing + 1)
        return self.box + np.concatenate([shift, shift])


class BoxTracker:
    """Turns per-frame boxes into tracks with stable ids."""

    def __init__(self, *, min_hits: int = 2, max_missing: int = 30,
                 min_iou: float = 0.05, distance_gate: float = 1.0) -> None:
        self.min_hits = min_hits
        self.max_missing = max_missing
        self.min_iou = min_iou
        self.distance_gate = distance_gate
        self.reset()

    def reset(self) -> None:
        self._tracks: list[_Track] = []
        self._next_id = 1

    def update(self, boxes: npt.NDArray[np.floating], scores: npt.NDArray[np.floating],
               class_id: int = 0) -> Tracks:
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        matches = self._match(boxes)
        reported: list[tuple[_Track, int]] = []  # (track, index of its box)
        for t, d in matches:
            track = self._tracks[t]
            motion = (_centre(boxes[d]) - _centre(track.box)) / (track.missing + 1)
            track.velocity = 0.5 * track.velocity + 0.5 * motion if track.hits > 1 else motion
            track.box, track.missing = boxes[d], 0
            track.hits += 1
            if track.track_id is None and track.hits >= self.min_hits:
                track.track_id = self._new_id()
            if track.track_id is not None:
                reported.append((track, d))
        matched = {t for t, _ in matches}
        retired: list[int] = []
        survivors: list[_Track] = []
        for t, track in enumerate(self._tracks):
            if t not in matched:
                track.missing += 1
                if track.track_id is None:
                    continue  # a tentative track missed once: a flicker, forgotten
                if track.missing > self.max_missing:
                    retired.append(track.track_id)
                    continue
            survivors.append(track)
        used = {d for _, d in matches}
        for d in range(len(boxes)):
            if d in used:
                continue
            track = _Track(boxes[d], np.zeros(2))
            if self.min_hits <= 1:
                track.track_id = self._new_id()
                reported.append((track, d))
            survivors.append(track)
        self._tracks = survivors
        if not reported:
            return Tracks.empty(tuple(retired))
        rows = [d for _, d in reported]
        return Tracks(np.asarray(boxes[rows], np.float32),
                      np.array([t.track_id for t, _ in reported], np.int64),
                      np.full(len(rows), class_id, np.int64), np.asarray(scores, np.float32)[rows],
                      tuple(retired))

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _match(self, boxes: npt.NDArray[np.float64]) -> list[tuple[int, int]]:
        if not self._tracks or not len(boxes):
            return []
        predicted = np.stack([t.predicted() for t in self._tracks])
        score = box_iou(predicted, boxes)
        # Small or fast objects may not overlap their prediction: use distance then.
        size = np.maximum(_size(predicted)[:, None], _size(boxes)[None, :])
        distance = np.linalg.norm(_centre(predicted)[:, None] - _centre(boxes)[None], axis=2)
        near = 1.0 - distance / (self.distance_gate * size)
        score = np.where(score >= self.min_iou, 1.0 + score, np.clip(near, 0.0, None))
        matches = []
        used_t, used_d = set(), set()
        for flat in np.argsort(-score, axis=None):
            t, d = divmod(int(flat), score.shape[1])
            if score[t, d] <= 0:
                break
            if t in used_t or d in used_d:
                continue
            used_t.add(t)
            used_d.add(d)
            matches.append((t, d))
        return matches


class UltralyticsTracker:
    """Boxes -> tracks with an Ultralytics tracker config ("bytetrack.yaml", ...).

    Ultralytics is imported when the first tracker is made, not with this module.
    """

    def __init__(self, tracker: str = "bytetrack.yaml") -> None:
        from heatmap_core.detectors.ultralytics_setup import prepare_ultralytics

        prepare_ultralytics()
        from ultralytics.trackers.track import TRACKER_MAP
        from ultralytics.utils import YAML, IterableSimpleNamespace
        from ultralytics.utils.checks import check_yaml

        config = IterableSimpleNamespace(**YAML.load(check_yaml(tracker)))
        if getattr(config, "with_reid", False):
            config.with_reid = False  # appearance models need weights: boxes only
        config.device = "cpu"
        self.tracker = tracker
        self._tracker: Any = TRACKER_MAP[config.tracker_type](args=config)

    def reset(self) -> None:
        self._tracker.reset()

    def update(self, boxes: npt.NDArray[np.floating], scores: npt.NDArray[np.floating],
               class_ids: npt.NDArray[np.integer] | int = 0,
               frame: npt.NDArray[np.uint8] | None = None) -> Tracks:
        from ultralytics.engine.results import Boxes

        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        classes = np.broadcast_to(np.asarray(class_ids, np.float32), (len(boxes),))
        data = np.column_stack([boxes, np.asarray(scores, np.float32).reshape(-1), classes])
        shape = frame.shape[:2] if frame is not None else (1, 1)
        rows = np.asarray(self._tracker.update(Boxes(data, shape), frame), np.float32)
        removed = getattr(self._tracker, "removed_stracks_frame", ())
        retired = tuple(int(t.track_id) for t in removed)
        if not len(rows):
            return Tracks.empty(retired)
        xyxy = rows[:, :4]
        if frame is not None:  # as model.track, which clips tracked boxes to the image
            h, w = frame.shape[:2]
            xyxy[:, [0, 2]] = xyxy[:, [0, 2]].clip(0, w)
            xyxy[:, [1, 3]] = xyxy[:, [1, 3]].clip(0, h)
        return Tracks(xyxy, rows[:, 4].astype(np.int64), rows[:, 6].astype(np.int64),
                      rows[:, 5], retired)


def _centre(boxes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return (boxes[..., :2] + boxes[..., 2:]) / 2


def _size(boxes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])


def box_iou(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Intersection over union of every box in `a` (rows) with every box in `b` (xyxy)."""
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(br - tl, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / np.maximum(area_a[:, None] + area_b[None] - inter, 1e-9)
