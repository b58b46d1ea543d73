"""A day of live stream, simulated: memory stays flat and every crossing is counted."""

from __future__ import annotations

import tracemalloc

import numpy as np

from heatmap_core import CountSeries, Heatmap, ScriptedDetector, Tracks

DAY_S = 24 * 3600
FRAME_EVERY_S = 4  # accelerated time: one frame every 4 s of stream
NEW_TRACK_EVERY = 5  # frames
FRAME = np.full((48, 64, 3), 80, np.uint8)


def crowd(frame: int) -> Tracks:
    """A new person every 5 frames walks down across y=24 in 4 frames: thousands of
    short tracks a day, one or two on screen at once."""
    rows = []
    for start in range(frame - frame % NEW_TRACK_EVERY - NEW_TRACK_EVERY, frame + 1,
                       NEW_TRACK_EVERY):
        age = frame - start
        if start >= 0 and age < 4:
            x, y = 8 + (start // NEW_TRACK_EVERY) % 5 * 10, 4 + age * 14
            rows.append((start // NEW_TRACK_EVERY + 1, (x, y - 4, x + 6, y + 4)))
    if not rows:
        return Tracks.empty()
    ids, boxes = zip(*rows)
    return Tracks(np.array(boxes), np.array(ids), np.zeros(len(ids)), np.ones(len(ids)))


def test_a_day_of_stream_keeps_memory_flat_and_counts_exact():
    heatmap = Heatmap(model=ScriptedDetector(crowd, retire_after=3), verbose=False,
                      region=[(0, 24), (64, 24)], decay=600.0, max_events=100)
    heatmap.series = CountSeries(max_bins=64)  # small bounds, reached early
    frames = DAY_S // FRAME_EVERY_S
    # By six hours every bounded store (events, series bins) has reached its bound.
    six_hours = 6 * 3600 // FRAME_EVERY_S
    tracemalloc.start()
    for index in range(frames):
        heatmap(FRAME, float(index * FRAME_EVERY_S))
        if index == six_hours:
            after_six_hours, _ = tracemalloc.get_traced_memory()
    at_the_end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert at_the_end - after_six_hours < 64 * 1024  # bytes, over the next 18 hours
    assert heatmap.in_count == heatmap.tracks_seen == frames // NEW_TRACK_EVERY
    assert heatmap.out_count == 0
    assert sum(row["in"] for row in heatmap.series.rows()) == heatmap.in_count
    assert np.isfinite(heatmap.heatmap).all() and heatmap.heatmap.max() > 0
