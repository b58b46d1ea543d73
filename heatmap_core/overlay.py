"""Colouring heat and blending it into frames.

Heat colours the frame only where there is heat, faintly where it is faint (full
opacity from a quarter of the scale up), so the dark low end of a colormap never
paints grey blotches. `HeatOverlay` prepares the colour layer once and blends it into
any number of frames: at 1080p the preparation costs more than the blend, and heat
changes slowly, so a stream can refresh the layer a few times a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["HeatOverlay", "colorize", "overlay"]


@dataclass(frozen=True)
class _Layer:
    """The heat's bounding box in the frame, its colours premultiplied by their alpha,
    and how much of the frame to keep (255 - alpha), both cut to the box."""

    roi: tuple[int, int, int, int]  # y0, y1, x0, x1
    premultiplied: npt.NDArray[np.uint8]
    keep: npt.NDArray[np.uint8]


class HeatOverlay:
    """A colour layer made from normalized heat, ready to blend into frames."""

    def __init__(self) -> None:
        self._layer: _Layer | None = None  # None: no heat to draw

    def update(self, normalized: npt.NDArray[np.uint8], frame_shape: tuple[int, int],
               colormap: int, opacity: float) -> None:
        """Prepare the layer from heat on any grid, for frames of `frame_shape`."""
        h, w = frame_shape
        if normalized.shape != (h, w):
            normalized = np.asarray(
                cv2.resize(normalized, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)
        rows = np.flatnonzero(normalized.any(axis=1))
        if opacity <= 0 or not len(rows):
            self._layer = None
            return
        cols = np.flatnonzero(normalized[rows[0]:rows[-1] + 1].any(axis=0))
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        heat = np.ascontiguousarray(normalized[y0:y1, x0:x1])
        alpha = cv2.LUT(heat, _alpha_lut(opacity))
        alpha3 = cv2.merge([alpha, alpha, alpha])
        premultiplied = cv2.multiply(cv2.applyColorMap(heat, colormap), alpha3, scale=1 / 255)
        self._layer = _Layer((y0, y1, x0, x1), np.asarray(premultiplied, np.uint8),
                             np.asarray(cv2.bitwise_not(alpha3), np.uint8))

    def apply(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
        """A copy of `image` with the layer blended in; `image` is not modified."""
        layer = self._layer
        if layer is None:
            return image.copy()
        y0, y1, x0, x1 = layer.roi
        if y1 > image.shape[0] or x1 > image.shape[1]:
            raise ValueError("the overlay was prepared for a larger frame")
        out = np.empty_like(image)
        out[:y0], out[y1:] = image[:y0], image[y1:]  # outside the heat: copied once
        out[y0:y1, :x0], out[y0:y1, x1:] = image[y0:y1, :x0], image[y0:y1, x1:]
        region = out[y0:y1, x0:x1]  # a view: OpenCV writes into `out` in place
        cv2.multiply(image[y0:y1, x0:x1], layer.keep, dst=region, scale=1 / 255)
        cv2.add(region, layer.premultiplied, dst=region)
        return out


def overlay(image: npt.NDArray[np.uint8], normalized: npt.NDArray[np.uint8],
            colormap: int, opacity: float = 0.5) -> npt.NDArray[np.uint8]:
    """Blend heat (0..255, any grid size) into a copy of `image`, once."""
    layer = HeatOverlay()
    layer.update(normalized, image.shape[:2], colormap, opacity)
    return layer.apply(image)


def colorize(normalized: npt.NDArray[np.uint8], colormap: int) -> npt.NDArray[np.uint8]:
    """Heat (0..255) as a BGR image in an OpenCV colormap."""
    return np.asarray(cv2.applyColorMap(normalized, colormap), np.uint8)


@lru_cache(maxsize=16)
def _alpha_lut(opacity: float) -> npt.NDArray[np.uint8]:
    ramp = np.minimum(np.arange(256) / 64.0, 1.0) * opacity * 255
    return np.round(ramp).astype(np.uint8)
