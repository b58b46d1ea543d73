"""The heat: where tracked objects have been, weighted by time, optionally fading.

Each tracked box deposits heat on the disc inscribed in it (the Ultralytics footprint),
weighted by the seconds the frame stands for, so a pixel's value is the number of
seconds an object covered it: dropped frames on a live stream change nothing.

Values accumulate in float64, so that a day of heat (1e5 and more) still registers a
0.01 s addition; a half-life decay is applied lazily through a global gain, which costs
nothing per frame.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["HeatAccumulator", "colorize", "overlay"]

_RENORMALISE_AT = 1e30


class HeatAccumulator:
    """Frame-sized heat in object-seconds per pixel.

    `half_life_s=None` keeps every deposit forever (cumulative, like the seed); a number
    halves all heat every `half_life_s` seconds of stream time.
    """

    def __init__(self, height: int, width: int, half_life_s: float | None = None) -> None:
        if half_life_s is not None and half_life_s <= 0:
            raise ValueError(f"decay half-life must be positive seconds, got {half_life_s}")
        self.half_life_s = half_life_s
        self._acc = np.zeros((height, width), np.float64)
        self._gain = 1.0
        self._max = 0.0  # max of _acc, kept up to date on each deposit

    @property
    def shape(self) -> tuple[int, int]:
        return self._acc.shape  # type: ignore[return-value]

    @property
    def max(self) -> float:
        return self._max / self._gain

    @property
    def values(self) -> npt.NDArray[np.float32]:
        """A float32 copy of the heat, frame-sized, in object-seconds."""
        return (self._acc / self._gain).astype(np.float32)

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
        """Add `seconds` of heat under each box's inscribed disc."""
        h, w = self._acc.shape
        amount = seconds * self._gain
        if amount <= 0:
            return
        for x0, y0, x1, y1 in np.asarray(xyxy, np.float64).tolist():
            bx0, by0, bx1, by1 = int(x0), int(y0), int(x1), int(y1)
            disc = _disc(bx1 - bx0, by1 - by0)
            if disc is None:
                continue
            # Clip the box to the frame and the disc with it.
            cx0, cy0, cx1, cy1 = max(bx0, 0), max(by0, 0), min(bx1, w), min(by1, h)
            if cx0 >= cx1 or cy0 >= cy1:
                continue
            mask = disc[cy0 - by0:cy1 - by0, cx0 - bx0:cx1 - bx0]
            roi = self._acc[cy0:cy1, cx0:cx1]
            roi += mask * amount
            self._max = max(self._max, float(roi.max()))

    def resize(self, height: int, width: int) -> None:
        """Follow a change of frame size, keeping the heat where it was in the picture."""
        if (height, width) == self.shape:
            return
        self._acc = cv2.resize(self._acc, (width, height), interpolation=cv2.INTER_LINEAR)
        self._max = float(self._acc.max()) if self._acc.size else 0.0

    def normalized(self) -> npt.NDArray[np.uint8]:
        """Heat as 0..255, the hottest pixel 255, on a square-root scale so that paths
        walked a few times still show beside a spot where someone stood all day."""
        if self._max <= 0:
            return np.zeros(self._acc.shape, np.uint8)
        relative = (self._acc * (1.0 / self._max)).astype(np.float32)
        return cv2.convertScaleAbs(cv2.sqrt(relative), alpha=255.0)


def colorize(normalized: npt.NDArray[np.uint8], colormap: int) -> npt.NDArray[np.uint8]:
    """The heat as a BGR image in an OpenCV colormap."""
    return cv2.applyColorMap(normalized, colormap)


def overlay(image: npt.NDArray[np.uint8], normalized: npt.NDArray[np.uint8],
            colormap: int, opacity: float = 0.5) -> npt.NDArray[np.uint8]:
    """Blend the coloured heat into `image` where there is heat; elsewhere keep it as is.

    Faint heat is blended faintly (full `opacity` from a quarter of the scale up), so
    the low end of a dark colormap does not paint grey blotches. Returns a new image;
    `image` is not modified.
    """
    out = image.copy()
    if opacity <= 0:
        return out
    rows = np.flatnonzero(normalized.any(axis=1))
    if not len(rows):
        return out
    cols = np.flatnonzero(normalized[rows[0]:rows[-1] + 1].any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    heat = normalized[y0:y1, x0:x1]
    alpha = _alpha_lut(opacity)[heat]
    out[y0:y1, x0:x1] = cv2.blendLinear(image[y0:y1, x0:x1], cv2.applyColorMap(heat, colormap),
                                        1.0 - alpha, alpha)
    return out


@lru_cache(maxsize=16)
def _alpha_lut(opacity: float) -> npt.NDArray[np.float32]:
    return (np.minimum(np.arange(256, dtype=np.float32) / 64.0, 1.0) * opacity).astype(
        np.float32)


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
