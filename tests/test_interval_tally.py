"""Per-interval counts: aligned intervals, zero rows that differ from gaps, occupancy
weighted by time, intervals closed early never padded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from heatmap_core import CountEvent
from run_store import IntervalCount
from workers.interval_tally import TOTAL, IntervalTally

T0 = datetime(2026, 3, 2, 8, 0, 0, tzinfo=timezone.utc)


def event(region: str, cls: str, direction: str, track: int = 1) -> CountEvent:
    return CountEvent(0, 0.0, track, cls, direction, region)  # type: ignore[arg-type]


def test_an_interval_closes_when_a_frame_starts_the_next() -> None:
    tally = IntervalTally(60, ["door", "hall"])
    assert tally.add(T0 + timedelta(seconds=10), 1.0, [event("door", "person", "IN")],
                     {"hall": 2}) == []
    assert tally.add(T0 + timedelta(seconds=40), 3.0, [event("door", "car", "OUT", 2),
                                                       event("door", "person", "IN", 3)],
                     {"hall": 0}) == []
    rows = tally.add(T0 + timedelta(seconds=61), 1.0, [], {"hall": 1})
    assert rows == [
        IntervalCount(T0, 4.0, "door", TOTAL, 2, 1, 0, 0.0),
        IntervalCount(T0, 4.0, "door", "car", 0, 1),
        IntervalCount(T0, 4.0, "door", "person", 2, 0),
        IntervalCount(T0, 4.0, "hall", TOTAL, 0, 0, 2, 0.5),  # 2 inside for 1 s of 4
    ]
    assert [e.direction for e in tally.take_events()] == ["IN", "OUT", "IN"]
    assert tally.take_events() == []
    assert tally.close() == [IntervalCount(T0 + timedelta(minutes=1), 1.0, "door", TOTAL, 0, 0),
                             IntervalCount(T0 + timedelta(minutes=1), 1.0, "hall", TOTAL, 0, 0,
                                           1, 1.0)]
    assert tally.close() == []


def test_intervals_align_to_the_clock_not_to_the_first_frame() -> None:
    tally = IntervalTally(300, ["door"])
    tally.add(T0 + timedelta(minutes=7, seconds=3), 0.1, [], {})
    [row] = tally.close()
    assert row.start == T0 + timedelta(minutes=5)
