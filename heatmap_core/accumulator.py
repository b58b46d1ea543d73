"""The heat: where tracked objects have been, weighted by time, optionally fading.

Each tracked box deposits heat on the disc inscribed in it (the Ultralytics footprint),
weighted by the seconds the frame stands for, so a pixel's value is the number of
seconds an object covered it: dropped frames on a live stream change nothing.

Heat lives on a grid at most `max_size` pixels on its longer side (exactly the frame
for frames up to that size): heat is smooth, and a 1080p grid would cost 9x the work
for nothing visible. `values` gives it back frame-sized.

Values accumulate in float64, so that a day of heat (1e5 and more) still registers a
0.01 s addition; a half-life decay is applied lazily through a global gain, which costs
nothing per frame.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["HeatAccumulator", "normalize_heat"]

_RENORMALISE_AT = 1e30


class HeatAccumulator:
    """Heat in object-seconds per pixel for frames of `height` x `width`.

    `half_life_s=None` keeps every deposit forever (cumulative, like the seed); a number
    halves all heat every `half_life_s` seconds of stream time.
    """

    def __init__(self, height: int, width: int, half_life_s: float | None = None,
                 max_size: int = 640) -> None:
        if half_life_s is not None and half_life_s <= 0:
            raise ValueError(f"decay half-life must be positive seconds, got {half_life_s}")
        self.half_life_s = half_life_s
        self.max_size = max_size
        self._gain = 1.0
        self._max = 0.0  # max of _acc, kept up to date on each deposit
        self._set_frame_size(height, width)
        self._acc: npt.NDArray[np.float64] = np.zeros(self.grid_shape, np.float64)

    @property
    def shape(self) -> tuple[int, int]:
        """The frame size the heat is for."""
        return self._frame_shape

    @property
    def grid_shape(self) -> tuple[int, int]:
        """The size of the grid heat is kept on (the frame, shrunk to `max_size`)."""
        return self._grid_shape

    @property
    def max(self) -> float:
        return self._max / self._gain

    @property
    def grid(self) -> npt.NDArray[np.float32]:
        """A float32 copy of the heat on its grid."""
        return (self._acc / self._gain).astype(np.float32)

    @property
    def values(self) -> npt.NDArray[np.float32]:
        """A float32 copy of the heat, frame-sized, in object-seconds per pixel."""
        grid = self.grid
        if self.grid_shape == self.shape:
            return grid
        h, w = self.shape
        return np.asarray(cv2.resize(grid, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)

    def reset(self) -> None:
        self._acc[:] = 0
        self._gain = 1.0
        self._max = 0.0

    def advance(self, seconds: float) -> None:
        """Let `seconds` of stream time pass (fades the heat when a half-life is set)."""
        if self.half_life_s is None or seconds <= 0:
            return
        self._gain *= 2.0 ** (seconds / self.half_life_s)
        if self._gain > _RENORMALISE_AT:
            self._acc /= self._gain
            self._max /= self._gain
            self._gain = 1.0

    def deposit(self, xyxy: npt.NDArray[np.floating], seconds: float) -> None:
        """Add `seconds` of heat under each box's (frame pixels) inscribed disc."""
        amount = seconds * self._gain
        if amount <= 0 or not len(xyxy):
            return
        h, w = self._acc.shape
        boxes = np.asarray(xyxy, np.float64) * self._scale
        for bx0, by0, bx1, by1 in boxes.astype(np.int64).tolist():
            disc = _disc(bx1 - bx0, by1 - by0)
            if disc is None:
                continue
            # Clip the box to the grid and the disc with it.
            cx0, cy0, cx1, cy1 = max(bx0, 0), max(by0, 0), min(bx1, w), min(by1, h)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            roi = self._acc[cy0:cy1, cx0:cx1]
            roi += disc[cy0 - by0:cy1 - by0, cx0 - bx0:cx1 - bx0] * amount
            self._max = max(self._max, float(roi.max()))

    def resize(self, height: int, width: int) -> None:
        """Follow a change of frame size, keeping the heat where it was in the picture."""
        if (height, width) == self.shape:
            return
        self._set_frame_size(height, width)
        gh, gw = self.grid_shape
        self._acc = np.asarray(cv2.resize(self._acc, (gw, gh), interpolation=cv2.INTER_LINEAR),
                               np.float64)
        self._max = float(self._acc.max()) if self._acc.size else 0.0

    def normalized(self) -> npt.NDArray[np.uint8]:
        """Heat on its grid as 0..255, the hottest pixel 255, on a square-root scale so
        that paths walked a few times still show beside a spot where someone stood all day."""
        return normalize_heat(self._acc, self._max)

    def _set_frame_size(self, height: int, width: int) -> None:
        self._frame_shape = (height, width)
        self._scale = min(1.0, self.max_size / max(height, width))
        self._grid_shape = (max(round(height * self._scale), 1),
                            max(round(width * self._scale), 1))


def normalize_heat(heat: npt.NDArray[np.floating],
                   peak: float | None = None) -> npt.NDArray[np.uint8]:
    """Heat on any grid as 0..255 the way `HeatAccumulator.normalized` shows it: `peak`
    (default: the hottest cell) is 255, on a square-root scale. For heat summed
    elsewhere (a camera's stored snapshots over a period)."""
    peak = float(np.max(heat)) if peak is None and heat.size else (peak or 0.0)
    if peak <= 0:
        return np.zeros(heat.shape, np.uint8)
    relative = (np.asarray(heat) * (1.0 / peak)).astype(np.float32)
    return np.asarray(cv2.convertScaleAbs(cv2.sqrt(relative), alpha=255.0), np.uint8)


@lru_cache(maxsize=1024)
def _disc(width: int, height: int) -> npt.NDArray[np.float64] | None:
    """The seed's footprint: a disc of radius min(w, h) // 2 at the box centre."""
    if width <= 0 or height <= 0:
        return None
    radius = min(width, height) // 2
    yy, xx = np.ogrid[:height, :width]
    inside = (xx - width // 2) ** 2 + (yy - height // 2) ** 2 <= radius ** 2
    disc = inside.astype(np.float64)
    disc.setflags(write=False)
    return disc
