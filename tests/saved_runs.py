"""Analyses to save as runs in the app's tests: a rendered street where one object
walks down across the line (IN) and one walks up (OUT), as an upload or a live session."""

from __future__ import annotations

import itertools
from pathlib import Path

from heatmap_core import Heatmap, Mover, Scene, analyse_video, save_snapshot

LINE = [(0, 120), (320, 120)]
SETTINGS = {"model": "motion", "regions": [{"name": "region", "points": LINE}]}


def street_video(folder: Path, frames: int = 40) -> Path:
    down = Mover(((60, -30), (60, 270)), frames_per_leg=24)
    up = Mover(((250, 270), (250, -30)), start_frame=4, frames_per_leg=24,
               color=(200, 80, 40))
    return Scene(frames=frames, movers=(down, up)).write(folder / "street.mp4")


def analysed(video: Path, folder: Path, stop_after: int | None = None) -> Path:
    """`analyse_video`'s folder for `video`; stopped after `stop_after` frames if given."""
    frames = itertools.count()
    should_stop = None if stop_after is None else (lambda: next(frames) >= stop_after)
    analyse_video(video, Heatmap(model="motion", region=LINE, verbose=False), folder,
                  should_stop=should_stop)
    return folder


def live_session(folder: Path, frames: int = 40) -> Path:
    """What the live page saves: the same street seen through a 'webcam', no video."""
    scene = Scene(frames=frames, movers=(Mover(((60, -30), (60, 270)), frames_per_leg=24),))
    heatmap = Heatmap(model="motion", region=LINE, verbose=False)
    for index in range(frames):
        heatmap(scene.frame(index), time_s=index / scene.fps)
    save_snapshot(heatmap, folder, background=scene.frame(0), source="webcam",
                  fps=scene.fps, frames=frames, duration_s=frames / scene.fps,
                  elapsed_s=frames / scene.fps)
    return folder
