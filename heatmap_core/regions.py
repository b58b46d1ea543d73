"""Counting regions: a line (2 points) or a zone (a polygon of 3+ points).

A line's `in_direction` says which way of crossing counts as IN. "auto" follows the
Ultralytics rule: moving down across a mostly horizontal line is IN, moving right
across a mostly vertical line is IN. A zone counts entering as IN and leaving as OUT,
so its `in_direction` is kept (saved regions read back unchanged) but not used.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["Region", "RegionClippedWarning", "parse_points", "parse_regions"]

Point = tuple[float, float]
InDirection = Literal["auto", "down", "up", "left", "right"]
_DIRECTIONS: dict[str, tuple[float, float]] = {
    "down": (0.0, 1.0), "up": (0.0, -1.0), "right": (1.0, 0.0), "left": (-1.0, 0.0),
}


class RegionClippedWarning(UserWarning):
    """A region reached past the frame and was clipped to it (Ultralytics accepts such
    regions, so the seed's examples do too); the message says what was clipped."""


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
        """Unit vector of the motion that counts as IN across a line (a zone's IN is
        entering it, whatever the motion)."""
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
        """Raise ValueError when a point lies outside a width x height frame (the strict
        check, for editors; analysing clips instead, see `clipped`)."""
        outside = self.outside_points(width, height)
        if outside:
            x, y = outside[0]
            raise ValueError(
                f"region {self.name!r}: point ({x:g}, {y:g}) is outside the "
                f"{width}x{height} frame; x must be 0..{width}, y 0..{height}")

    def outside_points(self, width: int, height: int) -> list[Point]:
        """The points that lie outside a width x height frame."""
        return [(x, y) for x, y in self.points if not (0 <= x <= width and 0 <= y <= height)]

    def clipped(self, width: int, height: int) -> Region:
        """This region cut to a width x height frame: a line to its segment inside the
        frame, a zone to its part inside. The same region when it fits; ValueError
        when no part of it (a segment, an area) is inside."""
        if not self.outside_points(width, height):
            return self
        points: tuple[Point, ...] | None
        if self.kind == "line":
            a, b = self.points
            points = _clip_segment(a, b, width, height)
        else:
            points = _clip_polygon(self.points, width, height)
        if points is None:
            raise ValueError(
                f"region {self.name!r} lies outside the {width}x{height} frame: no part of "
                f"it is inside; x must be 0..{width}, y 0..{height}")
        # A cut line keeps its slope, so an "auto" IN side stays the same.
        return Region(points, self.name, self.in_direction)

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


def _clip_segment(a: Point, b: Point, width: float,
                  height: float) -> tuple[Point, Point] | None:
    """The part of segment ab inside [0, width] x [0, height] (Liang-Barsky), or None
    when less than a pixel of it is inside."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0), (dx, width - x0), (-dy, y0), (dy, height - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    if t1 - t0 <= 0 or math.hypot(dx, dy) * (t1 - t0) < 1.0:
        return None
    return (_snap(x0 + t0 * dx, width), _snap(y0 + t0 * dy, height)), \
        (_snap(x0 + t1 * dx, width), _snap(y0 + t1 * dy, height))


def _clip_polygon(points: Sequence[Point], width: float,
                  height: float) -> tuple[Point, ...] | None:
    """The part of a polygon inside [0, width] x [0, height] (Sutherland-Hodgman), or
    None when nothing of its area is inside."""
    polygon = list(points)
    # Each side of the frame in turn: (axis, bound, keep the side below the bound).
    for axis, bound, below in ((0, 0.0, False), (0, width, True), (1, 0.0, False),
                               (1, height, True)):
        clipped: list[Point] = []
        for p, q in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            p_in, q_in = (_within(v[axis], bound, below) for v in (p, q))
            if p_in != q_in:
                t = (bound - p[axis]) / (q[axis] - p[axis])
                clipped.append((p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t))
            if q_in:
                clipped.append(q)
        polygon = clipped
        if not polygon:
            return None
    snapped = [(_snap(x, width), _snap(y, height)) for x, y in polygon]
    unique = [p for p, q in zip(snapped, snapped[1:] + snapped[:1], strict=True) if p != q]
    if len(unique) < 3:
        return None
    xs, ys = np.array(unique).T
    if 0.5 * abs(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))) < 1.0:
        return None
    if points[0] in unique:  # start where the user's zone starts
        first = unique.index(points[0])
        unique = unique[first:] + unique[:first]
    return tuple(unique)


def _within(value: float, bound: float, below: bool) -> bool:
    return value <= bound if below else value >= bound


def _snap(value: float, limit: float) -> float:
    """A clipped coordinate, inside [0, limit] and free of float noise (479.99999...)."""
    return float(min(max(round(value, 6), 0.0), limit))


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Do segments ab and cd cross at a point inside both (touching does not count)?"""
    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
    return d1 * d2 < 0 and d3 * d4 < 0
