"""The app's favicon, drawn here: an icon font or emoji would be fetched from a CDN,
which a server without internet (or a privacy-minded user) cannot reach."""

from __future__ import annotations

import numpy as np
from PIL import Image

from heatmap_core import COLORMAPS, colorize

__all__ = ["page_icon"]


def page_icon(size: int = 64) -> Image.Image:
    """A hot spot in the default colormap."""
    ys, xs = np.mgrid[0:size, 0:size] / (size - 1) - 0.5
    heat = np.clip(1.0 - np.hypot(xs, ys) * 2.0, 0.0, 1.0)
    bgr = colorize((heat * 255).astype(np.uint8), COLORMAPS["inferno"])
    return Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]))
