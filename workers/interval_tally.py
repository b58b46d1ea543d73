"""Per-interval counts of a camera: what its worker adds up between flushes.

Invariants (pure: times come in, nothing is read from a clock):
- Intervals are aligned to multiples of `interval_s` since the Unix epoch (UTC), so
  rows of every camera and every worker line up.
- Each closed interval yields, for every region, one "*" row (totals over classes,
  occupancy: peak and time-weighted mean of objects inside), even when nothing
  happened: a zero row means "counted, nobody", unlike a gap. Per-class rows are
  written for classes that were counted.
- `seconds` is the counted time inside the interval: an interval cut by a stream drop
  or a stop is closed early with fewer seconds, never padded.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from heatmap_core import CountEvent
from run_store import CameraEvent, IntervalCount

__all__ = ["TOTAL", "IntervalTally"]

TOTAL = "*"


class IntervalTally:
    def __init__(self, interval_s: float, regions: Iterable[str]) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = interval_s
        self.regions = tuple(regions)
        self._start: float | None = None  # epoch seconds of the open interval
        self._events: list[CameraEvent] = []
        self._reset()

    def _reset(self) -> None:
        self._seconds = 0.0
        self._counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._peak: dict[str, int] = dict.fromkeys(self.regions, 0)
        self._weighted: dict[str, float] = dict.fromkeys(self.regions, 0.0)

    def add(self, at: datetime, seconds: float, events: Iterable[CountEvent],
            inside: Mapping[str, int]) -> list[IntervalCount]:
        """Record one frame at `at` standing for `seconds`: its count events and the
        objects inside each region. Returns the rows of an interval this frame closed."""
        epoch = at.timestamp()
        start = math.floor(epoch / self.interval_s) * self.interval_s
        closed: list[IntervalCount] = []
        if self._start is not None and start != self._start:
            closed = self._rows()
            self._reset()
        self._start = start
        self._seconds += seconds
        for event in events:
            slot = self._counts[(event.region, event.class_name)]
            slot[0 if event.direction == "IN" else 1] += 1
            self._events.append(CameraEvent(at, event.region, event.class_name,
                                            event.direction, event.track_id))
        for name in self.regions:
            count = int(inside.get(name, 0))
            self._peak[name] = max(self._peak[name], count)
            self._weighted[name] += count * seconds
        return closed

    def close(self) -> list[IntervalCount]:
        """Close the open interval early (a drop, a stop); its rows, if it has any."""
        rows = self._rows() if self._start is not None else []
        self._start = None
        self._reset()
        return rows

    def take_events(self) -> list[CameraEvent]:
        """The events added since the last call (they are flushed as they go)."""
        events, self._events = self._events, []
        return events

    def _rows(self) -> list[IntervalCount]:
        assert self._start is not None
        start = datetime.fromtimestamp(self._start, timezone.utc)
        seconds = round(self._seconds, 3)
        rows = []
        for name in self.regions:
            classes = {c: v for (r, c), v in self._counts.items() if r == name}
            mean = self._weighted[name] / self._seconds if self._seconds > 0 else 0.0
            rows.append(IntervalCount(start, seconds, name, TOTAL,
                                      sum(v[0] for v in classes.values()),
                                      sum(v[1] for v in classes.values()),
                                      self._peak[name], round(mean, 4)))
            rows += [IntervalCount(start, seconds, name, c, v[0], v[1])
                     for c, v in sorted(classes.items())]
        return rows
