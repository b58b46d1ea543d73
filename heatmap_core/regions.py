"""Counting regions: a line (2 points) or a zone (a polygon of 3+ points).

A region's `in_direction` says which way of moving counts as IN. "auto" follows the
Ultralytics rule: moving down across a mostly horizontal line (or through a wide zone)
is IN, moving right across a mostly vertical line (or through a tall zone) is IN.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["Region", "parse_points", "parse_regions"]

Point = tuple[float, float]
InDirection = Literal["auto", "down", "up", "left", "right"]
_DIRECTIONS: dict[str, tuple[float, float]] = {
    "down": (0.0, 1.0), "up": (0.0, -1.0), "right": (1.0, 0.0), "left": (-1.0, 0.0),
}


@dataclass(frozen=True)
class Region:
    """A named counting line or zone in frame pixel coordinates."""

    points: tuple[Point, ...]
    name: str = "region"
    in_direction: InDirection = "auto"

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", parse_points(self.points))
        if self.in_direction not in ("auto", *_DIRECTIONS):
            raise ValueError(f"region {self.name!r}: in_direction must be one of auto, "
                             f"down, up, left, right, not {self.in_direction!r}")
        if not str(self.name).strip():
            raise ValueError("a region needs a non-empty name")
        if self.kind == "zone":
            _check_polygon(self.points, self.name)
        else:
            _ = self.in_normal  # raises when the IN direction runs along the line

    @property
    def kind(self) -> Literal["line", "zone"]:
        return "line" if len(self.points) == 2 else "zone"

    @property
    def direction(self) -> tuple[float, float]:
        """Unit vector of the motion that counts as IN."""
        if self.in_direction != "auto":
            return _DIRECTIONS[self.in_direction]
        xs, ys = zip(*self.points, strict=True)
        wide = (max(xs) - min(xs)) >= (max(ys) - min(ys))
        # The seed's rule: a line is "vertical" only when strictly taller than wide.
        return (0.0, 1.0) if wide else (1.0, 0.0)

    @property
    def in_normal(self) -> tuple[float, float]:
        """For a line: the unit normal pointing to the side an IN crossing goes to."""
        (x0, y0), (x1, y1) = self.points
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        nx, ny = -dy / length, dx / length
        ux, uy = self.direction
        dot = nx * ux + ny * uy
        if abs(dot) < 1e-6:
            raise ValueError(f"line {self.name!r} runs along {self.in_direction}: "
                             "choose an IN direction that crosses it")
        return (nx, ny) if dot > 0 else (-nx, -ny)

    def scaled(self, sx: float, sy: float) -> Region:
        """The same region on a frame resized by (sx, sy)."""
        return Region(tuple((x * sx, y * sy) for x, y in self.points), self.name,
                      self.in_direction)

    def check_fits(self, width: int, height: int) -> None:
        """Raise ValueError when a point lies outside a width x height frame."""
        for x, y in self.points:
            if not (0 <= x <= width and 0 <= y <= height):
                raise ValueError(
                    f"region {self.name!r}: point ({x:g}, {y:g}) is outside the "
                    f"{width}x{height} frame; x must be 0..{width}, y 0..{height}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, read back by `Region.from_dict`."""
        return {"name": self.name, "points": [[x, y] for x, y in self.points],
                "in_direction": self.in_direction}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Region:
        return cls(parse_points(data["points"]), str(data.get("name", "region")),
                   data.get("in_direction", "auto"))


def parse_points(value: Any) -> tuple[Point, ...]:
    """Points from a list of pairs, an (N, 2) array, or the seed's string form.

    "[(20, 400), (1080, 400)]", "20,400 1080,400" and [[20, 400], [1080, 400]] all work.
    A malformed value raises ValueError saying what is wrong.
    """
    if isinstance(value, str):
        value = _points_from_text(value)
    try:
        pts = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"region points must be numbers in (x, y) pairs, got {value!r}") from None
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"region must be a list of (x, y) points, got {value!r}")
    if len(pts) < 2:
        raise ValueError(f"a region needs at least 2 points (a line), got {len(pts)}")
    if not np.isfinite(pts).all():
        raise ValueError(f"region points must be finite numbers, got {value!r}")
    points = tuple((float(x), float(y)) for x, y in pts)
    if len(points) == 2 and points[0] == points[1]:
        raise ValueError(f"a line needs two different points, got {points[0]} twice")
    return points


def parse_regions(value: Any) -> tuple[Region, ...]:
    """Regions from a Region, a list of Regions, {name: points}, or the seed's `region`."""
    if value is None:
        return ()
    if isinstance(value, Region):
        return (value,)
    if isinstance(value, Mapping):
        regions = tuple(v if isinstance(v, Region) else Region(parse_points(v), str(k))
                        for k, v in value.items())
    elif isinstance(value, Sequence) and not isinstance(value, str) and value and all(
            isinstance(v, Region) for v in value):
        regions = tuple(value)
    else:
        regions = (Region(parse_points(value)),)
    names = [r.name for r in regions]
    if len(set(names)) != len(names):
        raise ValueError(f"region names must be unique, got {names}")
    return regions


def _points_from_text(text: str) -> Any:
    text = text.strip()
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    numbers = re.split(r"[\s,;()\[\]]+", text)
    numbers = [n for n in numbers if n]
    try:
        flat = [float(n) for n in numbers]
    except ValueError:
        raise ValueError(f"cannot read region {text!r}; write it like "
                         '"[(20, 400), (1080, 400)]"') from None
    if len(flat) % 2:
        raise ValueError(f"region {text!r} has an odd number of coordinates")
    return [flat[i:i + 2] for i in range(0, len(flat), 2)]


def _check_polygon(points: Sequence[Point], name: str) -> None:
    corners = list(points)
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    n = len(edges)
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbouring edges share a corner
            if segments_cross(*edges[i], *edges[j]):
                raise ValueError(f"zone {name!r} crosses itself (edges {i + 1} and {j + 1});"
                                 " list its corners in order around the zone")
    xs, ys = np.array(points).T
    area = 0.5 * abs(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1)))
    if area < 1e-6:
        raise ValueError(f"zone {name!r} has no area: its points are on one line")


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Do segments ab and cd cross at a point inside both (touching does not count)?"""
    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0
