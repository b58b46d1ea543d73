"""A day of live stream, simulated: memory stays flat and every crossing is counted."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

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
    ids, boxes = zip(*rows, strict=True)
    return Tracks(np.array(boxes), np.array(ids), np.zeros(len(ids)), np.ones(len(ids)))


def simulate_day() -> dict[str, object]:
    """A day of stream through Heatmap; what it counted and how its memory grew."""
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
    return {"frames": frames, "grown": at_the_end - after_six_hours,
            "in": heatmap.in_count, "out": heatmap.out_count,
            "tracks_seen": heatmap.tracks_seen,
            "series_in": sum(row["in"] for row in heatmap.series.rows()),
            "heat_ok": bool(np.isfinite(heatmap.heatmap).all() and heatmap.heatmap.max() > 0)}


def test_a_day_of_stream_keeps_memory_flat_and_counts_exact():
    # A fresh interpreter: nothing else allocates while memory is measured.
    code = "import json; from tests.test_long_stream import simulate_day; " \
           "print(json.dumps(simulate_day()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=True)
    day = json.loads(done.stdout)
    assert day["grown"] < 64 * 1024  # bytes, from hour 6 to hour 24
    assert day["in"] == day["tracks_seen"] == day["frames"] // NEW_TRACK_EVERY
    assert day["out"] == 0 and day["series_in"] == day["in"]
    assert day["heat_ok"]
