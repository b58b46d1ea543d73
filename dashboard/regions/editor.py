"""The counting region as the editor holds it: typed points read into a Region (or a
message saying what to fix), clicks turned into points, and the preview drawn.

No Streamlit here: `dashboard.regions.widgets` draws the editor. The typed text is the
single source of truth; a click edits the text, so both ways always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from heatmap_core import Region, parse_points

IN_DIRECTIONS = ("auto", "down", "up", "left", "right")
SHAPES = ("Line", "Zone")
_COLOR = (255, 0, 255)  # BGR magenta: visible on most scenes and heat colours


@dataclass(frozen=True)
class RegionInput:
    """What the editor holds: a valid region, nothing yet, or an error to fix."""

    region: Region | None
    error: str | None = None
    hint: str | None = None
    unfinished: bool = False  # points were started but do not make a region yet

    @property
    def ready(self) -> bool:
        """Can a run start with this: a valid region, or deliberately none."""
        return self.error is None and not self.unfinished


def format_points(points: list[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"({x:g}, {y:g})" for x, y in points) + "]"


def default_points(width: int, height: int) -> str:
    """A line across the middle of the frame: people walking up or down cross it."""
    return format_points([(0, height // 2), (width, height // 2)])


def read_region(text: str, in_direction: str, width: int, height: int,
                shape: str = SHAPES[0]) -> RegionInput:
    """Validate typed points against the frame; errors say what to change. `shape` is
    what clicks draw ("Line" or "Zone"): it words the hint for unfinished points."""
    if not text.strip():
        return RegionInput(None, hint="No region: the heatmap is made, but nothing is "
                                      "counted. Click on the frame or type points to count.")
    try:
        points = parse_points(text)
    except ValueError as error:
        if len(_numbers(text)) == 2:
            hint = ("Click two more points to make a zone." if shape == "Zone" else
                    "Click a second point to finish the line.")
            return RegionInput(None, hint=hint, unfinished=True)
        return RegionInput(None, f"The region is not valid: {error}. Write points like "
                                 f"[(0, {height // 2}), ({width}, {height // 2})].")
    try:
        region = Region(points, in_direction=in_direction)  # type: ignore[arg-type]
        region.check_fits(width, height)
    except ValueError as error:
        return RegionInput(None, f"The region is not valid: {error}. Move or retype the "
                                 "points, or press Clear and click them on the frame.")
    return RegionInput(region)


def draw_region(frame: npt.NDArray[np.uint8], text: str,
                region: Region | None) -> npt.NDArray[np.uint8]:
    """The frame with the points, the line or zone, and an arrow for the IN side."""
    image = frame.copy()
    thickness = max(2, round(image.shape[1] / 400))
    pts = np.round(np.array(_loose_points(text), np.float64)).astype(np.int32).reshape(-1, 2)
    if len(pts) >= 2:
        cv2.polylines(image, [pts], len(pts) > 2, _COLOR, thickness, cv2.LINE_AA)
    for x, y in pts:
        cv2.circle(image, (int(x), int(y)), thickness * 3, _COLOR, -1, cv2.LINE_AA)
    if region is not None and region.kind == "line":  # a zone's IN is entering it
        _draw_in_arrow(image, region, thickness)
    return image


def clicked_pixel(click: dict[str, Any] | None, width: int,
                  height: int) -> tuple[int, int] | None:
    """The frame pixel of a click on the shown (maybe scaled) image, kept in the frame."""
    if not click or not click.get("width") or not click.get("height"):
        return None
    x = round(click["x"] * width / click["width"])
    y = round(click["y"] * height / click["height"])
    return min(max(x, 0), width), min(max(y, 0), height)


def add_point(text: str, point: tuple[float, float], shape: str) -> str:
    """The points after a click: a line starts over after two points, a zone grows."""
    points = _loose_points(text)
    if shape == "Line" and len(points) >= 2:
        points = []
    return format_points([*points, point])


def undo_point(text: str) -> str:
    """The points without the last one."""
    points = _loose_points(text)
    return format_points(points[:-1]) if len(points) > 1 else ""


def _loose_points(text: str) -> list[tuple[float, float]]:
    """The points of a possibly unfinished or malformed text: its numbers, in pairs."""
    try:
        return list(parse_points(text))
    except ValueError:
        numbers = _numbers(text)
        return [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d*)?", text)]


def _draw_in_arrow(image: npt.NDArray[np.uint8], region: Region, thickness: int) -> None:
    start = np.array(region.points, np.float64).mean(axis=0)
    dx, dy = region.in_normal if region.kind == "line" else region.direction
    length = max(30.0, image.shape[1] / 12)
    end = start + length * np.array([dx, dy])
    cv2.arrowedLine(image, tuple(int(v) for v in np.round(start)),
                    tuple(int(v) for v in np.round(end)), _COLOR, thickness, cv2.LINE_AA,
                    tipLength=0.3)
    cv2.putText(image, "IN", tuple(int(v) for v in np.round(end + 6)),
                cv2.FONT_HERSHEY_SIMPLEX, thickness * 0.35, _COLOR, thickness, cv2.LINE_AA)
