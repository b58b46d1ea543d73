"""Counting crossings of lines and passages through zones, per track and per class.

Both counters follow each track's side of the region (before/after a line, outside/
inside a zone) through a small state machine that ignores noise:

- hysteresis: a centre closer to the boundary than `hysteresis` x the box's size
  (the geometric mean of its sides) keeps its previous side, so jitter around a line
  never counts;
- persistence: a change of side is confirmed after `min_frames` consecutive
  observations on the new side (or when the tracker retires the track there), so a
  detection that flickers across for one frame never counts;
- memory: the last confirmed side survives frames where the detector misses the
  track, so a track that disappears while it crosses still counts, once.

A line counts every confirmed crossing (down then back up is one IN and one OUT), but
only when the centre's path crosses between the line's two end points: a box that
overhangs the end of a line, with its centre passing beyond the end, does not count.

A zone counts entries as IN and exits as OUT, whatever the direction of motion (its
`in_direction` is not used). Every OUT closes a counted IN, so IN - OUT is the number
of counted entrants still inside:

- a track first seen inside (there at the start, or found there after the tracker lost
  it) is inside and has a dwell time, but is not an entry, and its leaving is no exit;
- a track retired while inside has left: OUT (and the end of its dwell) at the frame
  and time it was last seen;
- a centre that jumps over the zone between two frames entered and left: IN and OUT
  at that frame, with no dwell time.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from heatmap_core.regions import Region, segments_cross
from heatmap_core.types import CountEvent, DwellRecord, RegionCounts, Tracks

__all__ = ["LineCounter", "RegionCounter", "ZoneCounter", "make_counter"]

Point = tuple[float, float]
ClassOf = Callable[[int], str]


@dataclass
class _Pending:
    side: int
    seen: int
    frame: int
    time_s: float
    to_point: Point


@dataclass
class _TrackSide:
    side: int  # +1 / -1 once known, 0 while only seen inside the hysteresis band
    point: Point  # last position seen on `side`
    frame: int  # when the track was last seen
    time_s: float
    pending: _Pending | None = None


@dataclass(frozen=True)
class _Transition:
    from_side: int
    to_side: int
    from_point: Point
    to_point: Point
    frame: int
    time_s: float


class _SideMachine:
    """Confirmed side per track, with hysteresis and persistence (see module doc)."""

    def __init__(self, min_frames: int) -> None:
        self.min_frames = max(1, int(min_frames))
        self.states: dict[int, _TrackSide] = {}

    def observe(self, track_id: int, side: int, point: Point, frame: int,
                time_s: float) -> _Transition | None:
        state = self.states.get(track_id)
        if state is None:
            self.states[track_id] = _TrackSide(side, point, frame, time_s)
            return _Transition(0, side, point, point, frame, time_s) if side else None
        state.frame, state.time_s = frame, time_s
        if side == 0:
            state.pending = None  # the new side must hold for consecutive frames
            return None
        if state.side == 0:
            state.side, state.point = side, point
            return _Transition(0, side, point, point, frame, time_s)
        if side == state.side:
            state.point, state.pending = point, None
            return None
        if state.pending is None:
            state.pending = _Pending(side, 0, frame, time_s, point)
        state.pending.seen += 1
        if state.pending.seen >= self.min_frames:
            return self._confirm(state, point)
        return None

    def retire(self, track_id: int) -> tuple[_TrackSide | None, _Transition | None]:
        """Forget a track; a change of side it was making when it left is confirmed."""
        state = self.states.pop(track_id, None)
        if state is None or state.pending is None:
            return state, None
        return state, self._confirm(state, state.pending.to_point)

    @staticmethod
    def _confirm(state: _TrackSide, point: Point) -> _Transition:
        pending = state.pending
        assert pending is not None
        transition = _Transition(state.side, pending.side, state.point, pending.to_point,
                                 pending.frame, pending.time_s)
        state.side, state.point, state.pending = pending.side, point, None
        return transition


class RegionCounter:
    """What line and zone counters share: totals, per-class counts, new events."""

    kind: str

    def __init__(self, region: Region, *, hysteresis: float = 0.15,
                 min_frames: int = 2) -> None:
        self.hysteresis = float(hysteresis)
        self._machine = _SideMachine(min_frames)
        self.move_to(region)
        self.reset()

    def move_to(self, region: Region) -> None:
        """Use `region`'s geometry from now on (a resized frame), keeping the counts."""
        if region.kind != self.kind:
            raise ValueError(f"{region.name!r} is a {region.kind}, not a {self.kind}")
        self.region = region
        self._set_geometry(region)
        self.forget_positions()

    def reset(self) -> None:
        """Zero the counts and forget every track."""
        self.in_count = 0
        self.out_count = 0
        self.classwise: defaultdict[str, dict[str, int]] = defaultdict(
            lambda: {"IN": 0, "OUT": 0})
        self.forget_positions()

    def forget_positions(self) -> None:
        """Drop per-track positions (after a change of frame geometry), keep counts."""
        self._machine.states.clear()

    @property
    def tracked(self) -> int:
        """Tracks whose state this counter holds (bounded by the tracker's live tracks)."""
        return len(self._machine.states)

    def update(self, tracks: Tracks, frame: int, time_s: float,
               class_of: ClassOf) -> list[CountEvent]:
        """Feed one frame of tracks; return the events counted at this frame."""
        events: list[CountEvent] = []
        if len(tracks):
            sides = self._sides(tracks)
            for (x, y), side, track_id in zip(tracks.centers.tolist(), sides.tolist(),
                                              tracks.track_id.tolist(), strict=True):
                before = self._machine.states.get(track_id)
                settled = (before.side, before.point) if before and not before.pending else None
                transition = self._machine.observe(track_id, side, (x, y), frame, time_s)
                if transition is not None:
                    self._on_transition(track_id, transition, class_of, events)
                elif settled is not None and settled[0] == side:
                    self._on_stay(track_id, side, settled[1], (x, y), frame, time_s,
                                  class_of, events)
        for track_id in tracks.retired_ids:
            state, transition = self._machine.retire(track_id)
            if transition is not None:
                self._on_transition(track_id, transition, class_of, events)
            if state is not None:
                self._on_retire(track_id, state, class_of, events)
        return events

    def snapshot(self) -> RegionCounts:
        return RegionCounts(self.region.name, self.region.kind, self.in_count,
                            self.out_count, {k: dict(v) for k, v in self.classwise.items()})

    def _count(self, track_id: int, direction: str, transition: _Transition,
               class_of: ClassOf, events: list[CountEvent]) -> None:
        name = class_of(track_id)
        if direction == "IN":
            self.in_count += 1
        else:
            self.out_count += 1
        self.classwise[name][direction] += 1
        events.append(CountEvent(transition.frame, transition.time_s, track_id, name,
                                 direction, self.region.name))  # type: ignore[arg-type]

    def _margins(self, tracks: Tracks) -> np.ndarray:
        wh = np.clip(tracks.xyxy[:, 2:] - tracks.xyxy[:, :2], 0, None)
        return np.maximum(self.hysteresis * np.sqrt(wh[:, 0] * wh[:, 1]), 0.5)

    def _sides(self, tracks: Tracks) -> np.ndarray:
        distance = self._signed_distance(tracks.centers)
        margin = self._margins(tracks)
        return np.where(distance > margin, 1, np.where(distance < -margin, -1, 0))

    def _set_geometry(self, region: Region) -> None:
        raise NotImplementedError

    def _signed_distance(self, points: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _on_stay(self, track_id: int, side: int, previous: Point, point: Point, frame: int,
                 time_s: float, class_of: ClassOf, events: list[CountEvent]) -> None:
        """Hook for zones: a track moved from `previous` to `point` on the same side."""

    def _on_transition(self, track_id: int, transition: _Transition, class_of: ClassOf,
                       events: list[CountEvent]) -> None:
        raise NotImplementedError

    def _on_retire(self, track_id: int, state: _TrackSide, class_of: ClassOf,
                   events: list[CountEvent]) -> None:
        """Hook for zones, which close the visit of a track retired inside."""


class LineCounter(RegionCounter):
    """Counts crossings of a line segment; the side its `in_normal` points to is IN."""

    kind = "line"

    def _set_geometry(self, region: Region) -> None:
        (ax, ay), (bx, by) = region.points
        self._a = np.array([ax, ay], np.float64)
        self._ab = np.array([bx - ax, by - ay], np.float64)
        self._normal = np.array(region.in_normal, np.float64)

    def _signed_distance(self, points: np.ndarray) -> np.ndarray:
        return (points - self._a) @ self._normal

    def _on_transition(self, track_id: int, transition: _Transition, class_of: ClassOf,
                       events: list[CountEvent]) -> None:
        if transition.from_side == 0 or not self._within_ends(transition):
            return
        direction = "IN" if transition.to_side > 0 else "OUT"
        self._count(track_id, direction, transition, class_of, events)

    def _within_ends(self, transition: _Transition) -> bool:
        """Does the centre's path cross the line between its two end points?"""
        p = np.array(transition.from_point)
        q = np.array(transition.to_point)
        dp, dq = self._signed_distance(np.stack([p, q]))
        if dp == dq:
            return False
        crossing = p + (q - p) * (dp / (dp - dq))
        u = float((crossing - self._a) @ self._ab / (self._ab @ self._ab))
        return 0.0 <= u <= 1.0


@dataclass(frozen=True)
class _Visit:
    enter_s: float
    counted: bool  # an entry seen from outside (IN), not a track first seen inside


class ZoneCounter(RegionCounter):
    """Counts entries (IN) and exits (OUT) of a polygon, how many are inside now, and
    how long each stays (see the module doc for tracks first seen inside or lost)."""

    kind = "zone"

    def __init__(self, region: Region, *, max_dwell_records: int = 10_000,
                 hysteresis: float = 0.15, min_frames: int = 2) -> None:
        self.dwells: deque[DwellRecord] = deque(maxlen=max_dwell_records)
        self._visits: dict[int, _Visit] = {}
        super().__init__(region, hysteresis=hysteresis, min_frames=min_frames)

    def _set_geometry(self, region: Region) -> None:
        self._contour = np.array(region.points, np.float32).reshape(-1, 1, 2)

    def reset(self) -> None:
        super().reset()
        self.dwells.clear()
        self._dwell_total = 0.0
        self._dwell_visits = 0

    def forget_positions(self) -> None:
        super().forget_positions()
        self._visits.clear()

    @property
    def inside(self) -> int:
        return len(self._visits)

    @property
    def mean_dwell_s(self) -> float | None:
        """Mean length of the finished visits, or None before the first one ends."""
        return self._dwell_total / self._dwell_visits if self._dwell_visits else None

    def snapshot(self) -> RegionCounts:
        base = super().snapshot()
        return RegionCounts(base.name, base.kind, base.in_count, base.out_count,
                            base.classwise_count, self.inside, self.mean_dwell_s)

    def _signed_distance(self, points: np.ndarray) -> np.ndarray:
        return np.array([cv2.pointPolygonTest(self._contour, (float(x), float(y)), True)
                         for x, y in points.tolist()])

    def _on_stay(self, track_id: int, side: int, previous: Point, point: Point, frame: int,
                 time_s: float, class_of: ClassOf, events: list[CountEvent]) -> None:
        # Fast enough to jump over the zone between two frames: in and out again.
        if side == -1 and previous != point and self._passes_through(previous, point):
            jump = _Transition(-1, -1, previous, point, frame, time_s)
            self._count(track_id, "IN", jump, class_of, events)
            self._count(track_id, "OUT", jump, class_of, events)

    def _on_transition(self, track_id: int, transition: _Transition, class_of: ClassOf,
                       events: list[CountEvent]) -> None:
        if transition.to_side > 0:
            counted = transition.from_side < 0
            self._visits[track_id] = _Visit(transition.time_s, counted)
            if counted:
                self._count(track_id, "IN", transition, class_of, events)
        elif transition.from_side > 0:
            self._close_visit(track_id, transition, class_of, events)

    def _on_retire(self, track_id: int, state: _TrackSide, class_of: ClassOf,
                   events: list[CountEvent]) -> None:
        if track_id in self._visits:  # lost inside: it has left, when it was last seen
            last_seen = _Transition(1, -1, state.point, state.point, state.frame,
                                    state.time_s)
            self._close_visit(track_id, last_seen, class_of, events)

    def _close_visit(self, track_id: int, exit: _Transition, class_of: ClassOf,
                     events: list[CountEvent]) -> None:
        visit = self._visits.pop(track_id, None)
        if visit is None:
            return
        if visit.counted:
            self._count(track_id, "OUT", exit, class_of, events)
        record = DwellRecord(self.region.name, track_id, class_of(track_id), visit.enter_s,
                             exit.time_s)
        self.dwells.append(record)
        self._dwell_total += record.seconds
        self._dwell_visits += 1

    def _passes_through(self, start: Point, end: Point) -> bool:
        points = [(float(x), float(y)) for x, y in self._contour.reshape(-1, 2).tolist()]
        crossings = sum(segments_cross(start, end, a, b)
                        for a, b in zip(points, points[1:] + points[:1], strict=True))
        return crossings >= 2


def make_counter(region: Region, *, hysteresis: float = 0.15,
                 min_frames: int = 2) -> RegionCounter:
    """A LineCounter for a 2-point region, a ZoneCounter for a polygon."""
    counter = LineCounter if region.kind == "line" else ZoneCounter
    return counter(region, hysteresis=hysteresis, min_frames=min_frames)
