"""The counting region, drawn on the video's first frame: click points or type them.

The typed text is the single source of truth: a click on the frame edits the text (in
the click's callback, before the text box is drawn), so both ways always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from heatmap_core import Region, parse_points

IN_DIRECTIONS = ("auto", "down", "up", "left", "right")
SHAPES = ("Line", "Zone")
_PREVIEW_WIDTH = 960  # wider frames are shrunk for the page; points stay in frame pixels
_COLOR = (255, 0, 255)  # BGR magenta: visible on most scenes and heat colours


@dataclass(frozen=True)
class RegionInput:
    """What the editor holds: a valid region, nothing yet, or an error to fix."""

    region: Region | None
    error: str | None = None
    hint: str | None = None


def format_points(points: list[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"({x:g}, {y:g})" for x, y in points) + "]"


def default_points(width: int, height: int) -> str:
    """A line across the middle of the frame: people walking up or down cross it."""
    return format_points([(0, height // 2), (width, height // 2)])


def read_region(text: str, in_direction: str, width: int, height: int) -> RegionInput:
    """Validate typed points against the frame; errors say what to change."""
    if not text.strip():
        return RegionInput(None, hint="No region: the heatmap is made, but nothing is "
                                      "counted. Click on the frame or type points to count.")
    try:
        points = parse_points(text)
    except ValueError as error:
        if len(_numbers(text)) == 2:
            return RegionInput(None, hint="Click a second point to finish the line.")
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
    if region is not None:
        _draw_in_arrow(image, region, thickness)
    return image


def region_editor(frame: npt.NDArray[np.uint8], key: str) -> RegionInput:
    """Draw the editor for a BGR frame; widget keys start with `key` (one per video)."""
    height, width = frame.shape[:2]
    text_key, click_key = f"{key}_points", f"{key}_click"
    if text_key not in st.session_state:
        st.session_state[text_key] = default_points(width, height)

    image_col, controls_col = st.columns([3, 2], gap="medium")
    with controls_col:
        st.radio(  # read back from session state by the click handler
            "Clicks draw a", SHAPES, horizontal=True, key=f"{key}_shape",
            help="Line: two clicks make a counting line (a third click starts a new one). "
                 "Zone: each click adds a corner of a polygon; objects inside are counted "
                 "as inside, entering as IN and leaving as OUT.")
        st.text_input(
            "Points (x, y in frame pixels)", key=text_key,
            help=f"Two points make a line, three or more a zone. The frame is {width}x"
                 f"{height} pixels, (0, 0) at the top left. Example: "
                 f"{default_points(width, height)}")
        undo_col, clear_col = st.columns(2)
        undo_col.button("Undo last point", key=f"{key}_undo", on_click=_undo,
                        args=(text_key,), width="stretch")
        clear_col.button("Clear", key=f"{key}_clear", on_click=_set, args=(text_key, ""),
                         width="stretch")
        in_direction = st.selectbox(
            "IN direction", IN_DIRECTIONS, key=f"{key}_direction",
            help="Which way of crossing counts as IN (the arrow on the frame). Auto: "
                 "moving down across a mostly horizontal line, or right across a mostly "
                 "vertical one.")
    result = read_region(st.session_state[text_key], in_direction, width, height)
    with image_col:
        preview = draw_region(frame, st.session_state[text_key], result.region)
        scale = min(1.0, _PREVIEW_WIDTH / width)
        if scale < 1:
            preview = cv2.resize(preview, (round(width * scale), round(height * scale)),
                                 interpolation=cv2.INTER_AREA)
        streamlit_image_coordinates(
            preview[:, :, ::-1], key=click_key, width="stretch", image_format="JPEG",
            jpeg_quality=90, cursor="crosshair",
            on_click=partial(_add_clicked_point, click_key, text_key, f"{key}_shape", width,
                             height))
        st.caption("Click on the frame to place points.")
    if result.error:
        st.error(result.error)
    elif result.hint:
        st.info(result.hint)
    return result


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


def _add_clicked_point(click_key: str, text_key: str, shape_key: str, width: int,
                       height: int) -> None:
    point = clicked_pixel(st.session_state.get(click_key), width, height)
    if point is not None:
        st.session_state[text_key] = add_point(st.session_state.get(text_key, ""), point,
                                               st.session_state.get(shape_key, SHAPES[0]))


def _undo(text_key: str) -> None:
    points = _loose_points(st.session_state.get(text_key, ""))
    st.session_state[text_key] = format_points(points[:-1]) if len(points) > 1 else ""


def _set(text_key: str, value: str) -> None:
    st.session_state[text_key] = value


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
