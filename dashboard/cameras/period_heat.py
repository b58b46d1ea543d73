"""The heatmap of a camera's period: its stored heat snapshots summed by the store,
coloured and blended like a run's heatmap (`heatmap_core.normalize_heat`, `overlay`).

No Streamlit here. Invariants: the heat is exactly `CameraStore.heat_sum` (a gap adds
nothing, so it is never drawn as cold: it is just not in the sum); over a frame of the
scene it is blended at the camera's opacity, without one it is coloured on black at
full opacity (as `Heatmap.colored_heatmap` does); the image is the frame's size, or
the grid scaled up to at least `MIN_SIDE` pixels a side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from heatmap_core import normalize_heat, overlay, resolve_colormap
from run_store import HeatSum

__all__ = ["DEFAULT_COLORMAP", "DEFAULT_OPACITY", "MIN_SIDE", "heat_png", "period_heat_image"]

DEFAULT_COLORMAP = "deepgreen"  # Heatmap's own default
DEFAULT_OPACITY = 0.5
MIN_SIDE = 480


def period_heat_image(total: HeatSum, frame: npt.NDArray[np.uint8] | None,
                      options: Mapping[str, Any] | None = None) -> npt.NDArray[np.uint8]:
    """The summed heat as a BGR image, over `frame` (the camera's scene) if given.
    `options` are the camera's heatmap options (colormap, opacity)."""
    options = options or {}
    colormap = resolve_colormap(options.get("colormap", DEFAULT_COLORMAP))
    normalized = normalize_heat(total.heat)
    if frame is not None and frame.ndim == 3 and frame.shape[2] == 3:
        opacity = float(options.get("opacity", DEFAULT_OPACITY))
        return overlay(np.ascontiguousarray(frame), normalized, colormap, opacity)
    h, w = normalized.shape
    scale = max(1.0, MIN_SIDE / max(h, w))
    base = np.zeros((round(h * scale), round(w * scale), 3), np.uint8)
    return overlay(base, normalized, colormap, 1.0)


def heat_png(image: npt.NDArray[np.uint8]) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("could not encode the heatmap as PNG")
    return encoded.tobytes()
