"""What a tracked object looks like: a small colour histogram of its own pixels.

Trackers that only compare boxes cannot tell two people apart when their boxes meet
(two people crossing, a blob that merges and parts again). A descriptor gives them a
cheap cue: the colours of the object's foreground pixels, the top half of its box (a
torso: a coat, a shirt) apart from the bottom half (legs), so that a red coat over dark
trousers differs from dark clothes with a red bag.

Invariants:
- a pixel's colour bin comes from hue and saturation (robust to light changes); pixels
  too grey for a meaningful hue are binned by brightness instead;
- a descriptor is the square root of a normalised histogram, a unit vector: the dot
  product of two is their Bhattacharyya coefficient, 1 for the same colours, 0 for
  none in common;
- a box with too few foreground pixels has no descriptor: a row of zeros, which the
  tracker reads as "unknown" (never as "different").
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

__all__ = ["DESCRIPTOR_SIZE", "describe", "similarity"]

_HUES = 6  # red, yellow, green, cyan, blue, magenta
_SATURATIONS = 2  # muted, vivid (below a third of full saturation: grey)
_GREYS = 6  # brightness levels of grey pixels, black to white
_BINS = _HUES * _SATURATIONS + _GREYS
_PARTS = 2  # top and bottom half of a box
_MIN_PIXELS = 8  # per part: fewer say nothing about colours
DESCRIPTOR_SIZE = _BINS * _PARTS


def describe(image: npt.NDArray[np.generic], mask: npt.NDArray[np.bool_]
             ) -> npt.NDArray[np.float32]:
    """The descriptor of one object: `image` (BGR) and `mask` (its foreground pixels)
    cover its box. Zeros when the box has too few foreground pixels to say anything."""
    pixels = image[mask]  # row by row: the top half's pixels come first
    top = int(np.count_nonzero(mask[:mask.shape[0] // 2]))
    if min(top, len(pixels) - top) < _MIN_PIXELS:
        return np.zeros(DESCRIPTOR_SIZE, np.float32)
    bins = _colour_bins(np.asarray(pixels, np.uint8))
    parts = [np.bincount(part, minlength=_BINS) / (len(part) * _PARTS)
             for part in (bins[:top], bins[top:])]
    return np.sqrt(np.concatenate(parts)).astype(np.float32)


def _colour_bins(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
    """The colour bin (0 .. bins - 1) of each BGR pixel of an (N, 3) array."""
    hsv = cv2.cvtColor(pixels.reshape(-1, 1, 3), cv2.COLOR_BGR2HSV).reshape(-1, 3)
    hsv = hsv.astype(np.intp)
    hue = hsv[:, 0] * _HUES // 180  # OpenCV hue is 0..179
    saturation = hsv[:, 1] * (_SATURATIONS + 1) // 256
    grey = hsv[:, 2] * _GREYS // 256
    return np.where(saturation == 0, _HUES * _SATURATIONS + grey,
                    hue * _SATURATIONS + saturation - 1)


def similarity(a: npt.NDArray[np.floating], b: npt.NDArray[np.floating]
               ) -> npt.NDArray[np.float64]:
    """Bhattacharyya coefficient of every descriptor in `a` (rows) with every one in `b`:
    in [0, 1]; NaN where either is unknown (zeros)."""
    a = np.asarray(a, np.float64).reshape(-1, DESCRIPTOR_SIZE)
    b = np.asarray(b, np.float64).reshape(-1, DESCRIPTOR_SIZE)
    score = np.clip(a @ b.T, 0.0, 1.0)
    known = np.outer(a.any(axis=1), b.any(axis=1))
    return np.where(known, score, np.nan)
