"""Counts over time: fixed-width time bins, bounded so a 24/7 stream stays small."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from heatmap_core.types import CountEvent

__all__ = ["CountSeries", "SeriesBin"]


@dataclass
class SeriesBin:
    """What happened in [start_s, start_s + width): counts, and the peak of live numbers."""

    start_s: float
    in_count: int = 0
    out_count: int = 0
    inside: int = 0  # most objects inside zones at once
    tracks: int = 0  # most tracked objects in one frame
    classwise: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"start_s": self.start_s, "in": self.in_count, "out": self.out_count,
                "inside": self.inside, "tracks": self.tracks,
                "classwise": {k: dict(v) for k, v in self.classwise.items()}}


class CountSeries:
    """IN/OUT counts, occupancy and track numbers per `bin_s` seconds of stream time.

    Only the newest `max_bins` bins are kept (a week of one-second bins by default).
    """

    def __init__(self, bin_s: float = 1.0, max_bins: int = 7 * 24 * 3600) -> None:
        if bin_s <= 0:
            raise ValueError("bin_s must be positive")
        self.bin_s = bin_s
        self.bins: deque[SeriesBin] = deque(maxlen=max_bins)

    def reset(self) -> None:
        self.bins.clear()

    def record(self, time_s: float, events: Iterable[CountEvent], inside: int,
               tracks: int) -> None:
        current = self._bin_at(time_s)
        current.inside = max(current.inside, inside)
        current.tracks = max(current.tracks, tracks)
        for event in events:
            target = current if event.time_s >= current.start_s else self._bin_at(event.time_s)
            per_class = target.classwise.setdefault(event.class_name, {"IN": 0, "OUT": 0})
            per_class[event.direction] += 1
            if event.direction == "IN":
                target.in_count += 1
            else:
                target.out_count += 1

    def rows(self) -> list[dict[str, object]]:
        return [b.to_dict() for b in self.bins]

    def _bin_at(self, time_s: float) -> SeriesBin:
        start = (time_s // self.bin_s) * self.bin_s
        if self.bins and self.bins[-1].start_s == start:
            return self.bins[-1]
        if self.bins and start < self.bins[-1].start_s:
            for b in reversed(self.bins):
                if b.start_s == start:
                    return b
            return self.bins[0]  # older than anything kept: fold into the oldest bin
        new = SeriesBin(start)
        self.bins.append(new)
        return new
