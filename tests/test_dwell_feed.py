"""Zone visits leave a camera's Heatmap once each, at the wall-clock time they ended:
the feed hands the store exactly what the zone counter measured."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from heatmap_core import Heatmap, ScriptedDetector, Tracks
from workers.dwell_feed import DwellFeed

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
ZONE = [(50, 50), (150, 50), (150, 150), (50, 150)]


def walkers(frame: int) -> Tracks:
    """Track 1 walks down x=100 from y=0 at 10 px a frame; track 2 starts 8 frames later
    at 5 px a frame (so it stays about twice as long)."""
    rows, ids = [], []
    for track, start, speed in ((1, 0, 10), (2, 8, 5)):
        if frame >= start:
            y = (frame - start) * speed
            rows.append([90, y - 10, 110, y + 10])
            ids.append(track)
    if not rows:
        return Tracks.empty()
    return Tracks(np.array(rows, np.float32), np.array(ids), np.zeros(len(ids), np.int64),
                  np.full(len(ids), 0.9, np.float32))


def test_each_visit_comes_once_at_the_time_it_ended() -> None:
    heatmap = Heatmap(model=ScriptedDetector(walkers, names={0: "person"}), region=ZONE,
                      verbose=False)
    feed = DwellFeed()
    frame = np.zeros((240, 320, 3), np.uint8)
    taken = []
    for index in range(60):
        time_s = index / 10
        result = heatmap(frame, time_s=time_s)
        # The wall clock runs 100 s ahead of the stream's own seconds.
        taken += feed.take(heatmap, T0 + timedelta(seconds=100 + result.time_s),
                           result.time_s)
    records = heatmap.dwells
    assert [r.track_id for r in records] == [1, 2]
    assert [(v.region, v.class_name, v.track_id) for v in taken] == [
        (r.region, r.class_name, r.track_id) for r in records]
    assert [v.seconds for v in taken] == [round(r.seconds, 3) for r in records]
    assert [v.at for v in taken] == [T0 + timedelta(seconds=100 + r.exit_s) for r in records]
    assert taken[1].seconds > taken[0].seconds > 0
    assert feed.take(heatmap, T0, 6.0) == []  # nothing new: nothing again


def test_a_reset_heatmap_starts_afresh() -> None:
    heatmap = Heatmap(model=ScriptedDetector(walkers, names={0: "person"}), region=ZONE,
                      verbose=False)
    feed = DwellFeed()
    frame = np.zeros((240, 320, 3), np.uint8)
    for index in range(60):
        heatmap(frame, time_s=index / 10)
    assert len(feed.take(heatmap, T0, 6.0)) == 2
    heatmap.reset()
    heatmap.detector.reset()
    for index in range(60):
        heatmap(frame, time_s=index / 10)
    assert [v.track_id for v in feed.take(heatmap, T0, 6.0)] == [1, 2]
