"""Builders that make tests read like the rule they check."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from heatmap_core import Tracks

Point = tuple[float, float]


def boxes_at(*objects: tuple[int, Point], size: tuple[float, float] = (20, 40),
             class_id: int = 0, retired: Sequence[int] = ()) -> Tracks:
    """Tracks for one frame: (track id, centre) pairs, all boxes of one size."""
    if not objects:
        return Tracks.empty(tuple(retired))
    w, h = size
    ids = [i for i, _ in objects]
    xyxy = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for _, (x, y) in objects]
    return Tracks(np.array(xyxy), np.array(ids), np.full(len(ids), class_id),
                  np.full(len(ids), 0.9), tuple(retired))


def path(*points: Point, steps: int = 10) -> list[Point]:
    """Evenly spaced positions along straight legs between `points`."""
    out: list[Point] = [points[0]]
    for (x0, y0), (x1, y1) in pairwise(points):
        out += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps)
                for i in range(1, steps + 1)]
    return out


def links_shown(at) -> list[str]:
    """The links a page shows to copy (`copy_link`: the link as inline code)."""
    return [m.value[1:-1] for m in at.markdown
            if m.value.startswith("`") and m.value.endswith("`") and "?" in m.value]
