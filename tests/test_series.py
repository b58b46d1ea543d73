"""Counts over time: exact per bin, bounded in memory however long the stream."""

from __future__ import annotations

from heatmap_core import CountEvent, CountSeries


def event(t: float, direction: str = "IN", name: str = "person") -> CountEvent:
    return CountEvent(int(t * 10), t, 1, name, direction, "door")  # type: ignore[arg-type]


def test_events_land_in_their_second():
    series = CountSeries()
    series.record(0.5, [event(0.5)], inside=2, tracks=3)
    series.record(1.2, [event(1.1, "OUT", "car")], inside=1, tracks=5)
    series.record(1.9, [], inside=4, tracks=1)
    assert series.rows() == [
        {"start_s": 0.0, "in": 1, "out": 0, "inside": 2, "tracks": 3,
         "classwise": {"person": {"IN": 1, "OUT": 0}}},
        {"start_s": 1.0, "in": 0, "out": 1, "inside": 4, "tracks": 5,
         "classwise": {"car": {"IN": 0, "OUT": 1}}},
    ]


def test_a_late_event_goes_to_its_own_bin():
    series = CountSeries()
    series.record(0.5, [], 0, 0)
    series.record(2.5, [event(0.7)], 0, 0)  # confirmed two seconds after it happened
    assert [(r["start_s"], r["in"]) for r in series.rows()] == [(0.0, 1), (2.0, 0)]


def test_a_long_stream_keeps_every_count_in_bounded_memory():
    series = CountSeries(max_bins=100)
    for second in range(86_400):  # a day, one event a second
        series.record(second + 0.5, [event(second + 0.5)], inside=second % 7, tracks=1)
    rows = series.rows()
    assert len(rows) <= 100
    assert sum(r["in"] for r in rows) == 86_400
    assert max(r["inside"] for r in rows) == 6
    assert series.bin_s == 1024 and rows[0]["start_s"] == 0
