"""Measuring counts and tracks against ground truth: the rules behind bench/accuracy.py.

Ground truth is read from MOTChallenge text files (`frame, id, x, y, w, h, ...`, frames
from 1) as one `Tracks` per frame. Invariants:

- a true line event is a crossing of a person's box centre, between two consecutive
  annotated frames, of the line segment between its two ends; its direction follows
  the line's IN side (`Region.in_normal`), as the counters do; its frame is the later
  of the two frames. With a margin (the counters' hysteresis), an excursion that
  never leaves the band around the line is no crossing, as for the counters;
- a counted event matches a true one of the same line and direction at most `window`
  frames away; each event matches at most once, closest in time first;
- an ID switch is a true person matched (box IoU >= `min_iou`) to a different track id
  than at its previous match, as in the CLEAR MOT metrics.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heatmap_core.regions import Region
from heatmap_core.tracking import box_iou
from heatmap_core.types import CountEvent, Tracks

__all__ = ["EventScore", "TrueEvent", "count_id_switches", "match_events", "read_mot",
           "tracks_on_truth", "true_line_events"]


@dataclass(frozen=True)
class TrueEvent:
    """One crossing of a line by a ground-truth track."""

    frame: int
    track_id: int
    direction: str
    region: str


@dataclass(frozen=True)
class EventScore:
    """Counted events against true ones, for one line (or all lines together)."""

    true: int
    counted: int
    matched: int

    @property
    def recall(self) -> float:
        return self.matched / self.true if self.true else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.counted if self.counted else 1.0

    def __add__(self, other: EventScore) -> EventScore:
        return EventScore(self.true + other.true, self.counted + other.counted,
                          self.matched + other.matched)


def read_mot(path: str | Path) -> dict[int, Tracks]:
    """Ground-truth tracks per frame (1-based, as in the file) from a MOTChallenge file."""
    rows = np.loadtxt(path, delimiter=",", ndmin=2)
    if rows.size == 0:
        return {}
    by_frame: dict[int, Tracks] = {}
    for frame in np.unique(rows[:, 0]).astype(int).tolist():
        part = rows[rows[:, 0] == frame]
        xyxy = np.column_stack([part[:, 2], part[:, 3], part[:, 2] + part[:, 4],
                                part[:, 3] + part[:, 5]])
        by_frame[frame] = Tracks(xyxy.astype(np.float32), part[:, 1].astype(np.int64),
                                 np.zeros(len(part), np.int64), np.ones(len(part), np.float32))
    return by_frame


def true_line_events(truth: Mapping[int, Tracks], region: Region,
                     margin: float = 0.0) -> list[TrueEvent]:
    """Every crossing of `region` (a line) by a ground-truth box centre.

    With a `margin` (a fraction of the box's size, as the counters' `hysteresis`), a
    centre within margin x size of the line keeps its previous side: a crossing is a
    move from beyond the margin on one side to beyond it on the other, through the line
    between its ends; its frame is the first one beyond the margin.
    """
    if region.kind != "line":
        raise ValueError(f"region {region.name!r} is a zone: true events are for lines")
    a = np.array(region.points[0], np.float64)
    ab = np.array(region.points[1], np.float64) - a
    normal = np.array(region.in_normal, np.float64)
    last: dict[int, tuple[int, npt.NDArray[np.float64], float]] = {}  # side, point, dist
    events = []
    for frame in sorted(truth):
        tracks = truth[frame]
        sizes = np.sqrt(np.prod(tracks.xyxy[:, 2:] - tracks.xyxy[:, :2], axis=1))
        for track_id, centre, size in zip(tracks.track_id.tolist(),
                                          tracks.centers.astype(np.float64), sizes.tolist(),
                                          strict=True):
            distance = float((centre - a) @ normal)
            band = max(margin * size, 0.5) if margin else 0.0  # as the counters
            side = 0 if abs(distance) <= band else (1 if distance > 0 else -1)
            if side == 0:
                continue
            previous = last.get(track_id)
            last[track_id] = (side, centre, distance)
            if previous is None or previous[0] == side:
                continue
            _, point, before = previous
            crossing = point + (centre - point) * (before / (before - distance))
            along = float((crossing - a) @ ab / (ab @ ab))
            if 0.0 <= along <= 1.0:
                events.append(TrueEvent(frame, track_id, "IN" if side > 0 else "OUT",
                                        region.name))
    return events


def match_events(true: Sequence[TrueEvent], counted: Sequence[CountEvent],
                 window: int) -> EventScore:
    """How many counted events match a true one (same region and direction, at most
    `window` frames apart); closest pairs first, each event used once."""
    pairs = []
    for i, t in enumerate(true):
        for j, c in enumerate(counted):
            gap = abs(c.frame - t.frame)
            if c.region == t.region and c.direction == t.direction and gap <= window:
                pairs.append((gap, i, j))
    used_true: set[int] = set()
    used_counted: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_true and j not in used_counted:
            used_true.add(i)
            used_counted.add(j)
    return EventScore(len(true), len(counted), len(used_true))


def count_id_switches(truth: Mapping[int, Tracks], found: Iterable[tuple[int, Tracks]],
                      min_iou: float = 0.5) -> int:
    """ID switches of `found` (frame, tracks) against `truth`, greedy IoU matching."""
    matched_to: dict[int, int] = {}
    switches = 0
    for person, track in _matches(truth, found, min_iou):
        if matched_to.get(person, track) != track:
            switches += 1
        matched_to[person] = track
    return switches


def tracks_on_truth(truth: Mapping[int, Tracks], found: Iterable[tuple[int, Tracks]],
                    min_iou: float = 0.5) -> set[int]:
    """The track ids of `found` that match a true person (IoU >= min_iou) at least once:
    the tracks that are not of something the ground truth leaves out."""
    return {track for _, track in _matches(truth, found, min_iou)}


def _matches(truth: Mapping[int, Tracks], found: Iterable[tuple[int, Tracks]],
             min_iou: float) -> Iterator[tuple[int, int]]:
    """(person, track) pairs frame by frame, highest IoU first, each used once a frame."""
    for frame, tracks in found:
        gt = truth.get(frame)
        if gt is None or not len(gt) or not len(tracks):
            continue
        iou = box_iou(gt.xyxy.astype(np.float64), tracks.xyxy.astype(np.float64))
        used_gt: set[int] = set()
        used_found: set[int] = set()
        for flat in np.argsort(-iou, axis=None).tolist():
            g, f = divmod(flat, iou.shape[1])
            if iou[g, f] < min_iou:
                break
            if g in used_gt or f in used_found:
                continue
            used_gt.add(g)
            used_found.add(f)
            yield int(gt.track_id[g]), int(tracks.track_id[f])

