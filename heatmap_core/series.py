"""Counts over time in time bins whose memory stays bounded on a 24/7 stream.

Bins start `bin_s` wide. When there are more than `max_bins`, neighbours merge in
pairs and the width doubles: an hour keeps one-second bins, a week keeps the whole
week at a coarser step, in the same memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from heatmap_core.types import CountEvent

__all__ = ["CountSeries", "SeriesBin"]


@dataclass(slots=True)
class SeriesBin:
    """What happened in [start_s, start_s + width): counts, and the peak of live numbers."""

    start_s: float
    in_count: int = 0
    out_count: int = 0
    inside: int = 0  # most objects inside zones at once
    tracks: int = 0  # most tracked objects in one frame
    classwise: dict[str, dict[str, int]] = field(default_factory=dict)

    def absorb(self, other: SeriesBin) -> None:
        self.in_count += other.in_count
        self.out_count += other.out_count
        self.inside = max(self.inside, other.inside)
        self.tracks = max(self.tracks, other.tracks)
        for name, counts in other.classwise.items():
            mine = self.classwise.setdefault(name, {"IN": 0, "OUT": 0})
            mine["IN"] += counts["IN"]
            mine["OUT"] += counts["OUT"]

    def to_dict(self) -> dict[str, object]:
        return {"start_s": self.start_s, "in": self.in_count, "out": self.out_count,
                "inside": self.inside, "tracks": self.tracks,
                "classwise": {k: dict(v) for k, v in self.classwise.items()}}


class CountSeries:
    """IN/OUT counts, occupancy and track numbers per bin of stream time."""

    def __init__(self, bin_s: float = 1.0, max_bins: int = 3600) -> None:
        if bin_s <= 0 or max_bins < 2:
            raise ValueError("bin_s must be positive and max_bins at least 2")
        self.initial_bin_s = bin_s
        self.bin_s = bin_s
        self.max_bins = max_bins
        self.bins: list[SeriesBin] = []

    def reset(self) -> None:
        self.bins.clear()
        self.bin_s = self.initial_bin_s

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
        if self.bins and start < self.bins[-1].start_s:  # an event from a past bin
            return next((b for b in reversed(self.bins) if b.start_s <= start), self.bins[0])
        self.bins.append(SeriesBin(start))
        if len(self.bins) > self.max_bins:
            self._coarsen()
        return self._bin_at(time_s)

    def _coarsen(self) -> None:
        """Merge neighbours into bins twice as wide."""
        self.bin_s *= 2
        merged: list[SeriesBin] = []
        for b in self.bins:
            start = (b.start_s // self.bin_s) * self.bin_s
            if merged and merged[-1].start_s == start:
                merged[-1].absorb(b)
            else:
                b.start_s = start
                merged.append(b)
        self.bins = merged
