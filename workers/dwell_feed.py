"""Zone visits of a camera's Heatmap as the store keeps them: each finished visit once,
at the wall-clock time it ended.

Invariants (pure: times come in, nothing is read from a clock): a visit is handed out
once, in the order it ended; nothing in the Heatmap is changed (its counters keep
their own records); a counter that was reset starts afresh. Visit times are the
Heatmap's stream seconds, turned into wall-clock time through the frame that finished
them (`at` is that frame's time, `time_s` its stream time).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from heatmap_core import DwellRecord, Heatmap, ZoneCounter
from run_store import DwellVisit

__all__ = ["DwellFeed"]


class DwellFeed:
    def __init__(self) -> None:
        self._newest: dict[ZoneCounter, DwellRecord] = {}

    def take(self, heatmap: Heatmap, at: datetime, time_s: float) -> list[DwellVisit]:
        """The visits finished since the last call, the frame at `at` (`time_s` in the
        stream) included."""
        visits: list[DwellVisit] = []
        for counter in heatmap.counters:
            if not isinstance(counter, ZoneCounter) or not counter.dwells:
                continue
            newest = self._newest.get(counter)
            fresh: list[DwellRecord] = []
            for record in reversed(counter.dwells):  # only the new end is walked
                if record is newest:
                    break
                fresh.append(record)
            self._newest[counter] = counter.dwells[-1]
            visits += [DwellVisit(at - timedelta(seconds=max(time_s - r.exit_s, 0.0)),
                                  r.region, r.class_name, round(max(r.seconds, 0.0), 3),
                                  r.track_id) for r in reversed(fresh)]
        return visits
