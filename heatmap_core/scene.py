"""Rendered scenes: objects moving along known paths over a static background.

They give exact ground truth (where each object is at each frame) for tests, and a
sample video that the app can always produce without shipping anyone's footage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from heatmap_core.types import Tracks
from heatmap_core.video import H264Writer

__all__ = ["Mover", "Scene", "sample_scene"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Mover:
    """An object following waypoints (centre positions) from `start_frame`, one waypoint
    every `frames_per_leg` frames; hidden on the frames listed in `hidden`. Its `shape`
    is a "box", or a "person": a head above shoulders as wide as the box, so that
    people side by side show one head each."""

    waypoints: tuple[Point, ...]
    start_frame: int = 0
    frames_per_leg: int = 20
    size: tuple[int, int] = (24, 48)
    color: tuple[int, int, int] = (40, 40, 200)
    hidden: frozenset[int] = frozenset()
    shape: Literal["box", "person"] = "box"

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.frames_per_leg * (len(self.waypoints) - 1)

    def centre_at(self, frame: int) -> Point | None:
        if not self.start_frame <= frame <= self.end_frame:
            return None
        leg, step = divmod(frame - self.start_frame, self.frames_per_leg)
        if leg == len(self.waypoints) - 1:
            return self.waypoints[-1]
        (x0, y0), (x1, y1) = self.waypoints[leg], self.waypoints[leg + 1]
        f = step / self.frames_per_leg
        return (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)

    def box_at(self, frame: int) -> tuple[float, float, float, float] | None:
        centre = self.centre_at(frame)
        if centre is None:
            return None
        w, h = self.size
        return (centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2)


@dataclass(frozen=True)
class Scene:
    """A static background with movers; deterministic frame by frame."""

    width: int = 320
    height: int = 240
    fps: float = 10.0
    frames: int = 100
    movers: tuple[Mover, ...] = ()
    noise: float = 2.0
    occluders: tuple[tuple[int, int, int, int], ...] = ()  # xyxy, drawn over movers
    seed: int = 0
    _background: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_background", self._make_background())

    def frame(self, index: int) -> np.ndarray:
        image = self._background.copy()
        for mover in self.movers:
            box = mover.box_at(index)
            if box is None or index in mover.hidden:
                continue
            x0, y0, x1, y1 = (round(v) for v in box)
            shade = tuple(min(255, c + 60) for c in mover.color)
            if mover.shape == "person":
                radius = max(2, round((x1 - x0) * 0.3))
                centre = ((x0 + x1) // 2, y0 + radius)
                cv2.circle(image, centre, radius, (60, 90, 150), -1)
                cv2.rectangle(image, (x0, y0 + 2 * radius), (x1 - 1, y1 - 1), mover.color, -1)
                cv2.rectangle(image, (x0 + 3, y0 + 2 * radius + 3),
                              (x1 - 4, y0 + (y1 - y0) // 2), shade, -1)
                continue
            cv2.rectangle(image, (x0, y0), (x1 - 1, y1 - 1), mover.color, -1)
            cv2.rectangle(image, (x0 + 3, y0 + 3), (x1 - 4, y0 + (y1 - y0) // 3), shade, -1)
        for x0, y0, x1, y1 in self.occluders:
            cv2.rectangle(image, (x0, y0), (x1, y1), (90, 110, 120), -1)
        if self.noise:
            rng = np.random.default_rng(self.seed * 100_003 + index)
            noise = rng.normal(0, self.noise, image.shape)
            image = np.clip(image + noise, 0, 255).astype(np.uint8)
        return image

    def tracks_at(self, index: int) -> Tracks:
        """Ground truth as tracks (boxes clipped to the frame): ids are mover positions
        in `movers`, from 1."""
        rows = []
        for i, mover in enumerate(self.movers):
            box = mover.box_at(index)
            if box is None or index in mover.hidden:
                continue
            x0, y0, x1, y1 = (max(box[0], 0), max(box[1], 0), min(box[2], self.width),
                              min(box[3], self.height))
            if x1 - x0 >= 1 and y1 - y0 >= 1:
                rows.append((i + 1, (x0, y0, x1, y1)))
        if not rows:
            return Tracks.empty()
        ids, boxes = zip(*rows, strict=True)
        return Tracks(np.array(boxes, np.float32), np.array(ids, np.int64),
                      np.zeros(len(ids), np.int64), np.ones(len(ids), np.float32))

    def write(self, path: str | Path, crf: int = 16) -> Path:
        """Render to an H.264 mp4."""
        path = Path(path)
        with H264Writer(path, self.fps, self.width, self.height, crf=crf) as writer:
            for index in range(self.frames):
                writer.write(self.frame(index))
        return path

    def _make_background(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        ys, xs = np.mgrid[0:self.height, 0:self.width]
        base = 150 + 40 * np.sin(xs / 37.0) * np.cos(ys / 23.0)
        image = np.stack([base * 0.9, base, base * 0.8], axis=2)
        for _ in range(12):  # floor tiles and fittings: texture the subtractor must learn
            x, y = int(rng.integers(0, self.width)), int(rng.integers(0, self.height))
            w, h = int(rng.integers(10, 60)), int(rng.integers(10, 40))
            color = rng.integers(90, 210, 3).tolist()
            cv2.rectangle(image, (x, y), (x + w, y + h), color, -1)
        return np.clip(image, 0, 255).astype(np.uint8)


def sample_scene(width: int = 640, height: int = 360, fps: float = 15.0,
                 seconds: float = 20.0) -> Scene:
    """The app's sample: people crossing a street, both ways, some through a plaza."""
    rng = np.random.default_rng(7)
    frames = int(seconds * fps)
    movers: list[Mover] = []
    colors = [(40, 40, 200), (200, 80, 40), (40, 160, 40), (160, 40, 160), (30, 120, 220),
              (120, 60, 20), (200, 200, 40)]
    for i in range(16):
        down = i % 3 != 2
        x = float(rng.uniform(0.1, 0.9) * width)
        drift = float(rng.uniform(-0.15, 0.15) * width)
        top, bottom = -30.0, height + 30.0
        start, end = ((x, top), (x + drift, bottom)) if down else ((x, bottom), (x + drift, top))
        legs = int(fps * rng.uniform(5, 8))
        movers.append(Mover((start, end), start_frame=int(i * frames / 18),
                            frames_per_leg=legs, size=(22, 46),
                            color=colors[i % len(colors)]))
    return Scene(width, height, fps, frames, tuple(movers), seed=7)
