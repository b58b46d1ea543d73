"""Shared pieces of the camera tier's tests: settings sized for tests, the rendered
scene a camera streams, and the same frames analysed as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av

from heatmap_core import Mover, Scene
from workers import Backoff, CameraConfig, WorkerSettings, build_heatmap

LINE = {"middle": [(0, 120), (320, 120)]}
LOOP_FRAMES = 60


def settings_for_tests(data_dir: Path, **overrides: Any) -> WorkerSettings:
    """Short intervals, timeouts and backoff, a quarter CPU per camera."""
    values: dict[str, Any] = {
        "data_dir": str(data_dir), "local_num_cpus": 2, "camera_cpus": 0.25, "interval_s": 1.0,
        "heat_every_s": 2.0, "open_timeout_s": 3.0, "stall_timeout_s": 3.0,
        "backoff": Backoff(first_s=0.5, factor=2.0, max_s=2.0), "live_view_every_s": 0.5,
        "namespace": "heatmap-tests"}
    values.update(overrides)
    return WorkerSettings(**values)


def crossing_scene() -> Scene:
    """6 s at 10 fps: three objects cross the middle line, two down and one up, each
    well inside the loop, so the first loop's events are known."""
    return Scene(320, 240, 10.0, LOOP_FRAMES, movers=(
        Mover(((80, -30), (80, 270)), start_frame=2, frames_per_leg=24),
        Mover(((170, 270), (170, -30)), start_frame=14, frames_per_leg=24, color=(200, 80, 40)),
        Mover(((250, -30), (250, 270)), start_frame=28, frames_per_leg=24, color=(40, 160, 40))))


def file_events(video: Path, config: CameraConfig) -> list[tuple[str, str, str, int]]:
    """The events of one pass over `video`, analysed frame by frame as a file, with the
    Heatmap a camera with `config` builds."""
    heatmap = build_heatmap(config)
    events = []
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            result = heatmap(frame.to_ndarray(format="bgr24"))
            events += [(e.region, e.class_name, e.direction, e.track_id) for e in result.events]
    return events
