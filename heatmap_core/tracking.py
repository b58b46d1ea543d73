"""A small multi-object tracker for detectors that have none (the motion detector).

Boxes are matched to tracks by overlap with each track's predicted box (constant
velocity), falling back to centre distance for small fast objects. A track gets an id
only after `min_hits` consecutive detections, so one-frame flickers never become
tracks; it survives `max_missing` frames without a detection (a person behind a pole),
then it is retired and reported once in `Tracks.retired_ids`.

Boxes alone cannot tell two people apart where their boxes meet, so given appearance
descriptors (`heatmap_core.appearance`: colours of each box's own pixels) it also:
- ranks candidate pairs by overlap plus likeness, so looks break near-ties;
- gives a new track, when it is confirmed, the id of a lost track (lost before the new
  one appeared) that looks alike and was heading near there, the gate growing with the
  time lost, instead of a new id;
- keeps both ids when two tracks' blobs merge into one box (see `BoxTracker.update`).
A track's looks follow its detections slowly, and only while it has a box of its own
(a merged blob's colours are no one's).

`UltralyticsTracker` puts the same boxes through one of Ultralytics' trackers
(ByteTrack, BoT-SORT, OC-SORT...), configured as the YOLO path configures them, for
detectors that find boxes but do not track them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heatmap_core.appearance import DESCRIPTOR_SIZE, similarity
from heatmap_core.types import Tracks

__all__ = ["BoxTracker", "UltralyticsTracker", "box_iou"]


@dataclass(eq=False)
class _Track:
    box: npt.NDArray[np.float64]  # where it was last seen, or estimated inside a merge
    velocity: npt.NDArray[np.float64]  # centre motion per frame
    hits: int = 1
    missing: int = 0  # frames since `box` was last set
    track_id: int | None = None
    looks: npt.NDArray[np.float64] | None = None  # appearance, slowly updated
    seen: int | None = None  # index of its box at this frame (its own or a merge's)

    def predicted(self, frames: int = 1) -> npt.NDArray[np.float64]:
        """Its box `frames` frames after the last frame."""
        shift = self.velocity * (self.missing + frames)
        return self.box + np.concatenate([shift, shift])

    def learn_looks(self, looks: npt.NDArray[np.float64]) -> None:
        if not looks.any():
            return
        if self.looks is None:
            self.looks = looks
            return
        rate = max(_LOOKS_RATE, 1.0 / self.hits)  # the first sightings count fully
        blend = (1.0 - rate) * self.looks + rate * looks
        self.looks = blend / max(float(np.linalg.norm(blend)), 1e-9)


_LOOKS_RATE = 0.1  # how fast a track's appearance follows its detections
_MERGED_INSIDE = 0.6  # share of a predicted box inside a box another track took: merged
_GATE_GROWTH = 0.1  # box sizes a lost track may have strayed per frame, for a re-link


class BoxTracker:
    """Turns per-frame boxes into tracks with stable ids.

    Given appearance descriptors of the boxes (`heatmap_core.appearance`), it also
    breaks ties between tracks competing for the same boxes by their looks, and
    re-links a new track to a lost one that looks alike and was last heading there.
    """

    def __init__(self, *, min_hits: int = 2, max_missing: int = 30,
                 min_iou: float = 0.05, distance_gate: float = 1.0,
                 looks_weight: float = 1.0, relink_similarity: float = 0.85) -> None:
        self.min_hits = min_hits
        self.max_missing = max_missing
        self.min_iou = min_iou
        self.distance_gate = distance_gate
        self.looks_weight = looks_weight
        self.relink_similarity = relink_similarity
        self.reset()

    def reset(self) -> None:
        self._tracks: list[_Track] = []
        self._next_id = 1

    def update(self, boxes: npt.NDArray[np.floating], scores: npt.NDArray[np.floating],
               class_id: int = 0, features: npt.NDArray[np.floating] | None = None
               ) -> Tracks:
        """Tracks for this frame's boxes; `features` (N, K) describe each box's looks.

        A confirmed track that finds no box of its own, but was seen at the last frame
        and whose predicted box lies mostly inside a box another track took, is merged
        with it (two people in one blob): it keeps its id and is reported inside that
        box, moving on with its own velocity and size, as the other track does; when
        the blob parts, both compete for the parts again.
        """
        boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
        looks = (np.zeros((len(boxes), 0)) if features is None
                 else np.asarray(features, np.float64).reshape(len(boxes), DESCRIPTOR_SIZE))
        for track in self._tracks:
            track.seen = None
        matches = self._match(boxes, looks)
        merged = self._merged(boxes, matches)
        shared = set(merged.values())
        for t, d in matches:
            track = self._tracks[t]
            if d in shared:  # a blob of several: each keeps its own size and velocity
                track.box = _inside(track.predicted(), boxes[d])
            else:
                motion = (_centre(boxes[d]) - _centre(track.box)) / (track.missing + 1)
                track.velocity = (0.5 * track.velocity + 0.5 * motion if track.hits > 1
                                  else motion)
                track.box = boxes[d]
                if looks.shape[1]:
                    track.learn_looks(looks[d])
            track.missing, track.seen = 0, d
            track.hits += 1
        for t, d in merged.items():
            track = self._tracks[t]
            track.box, track.missing, track.seen = _inside(track.predicted(), boxes[d]), 0, d
        retired: list[int] = []
        survivors: list[_Track] = []
        for track in self._tracks:
            if track.seen is None:
                track.missing += 1
                if track.track_id is None:
                    continue  # a tentative track missed once: a flicker, forgotten
                if track.missing > self.max_missing:
                    retired.append(track.track_id)
                    continue
            survivors.append(track)
        used = {d for _, d in matches}
        for d in range(len(boxes)):
            if d not in used:
                track = _Track(boxes[d], np.zeros(2), seen=d)
                if looks.shape[1]:
                    track.learn_looks(looks[d])
                survivors.append(track)
        self._tracks = survivors
        for track in list(survivors):
            if track.track_id is None and track.hits >= self.min_hits:
                self._confirm(track)
        reported = [t for t in self._tracks if t.seen is not None and t.track_id is not None]
        if not reported:
            return Tracks.empty(tuple(retired))
        rows = [t.seen for t in reported if t.seen is not None]
        return Tracks(np.stack([t.box for t in reported]).astype(np.float32),
                      np.array([t.track_id for t in reported], np.int64),
                      np.full(len(rows), class_id, np.int64), np.asarray(scores, np.float32)[rows],
                      tuple(retired))

    def _confirm(self, track: _Track) -> None:
        """Give a new track an id: a lost track's, if one looks alike and was heading
        there (lost before this one appeared), else a new one."""
        size = float(_size(track.box[None])[0])
        best: tuple[float, _Track] | None = None
        for lost in self._tracks:
            if lost.track_id is None or lost.seen is not None or lost.missing < track.hits:
                continue
            likeness = (float(lost.looks @ track.looks)
                        if lost.looks is not None and track.looks is not None else None)
            gate = self.distance_gate * size
            if likeness is not None:
                if likeness < self.relink_similarity:
                    continue
                gate *= 1.0 + _GATE_GROWTH * lost.missing
            there = _centre(lost.predicted(0))
            distance = float(np.linalg.norm(there - _centre(track.box)))
            if distance > gate:
                continue
            rank = likeness if likeness is not None else 1.0 - distance / gate
            if best is None or rank > best[0]:
                best = (rank, lost)
        if best is None:
            track.track_id = self._new_id()
            return
        lost = best[1]
        track.track_id = lost.track_id
        if lost.looks is not None and track.looks is not None:
            blend = lost.looks + track.looks
            track.looks = blend / max(float(np.linalg.norm(blend)), 1e-9)
        track.hits += lost.hits
        self._tracks.remove(lost)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def _match(self, boxes: npt.NDArray[np.float64], looks: npt.NDArray[np.float64]
               ) -> list[tuple[int, int]]:
        if not self._tracks or not len(boxes):
            return []
        predicted = np.stack([t.predicted() for t in self._tracks])
        score = box_iou(predicted, boxes)
        # Small or fast objects may not overlap their prediction: use distance then.
        size = np.maximum(_size(predicted)[:, None], _size(boxes)[None, :])
        distance = np.linalg.norm(_centre(predicted)[:, None] - _centre(boxes)[None], axis=2)
        near = 1.0 - distance / (self.distance_gate * size)
        score = np.where(score >= self.min_iou, 1.0 + score, np.clip(near, 0.0, None))
        rank = score
        if looks.shape[1] and self.looks_weight:
            known = np.zeros((len(self._tracks), looks.shape[1]))
            for t, track in enumerate(self._tracks):
                if track.looks is not None:
                    known[t] = track.looks
            likeness = similarity(known, looks)
            rank = score + self.looks_weight * np.nan_to_num(likeness - 1.0)
        matches = []
        used_t, used_d = set(), set()
        for flat in np.argsort(-rank, axis=None):
            t, d = divmod(int(flat), score.shape[1])
            if score[t, d] <= 0 or t in used_t or d in used_d:
                continue
            used_t.add(t)
            used_d.add(d)
            matches.append((t, d))
        return matches

    def _merged(self, boxes: npt.NDArray[np.float64], matches: list[tuple[int, int]]
                ) -> dict[int, int]:
        """Track -> the box it is hidden in, for confirmed tracks that lost their box to
        a merge (see `update`)."""
        taken = [d for _, d in matches]
        matched = {t for t, _ in matches}
        hidden = {}
        for t, track in enumerate(self._tracks):
            if t in matched or track.track_id is None or track.missing or not taken:
                continue
            predicted = track.predicted()
            inside = _intersection(predicted[None], boxes[taken])[0] / max(_area(predicted), 1e-9)
            best = int(np.argmax(inside))
            if inside[best] >= _MERGED_INSIDE:
                hidden[t] = taken[best]
        return hidden


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


def _area(box: npt.NDArray[np.float64]) -> float:
    return float(np.prod(np.clip(box[2:] - box[:2], 0, None)))


def _intersection(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
                  ) -> npt.NDArray[np.float64]:
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    return np.asarray(np.prod(np.clip(br - tl, 0, None), axis=2), np.float64)


def _inside(box: npt.NDArray[np.float64], container: npt.NDArray[np.float64]
            ) -> npt.NDArray[np.float64]:
    """`box` moved the least to lie inside `container` (centred on it where wider)."""
    size = box[2:] - box[:2]
    low = np.minimum(np.maximum(box[:2], container[:2]), container[2:] - size)
    centred = (container[:2] + container[2:] - size) / 2
    low = np.where(size > container[2:] - container[:2], centred, low)
    return np.concatenate([low, low + size])


def box_iou(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Intersection over union of every box in `a` (rows) with every box in `b` (xyxy)."""
    inter = _intersection(a, b)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    return inter / np.maximum(area_a[:, None] + area_b[None] - inter, 1e-9)
